"""One adapter per provider behind one small interface (see :class:`Adapter`).

``verify(headers, body, now)`` checks authenticity on the raw bytes and returns
``(ok, reason)``; ``normalise(body)`` gives InboundItems; ``send(channel, reply)``
returns the provider's message id or raises ProviderError; ``download(media)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .. import rules
from . import email, lapor, meta, sms, telegram, tiktok, whatsapp
from .base import Download, ItemKey, OutgoingReply, ProviderError, keys_of, setting  # noqa: F401


@dataclass(frozen=True)
class Adapter:
    provider: str
    channels: tuple[str, ...]
    normalise: Callable
    send: Callable[[str, OutgoingReply], str]
    download: Callable
    verify: Callable[[dict, bytes, datetime], tuple[bool, str]]
    # (key, kind, message id) of each item, without building them: the webhook view
    # stores the body under its keys and the task normalises it (the body parsed once
    # into items, in the task).
    keys: Callable[[bytes], list[ItemKey]]


def _meta_verify(secret_getter):
    def verify(headers, body, now):
        header = headers.get("X-Hub-Signature-256")
        if not header:
            return False, "missing"
        return rules.meta_signature_ok(secret_getter(), body, header), "bad signature"

    return verify


def _telegram_verify(headers, body, now):
    header = headers.get("X-Telegram-Bot-Api-Secret-Token")
    if header is None:
        return False, "missing"
    return rules.shared_secret_ok(setting("KANAL_TELEGRAM_SECRET_TOKEN"), header), "bad token"


def _tiktok_verify(headers, body, now):
    header = headers.get("Tiktok-Signature")
    if not header:
        return False, "missing"
    ok = rules.tiktok_signature_ok(setting("KANAL_TIKTOK_CLIENT_SECRET"), body, header, now)
    return ok, "bad or stale signature"


def _sms_verify(headers, body, now):
    header = headers.get("X-Kanal-Sms-Token")
    if header is None:
        return False, "missing"
    return rules.shared_secret_ok(setting("KANAL_SMS_GATEWAY_SECRET"), header), "bad token"


ADAPTERS: dict[str, Adapter] = {
    "whatsapp": Adapter(
        "whatsapp",
        ("whatsapp",),
        whatsapp.normalise,
        lambda _c, r: whatsapp.send(r),
        whatsapp.download,
        _meta_verify(whatsapp.app_secret),
        whatsapp.keys,
    ),
    "meta": Adapter(
        "meta",
        ("facebook", "instagram"),
        meta.normalise,
        meta.send,
        meta.download,
        _meta_verify(lambda: setting("KANAL_META_APP_SECRET")),
        keys_of(meta.normalise),
    ),
    "telegram": Adapter(
        "telegram",
        ("telegram",),
        telegram.normalise,
        lambda _c, r: telegram.send(r),
        telegram.download,
        _telegram_verify,
        telegram.keys,
    ),
    "tiktok": Adapter(
        "tiktok",
        ("tiktok",),
        tiktok.normalise,
        lambda _c, r: tiktok.send(r),
        tiktok.download,
        _tiktok_verify,
        tiktok.keys,
    ),
    "sms": Adapter(
        "sms",
        ("sms",),
        sms.normalise,
        lambda _c, r: sms.send(r),
        sms.download,
        _sms_verify,
        sms.keys,
    ),
    # LAPOR! is pulled (API or CSV import), not pushed: no webhook to verify.
    "lapor": Adapter(
        "lapor",
        ("lapor",),
        lapor.normalise,
        lambda _c, r: lapor.send(r),
        lambda media: None,
        lambda headers, body, now: (False, "no webhook"),
        keys_of(lapor.normalise),
    ),
    # E-mail is polled, not pushed: no webhook to verify.
    "email": Adapter(
        "email",
        ("email",),
        email.normalise,
        lambda _c, r: email.send(r),
        lambda media: None,
        lambda headers, body, now: (False, "no webhook"),
        keys_of(email.normalise),
    ),
}

CHANNEL_PROVIDER = rules.CHANNEL_PROVIDER


def for_provider(provider: str) -> Adapter:
    return ADAPTERS[provider]


def for_channel(channel: str) -> Adapter | None:
    provider = CHANNEL_PROVIDER.get(channel)
    return ADAPTERS.get(provider) if provider else None
