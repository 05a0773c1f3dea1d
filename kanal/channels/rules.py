"""Pure rules of the channels: signatures, normalised items, chatter, reply windows, statuses."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

# --- signatures (verified on the raw body, in constant time) ------------------------------


def meta_signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta / WhatsApp Cloud API: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256>``.

    Meta signs the bytes it sends; hashing a re-serialised JSON would differ, so the
    caller passes ``request.body`` as received.
    """
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def meta_signature(app_secret: str, body: bytes) -> str:
    """The header value Meta would send for ``body`` (probes and tests)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


TIKTOK_TOLERANCE = timedelta(minutes=5)  # replays older than this are refused


def tiktok_signature_ok(
    client_secret: str,
    body: bytes,
    header: str | None,
    now: datetime,
    tolerance: timedelta = TIKTOK_TOLERANCE,
) -> bool:
    """TikTok: ``Tiktok-Signature: t=<unix>,s=<hex HMAC-SHA256(secret, "<t>.<body>")>``."""
    if not client_secret or not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    stamp, signature = parts.get("t", ""), parts.get("s", "")
    if not stamp.isdigit() or not signature:
        return False
    if abs(now.timestamp() - int(stamp)) > tolerance.total_seconds():
        return False
    expected = hmac.new(
        client_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def tiktok_signature(client_secret: str, body: bytes, now: datetime) -> str:
    """The ``Tiktok-Signature`` header TikTok sends with ``body`` at ``now``.

    ``t=<unix seconds>,s=<hex HMAC-SHA256 of "t.body">``; what ``tiktok_signature_ok``
    checks (the channel probe and the tests sign with it)."""
    stamp = str(int(now.timestamp()))
    digest = hmac.new(client_secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    return f"t={stamp},s={digest.hexdigest()}"


def shared_secret_ok(expected: str, header: str | None) -> bool:
    """Telegram's ``X-Telegram-Bot-Api-Secret-Token`` (and the SMS gateway's token)."""
    if not expected or header is None:
        return False
    return hmac.compare_digest(expected.encode(), header.encode())


# --- normalised inbound items ---------------------------------------------------------------


@dataclass(frozen=True)
class MediaRef:
    """Where to fetch a file: a provider media id or a URL, with what the provider said."""

    ref: str
    content_type: str = ""
    name: str = ""


@dataclass(frozen=True)
class InboundItem:
    """One provider event, normalised. ``key`` is its dedupe key within the provider.

    ``kind``: ``message`` (from a citizen), ``deleted`` (the citizen unsent a message),
    ``status`` (delivery status of our message), ``ignored`` (echo, reaction, ...).
    """

    key: str
    kind: str
    channel: str = ""
    contact_id: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    thread_key: str = ""
    message_id: str = ""
    message_kind: str = "text"
    text: str = ""
    sent_at: datetime | None = None
    lat: float | None = None
    lng: float | None = None
    media: tuple[MediaRef, ...] = ()
    status: str = ""  # for kind == "status": sent, delivered, read, failed
    error: str = ""
    data: dict = field(default_factory=dict)


# --- chatter ---------------------------------------------------------------------------------

# BL-XXXX-XXXX as issued; citizens also type "bl xxxxxxxx" or "BLXXXX-XXXX".
TRACKING_PATTERN = re.compile(
    r"\b([A-Z]{2,4})[-\s]?([0-9A-Z]{4})[-\s]?([0-9A-Z]{4})\b", re.IGNORECASE
)
GREETINGS = {
    "halo",
    "hallo",
    "hai",
    "hi",
    "hello",
    "p",
    "ping",
    "assalamualaikum",
    "assalamu'alaikum",
    "selamat pagi",
    "selamat siang",
    "selamat sore",
    "selamat malam",
    "pagi",
    "siang",
    "sore",
    "malam",
    "/start",
    "start",
    "tes",
    "test",
    "info",
    "menu",
}
THANKS = {
    "terima kasih",
    "terimakasih",
    "makasih",
    "trims",
    "thanks",
    "thank you",
    "tq",
    "thx",
    "ok",
    "oke",
    "okay",
    "baik",
    "siap",
    "sip",
    "mantap",
    "👍",
    "🙏",
}


@dataclass(frozen=True)
class Intent:
    """What a message outside an open case is about (see ``classify_text``)."""

    kind: str  # "status", "greeting", "thanks", "report"
    tracking_number: str = ""


def classify_text(text: str, tracking_prefix: str = "BL") -> Intent:
    """What a message in a conversation without an open case is about.

    A text carrying a tracking number and few other words is a status query; a short
    greeting or thanks is chatter; anything else reports a problem.
    """
    cleaned = " ".join(text.strip().lower().replace("!", " ").replace(".", " ").split())
    if not cleaned:
        return Intent("greeting")
    match = TRACKING_PATTERN.search(text)
    if match and match.group(1).upper() == tracking_prefix.upper() and len(cleaned.split()) <= 6:
        number = f"{match.group(1)}-{match.group(2)}-{match.group(3)}".upper()
        return Intent("status", number)
    stripped = cleaned.rstrip(",;:?")
    for word in ("admin", "kak", "min", "pak", "bu"):
        stripped = stripped.removesuffix(" " + word).strip()
    if stripped in GREETINGS:
        return Intent("greeting")
    if stripped in THANKS or (len(cleaned.split()) <= 4 and any(_has(cleaned, t) for t in THANKS)):
        return Intent("thanks")
    return Intent("report")


REOPEN_PHRASES = ("buka lagi", "buka kembali", "dibuka lagi", "reopen")
RATING_ANSWER = re.compile(r"^\s*([1-5])\s*(?:bintang|/\s*5|dari\s+5)?\s*[.!]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CaseAnswer:
    """A reply to an answered case's question: ``rate`` (1-5) or ``reopen``."""

    kind: str
    rating: int = 0


