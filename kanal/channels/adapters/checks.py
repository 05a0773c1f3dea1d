""" "Test the connection": one harmless call per provider, answered in plain words.

Each check reads the credentials through the same resolver the adapters use, calls an
endpoint that changes nothing (Graph ``GET /{phone-number-id}``, Telegram ``getMe``,
an IMAP login…) and returns a :class:`CheckResult` whose message says what worked or
what failed and what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .base import setting, timeout


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def _unreachable(url: str, exc: Exception) -> CheckResult:
    return CheckResult(
        False,
        _(
            "Kanal could not reach %(url)s (%(error)s). Check the address and that this "
            "server may connect to the internet."
        )
        % {"url": url, "error": type(exc).__name__},
    )


def _missing(names: list[str]) -> CheckResult | None:
    absent = [name for name in names if not setting(name)]
    if not absent:
        return None
    return CheckResult(
        False, _("Not configured yet: %(names)s is empty.") % {"names": ", ".join(absent)}
    )


def _graph_object(token_name: str, object_id: str, what: str) -> CheckResult:
    import httpx

    graph = setting("KANAL_GRAPH_URL").rstrip("/")
    url = f"{graph}/{object_id}"
    try:
        response = httpx.get(
            url,
            params={"fields": "id"},
            headers={"Authorization": f"Bearer {setting(token_name)}"},
            timeout=timeout(),
        )
    except httpx.HTTPError as exc:
        return _unreachable(graph, exc)
    if response.is_success:
        return CheckResult(
            True, _("Meta accepted the token and found the %(what)s.") % {"what": what}
        )
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code, detail = error.get("code"), error.get("message", response.text[:200])
    if response.status_code == 401 or code == 190:
        return CheckResult(
            False,
            _(
                "Meta refused the access token (%(detail)s). Create a new token in the "
                "Meta Business settings and save it here."
            )
            % {"detail": detail},
        )
    if code in (100, 803):
        return CheckResult(
            False,
            _("Meta does not know the %(what)s %(id)s (%(detail)s). Check the ID.")
            % {"what": what, "id": object_id, "detail": detail},
        )
    return CheckResult(
        False,
        _("Meta answered %(status)s: %(detail)s")
        % {"status": response.status_code, "detail": detail},
    )


def check_whatsapp() -> CheckResult:
    if missing := _missing(["KANAL_WHATSAPP_PHONE_NUMBER_ID", "KANAL_WHATSAPP_TOKEN"]):
        return missing
    return _graph_object(
        "KANAL_WHATSAPP_TOKEN", setting("KANAL_WHATSAPP_PHONE_NUMBER_ID"), _("phone number")
    )


def check_meta() -> CheckResult:
    if missing := _missing(["KANAL_META_PAGE_TOKEN"]):
        return missing
    return _graph_object("KANAL_META_PAGE_TOKEN", setting("KANAL_META_PAGE_ID") or "me", _("page"))


def check_telegram() -> CheckResult:
    import httpx

    if missing := _missing(["KANAL_TELEGRAM_BOT_TOKEN"]):
        return missing
    api = setting("KANAL_TELEGRAM_API_URL").rstrip("/")
    try:
        response = httpx.get(
            f"{api}/bot{setting('KANAL_TELEGRAM_BOT_TOKEN')}/getMe", timeout=timeout()
        )
    except httpx.HTTPError as exc:
        return _unreachable(api, exc)
    try:
        data = response.json()
    except ValueError:
        data = {}
    if data.get("ok"):
        name = data.get("result", {}).get("username", "")
        return CheckResult(True, _("Telegram knows this bot: @%(name)s.") % {"name": name})
    if response.status_code in (401, 404):
        return CheckResult(
            False, _("Telegram refused the bot token. Copy it again from BotFather and save it.")
        )
    return CheckResult(
        False,
        _("Telegram answered %(status)s: %(detail)s")
        % {"status": response.status_code, "detail": data.get("description", "")},
    )


def _bearer_get(url: str, token: str, service: str, headers: dict | None = None) -> CheckResult:
    import httpx

    try:
        response = httpx.get(
            url, headers=headers or {"Authorization": f"Bearer {token}"}, timeout=timeout()
        )
    except httpx.HTTPError as exc:
        return _unreachable(url, exc)
    if response.status_code in (401, 403):
        return CheckResult(
            False,
            _("%(service)s refused the token. Check it and save it again.") % {"service": service},
        )
    if response.status_code >= 500:
        return CheckResult(
            False,
            _("%(service)s has a problem of its own (%(status)s). Try again later.")
            % {"service": service, "status": response.status_code},
        )
    return CheckResult(True, _("%(service)s accepted the token.") % {"service": service})


def check_sms() -> CheckResult:
    if missing := _missing(["KANAL_SMS_GATEWAY_URL", "KANAL_SMS_GATEWAY_TOKEN"]):
        return missing
    url = setting("KANAL_SMS_GATEWAY_URL").rstrip("/") + "/messages"
    return _bearer_get(url, setting("KANAL_SMS_GATEWAY_TOKEN"), _("The SMS gateway"))


def check_lapor() -> CheckResult:
    if missing := _missing(["KANAL_LAPOR_API_URL", "KANAL_LAPOR_TOKEN"]):
        return missing
    url = setting("KANAL_LAPOR_API_URL").rstrip("/") + "/reports"
    return _bearer_get(url, setting("KANAL_LAPOR_TOKEN"), "SP4N-LAPOR!")


def check_tiktok() -> CheckResult:
    import httpx

    if missing := _missing(["KANAL_TIKTOK_BUSINESS_TOKEN", "KANAL_TIKTOK_BUSINESS_ID"]):
        return missing
    api = setting("KANAL_TIKTOK_BUSINESS_API_URL").rstrip("/")
    url = f"{api}/business/get/?business_id={setting('KANAL_TIKTOK_BUSINESS_ID')}"
    try:
        response = httpx.get(
            url, headers={"Access-Token": setting("KANAL_TIKTOK_BUSINESS_TOKEN")}, timeout=timeout()
        )
        data = response.json()
    except httpx.HTTPError as exc:
        return _unreachable(api, exc)
    except ValueError:
        data = {}
    if data.get("code") == 0:
        return CheckResult(True, _("TikTok accepted the token."))
    return CheckResult(
        False,
        _("TikTok refused the call: %(detail)s. Check the token and the business account ID.")
        % {"detail": data.get("message", response.status_code)},
    )


def check_email() -> CheckResult:
    """Log in to the IMAP mailbox and open its folder; then greet the SMTP server."""
    from django.core.mail import get_connection
    from imap_tools import MailBox, MailBoxUnencrypted

    from .email import _imap_ssl

    if missing := _missing(["KANAL_IMAP_HOST", "KANAL_IMAP_USER", "KANAL_IMAP_PASSWORD"]):
        return missing
    host, port = setting("KANAL_IMAP_HOST"), int(setting("KANAL_IMAP_PORT"))
    box_class = MailBox if _imap_ssl() else MailBoxUnencrypted
    try:
        with box_class(host, port=port, timeout=10).login(
            setting("KANAL_IMAP_USER"),
            setting("KANAL_IMAP_PASSWORD"),
            initial_folder=setting("KANAL_IMAP_FOLDER"),
        ):
            pass
    except OSError as exc:
        return _unreachable(f"imap://{host}:{port}", exc)
    except Exception as exc:  # imap_tools raises its own errors for login and folders
        return CheckResult(
            False,
            _(
                "The IMAP server refused the login or the folder (%(error)s). "
                "Check the user name, password and folder."
            )
            % {"error": str(exc)[:200]},
        )
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
        connection.close()
    except OSError as exc:
        return CheckResult(
            False,
            _(
                "The mailbox works, but sending mail does not: %(error)s. "
                "Check EMAIL_HOST and the other EMAIL_ settings."
            )
            % {"error": str(exc)[:200] or type(exc).__name__},
        )
    return CheckResult(True, _("Kanal logged in to the mailbox and can send mail."))


CHECKS = {
    "whatsapp": check_whatsapp,
    "meta": check_meta,
    "telegram": check_telegram,
    "tiktok": check_tiktok,
    "sms": check_sms,
    "email": check_email,
    "lapor": check_lapor,
}


def check_connection(provider: str) -> CheckResult:
    """Call the provider's harmless endpoint with the credentials in use."""
    return CHECKS[provider]()
