"""What the citizen's pages share: what this browser keeps (session keys, the sealed cookie
of its own reports) and the address budget."""

from __future__ import annotations

from django.conf import settings

from kanal.core import ratelimit
from kanal.core.sealed import seal, unseal

# This browser's own recent reports and their follow-up keys, sealed (encrypted and
# authenticated: kanal.core.sealed) in a cookie rather than kept in a session row: the
# report then commits once (no session insert of its own), and the key is still
# readable by nobody but the server, which shows it on this browser's thank-you page.
SUBMITTED_COOKIE = "kanal_submitted"
_SUBMITTED_PURPOSE = "complaints.submitted"
KEEP_NUMBERS, KEEP_KEYS = 10, 5  # as many as the session kept

# Before the cookie, the session held them (these two keys); read until those sessions
# expire (SESSION_COOKIE_AGE after the deploy), never written any more.
SESSION_SUBMITTED = "kanal_submitted_cases"
SESSION_VERIFIED = "kanal_verified_cases"
SESSION_LOOKED_UP = "kanal_looked_up_cases"
SESSION_KEYS = "kanal_followup_keys"
SESSION_CONTACT = "kanal_citizen_contact"  # the phone or e-mail proved for "my reports"
SESSION_PENDING_CONTACT = (
    "kanal_pending_contact"  # shown on the confirmation page of this browser only
)


def limit(request, scope: str, limit: int, window: int) -> int:
    """Count one hit of this address's ``scope`` budget: 0 if allowed, else seconds to wait."""
    result = ratelimit.hit(scope, ratelimit.client_ip(request), limit=limit, window=window)
    return 0 if result.allowed else result.retry_after


def submitted_reports(request) -> dict[str, str]:
    """This browser's own recent reports: tracking number -> its follow-up key, "" when
    the report has none (a reporter who left a contact) or it is no longer kept.

    Read from the sealed cookie; a session from before it adds what it remembered
    (a query only for a browser that has a session cookie).
    """
    sealed = unseal(
        request.COOKIES.get(SUBMITTED_COOKIE, ""),
        purpose=_SUBMITTED_PURPOSE,
        max_age=settings.SESSION_COOKIE_AGE,
    )
    numbers, keys = (sealed["n"], sealed["k"]) if isinstance(sealed, dict) else ([], {})
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        numbers = [*request.session.get(SESSION_SUBMITTED, []), *numbers]
        keys = request.session.get(SESSION_KEYS, {}) | keys
    return {number: keys.get(number, "") for number in numbers}


def remember_submitted(request, response, number: str, key: str) -> None:
    """Add a report this browser just sent (and its follow-up key, if any) to its sealed
    cookie: the last KEEP_NUMBERS numbers, keys for the last KEEP_KEYS of them.

    HttpOnly, SameSite=Lax, Secure and lifetime as the session cookie that held them.
    """
    reports = submitted_reports(request)
    reports.pop(number, None)
    reports[number] = key
    numbers = list(reports)[-KEEP_NUMBERS:]
    keys = {n: reports[n] for n in numbers if reports[n]}
    keys = dict(list(keys.items())[-KEEP_KEYS:])
    response.set_cookie(
        SUBMITTED_COOKIE,
        seal({"n": numbers, "k": keys}, purpose=_SUBMITTED_PURPOSE),
        max_age=settings.SESSION_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