def case_answer(text: str) -> CaseAnswer | None:
    """Whether a message answers the rating question ("1".."5", "4 bintang") or asks to
    reopen ("buka lagi ..."); None for anything else (an ordinary reply)."""
    match = RATING_ANSWER.match(text or "")
    if match:
        return CaseAnswer("rate", int(match.group(1)))
    cleaned = " ".join((text or "").lower().split())
    if any(cleaned.startswith(phrase) for phrase in REOPEN_PHRASES):
        return CaseAnswer("reopen")
    return None


def _has(text: str, phrase: str) -> bool:
    """``phrase`` as whole words in ``text`` ("ok" is not in "tiktok"); emoji anywhere."""
    if not phrase.isascii():
        return phrase in text
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def title_from(text: str, fallback: str) -> str:
    """A case title from the first line of the citizen's text (at most 80 characters)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return fallback
    return first if len(first) <= 80 else first[:77].rstrip() + "..."


# --- reply windows ---------------------------------------------------------------------------

# channels.md §0/§1.2/§2.3: WhatsApp 24 h customer-service window then templates only;
# Messenger/Instagram 24 h standard window, HUMAN_AGENT tag up to 7 days; TikTok
# user-initiated (Chatwoot codes 48 h, unconfirmed); Telegram, e-mail, SMS: none.
WINDOWS: dict[str, timedelta] = {
    "whatsapp": timedelta(hours=24),
    "facebook": timedelta(hours=24),
    "instagram": timedelta(hours=24),
    "tiktok": timedelta(hours=48),
}
HUMAN_AGENT_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class ReplyWindow:
    """Whether the channel can take a free reply now, until when, and what to do otherwise.

    ``mode``: ``text`` (free reply), ``human_agent`` (Messenger/Instagram tag),
    ``template`` (WhatsApp approved template), or ``closed``. ``fallback`` names the
    next route when closed: ``template``, ``sms``, ``email`` or ``""`` (none).
    """

    mode: str
    closes_at: datetime | None
    fallback: str = ""

    @property
    def is_open(self) -> bool:
        return self.mode in ("text", "human_agent")


def reply_window(
    channel: str,
    last_inbound_at: datetime | None,
    now: datetime,
    *,
    has_template: bool = False,
    phone: str = "",
    email: str = "",
) -> ReplyWindow:
    """The reply window of ``channel`` given the citizen's last message."""
    window = WINDOWS.get(channel)
    if window is None:
        return ReplyWindow("text", None)
    if last_inbound_at is not None and now < last_inbound_at + window:
        return ReplyWindow("text", last_inbound_at + window)
    if (
        channel in ("facebook", "instagram")
        and last_inbound_at is not None
        and now < last_inbound_at + HUMAN_AGENT_WINDOW
    ):
        return ReplyWindow("human_agent", last_inbound_at + HUMAN_AGENT_WINDOW)
    if channel == "whatsapp" and has_template:
        return ReplyWindow("template", None, "template")
    fallback = "sms" if phone else ("email" if email else "")
    return ReplyWindow("closed", None, fallback)


# --- providers and channels ------------------------------------------------------------------

CHANNEL_PROVIDER = {
    "whatsapp": "whatsapp",
    "facebook": "meta",
    "instagram": "meta",
    "telegram": "telegram",
    "tiktok": "tiktok",
    "sms": "sms",
    "email": "email",
    "lapor": "lapor",
}

# --- configuration: what each channel needs, from the environment or the console -------------

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"


@dataclass(frozen=True)
class CredentialField:
    """One value a channel needs, named after its environment variable.

    ``kind``: ``text`` (shown), ``secret`` (written once, never shown again), ``generated``
    (a shared token Kanal makes up and shows, to paste into the provider's dashboard),
    ``address`` (a base URL with a public default, changed only for a proxy or a test).
    ``required``: the channel counts as configured only when every required value is set.
    """

    name: str
    label: object  # a lazy translation
    kind: str = "text"
    required: bool = True
    default: str = ""

    @property
    def secret(self) -> bool:
        return self.kind == "secret"


F = CredentialField
GRAPH_URL = F("KANAL_GRAPH_URL", _("Graph API address"), "address", False, DEFAULT_GRAPH_URL)
VERIFY_TOKEN = F("KANAL_META_VERIFY_TOKEN", _("Webhook verify token"), "generated", False)
CHANNEL_FIELDS: dict[str, tuple[CredentialField, ...]] = {
    "whatsapp": (
        F("KANAL_WHATSAPP_PHONE_NUMBER_ID", _("Phone number ID")),
        F("KANAL_WHATSAPP_TOKEN", _("Access token (system user)"), "secret"),
        F("KANAL_WHATSAPP_APP_SECRET", _("App secret"), "secret", required=False),
        VERIFY_TOKEN,
        GRAPH_URL,
    ),
    "meta": (
        F("KANAL_META_PAGE_ID", _("Facebook Page ID"), required=False),
        F("KANAL_META_PAGE_TOKEN", _("Page access token"), "secret"),
        F("KANAL_META_APP_SECRET", _("App secret"), "secret"),
        F("KANAL_INSTAGRAM_ACCOUNT_ID", _("Instagram account ID"), required=False),
        F("KANAL_INSTAGRAM_TOKEN", _("Instagram access token"), "secret", required=False),
        VERIFY_TOKEN,
        GRAPH_URL,
    ),
    "telegram": (
        F("KANAL_TELEGRAM_BOT_TOKEN", _("Bot token (from BotFather)"), "secret"),
        F("KANAL_TELEGRAM_SECRET_TOKEN", _("Webhook secret token"), "generated"),
        F(
            "KANAL_TELEGRAM_API_URL",
            _("Bot API address"),
            "address",
            False,
            "https://api.telegram.org",
        ),
    ),
    "tiktok": (
        F("KANAL_TIKTOK_BUSINESS_ID", _("Business account ID")),
        F("KANAL_TIKTOK_BUSINESS_TOKEN", _("Business API access token"), "secret"),
        F("KANAL_TIKTOK_CLIENT_SECRET", _("App client secret"), "secret"),
        F(
            "KANAL_TIKTOK_BUSINESS_API_URL",
            _("Business API address"),
            "address",
            False,
            "https://business-api.tiktok.com/open_api/v1.3",
        ),
    ),
    "sms": (
        F("KANAL_SMS_GATEWAY_URL", _("Gateway address")),
        F("KANAL_SMS_GATEWAY_TOKEN", _("Gateway access token"), "secret"),
        F("KANAL_SMS_GATEWAY_SECRET", _("Webhook shared secret"), "generated"),
    ),
    "email": (
        F("KANAL_IMAP_HOST", _("IMAP server")),
        F("KANAL_IMAP_PORT", _("IMAP port"), required=False, default="993"),
        F("KANAL_IMAP_SSL", _("IMAP over SSL (1 or 0)"), required=False, default="1"),
        F("KANAL_IMAP_USER", _("IMAP user name")),
        F("KANAL_IMAP_PASSWORD", _("IMAP password"), "secret"),
        F("KANAL_IMAP_FOLDER", _("IMAP folder"), required=False, default="INBOX"),
        F("KANAL_EMAIL_REPLY_ADDRESS", _("Reply address"), required=False),
    ),
    "lapor": (
        F("KANAL_LAPOR_API_URL", _("SP4N-LAPOR! API address")),
        F("KANAL_LAPOR_TOKEN", _("SP4N-LAPOR! token"), "secret"),
    ),
}
del F

# Which providers a value belongs to, in order (the Graph address and the verify token
# are shared by WhatsApp and Meta; each provider's saved value is looked at in turn).
FIELD_PROVIDERS: dict[str, tuple[str, ...]] = {}
for _provider, _fields in CHANNEL_FIELDS.items():
    for _field in _fields:
        FIELD_PROVIDERS[_field.name] = (*FIELD_PROVIDERS.get(_field.name, ()), _provider)
FIELDS_BY_NAME = {f.name: f for fields in CHANNEL_FIELDS.values() for f in fields}


def field_value(field: CredentialField, environment: str, saved: str) -> tuple[str, str]:
    """The value in use and where it comes from: ``environment``, ``saved``, ``default``, ``""``.

    The environment wins over a value saved in the console (the page says so), so a
    deployment's configuration management keeps the last word.
    """
    if environment:
        return environment, "environment"
    if saved:
        return saved, "saved"
    if field.default:
        return field.default, "default"
    return "", ""


def is_configured(provider: str, values: dict[str, str]) -> bool:
    """Every required value of the provider is set."""
    return all(values.get(f.name) for f in CHANNEL_FIELDS[provider] if f.required)


# --- webhook bodies ---------------------------------------------------------------------------


def body_refusal(content_length: str | None, input_terminated: bool, body_size: int | None) -> str:
    """Why a webhook body must be refused with 400 before anything is stored, or "".

    A delivery without Content-Length (``Transfer-Encoding: chunked``) reaches Django as an
    empty stream unless the server de-chunks it and says so (``wsgi.input_terminated``, as
    gunicorn does); acknowledging it would lose the message, so it is refused and the
    provider sends it again. An empty body is refused too: it carries no event, and its
    digest would make every later empty delivery look like a duplicate.
    ``body_size`` is the number of bytes read, ``None`` when nothing could be read.
    """
    if content_length in (None, "") and not input_terminated:
        return "length unknown"
    if body_size is None:
        return "body too large"
    if body_size == 0:
        return "empty body"
    return ""


# A provider can carry outbound messages when these are set (the outbox's "configured";
# the webhook secrets that CHANNEL_FIELDS also requires matter only for receiving).
SEND_SETTINGS = {
    "whatsapp": ("KANAL_WHATSAPP_TOKEN", "KANAL_WHATSAPP_PHONE_NUMBER_ID"),
    "meta": ("KANAL_META_PAGE_TOKEN",),
    "telegram": ("KANAL_TELEGRAM_BOT_TOKEN",),
    "tiktok": ("KANAL_TIKTOK_BUSINESS_TOKEN", "KANAL_TIKTOK_BUSINESS_ID"),
    "sms": ("KANAL_SMS_GATEWAY_URL", "KANAL_SMS_GATEWAY_TOKEN"),
    "lapor": ("KANAL_LAPOR_API_URL", "KANAL_LAPOR_TOKEN"),
}


# --- health ----------------------------------------------------------------------------------


def is_silent(last_event_at: datetime | None, now: datetime, quiet_period: timedelta) -> bool:
    """A configured channel with no event within its quiet period has gone silent."""
    return last_event_at is None or now - last_event_at > quiet_period
