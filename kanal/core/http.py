"""The one HTTP kit for provider APIs: timeouts, the error type, retry backoff.

Channel adapters (WhatsApp, Meta, Telegram, TikTok, SMS, LAPOR!) and publishing's
providers (Facebook, Instagram, TikTok posts) call their providers through
:func:`request` and report failures as :class:`ProviderError`. Retrying is never done
here: a retry belongs to the task, which must first reconcile with the provider (was
the first call acted on?) and records each try. :func:`retry_delay` is the backoff
both the outbox and the adapters use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import httpx

# httpx is imported by the calls that use it, not with this module: it brings click,
# rich and pygments for its command line (~8 MB), and outbox.rules imports this module
# for retry_delay alone, into every process at setup (issue 24).

NETWORK = "network"  # ProviderError.code when no HTTP answer came back


class ProviderError(Exception):
    """A provider refused or failed a call.

    ``temporary``: worth retrying later (429, 5xx, timeouts, connection failures).
    ``status``: the HTTP status (0 when there was no answer). ``code``: the provider's
    own error code (Graph ``error.code``, TikTok ``error.code``) or ``"network"``.
    The message is the provider's own words.
    """

    def __init__(self, message: str, *, temporary: bool = False, status: int = 0, code: str = ""):
        super().__init__(message)
        self.message = message
        self.temporary = temporary
        self.status = status
        self.code = code

    def __str__(self) -> str:
        if self.code and self.code not in self.message:
            return f"{self.code}: {self.message}"
        return self.message


def timeout() -> httpx.Timeout:
    """The read timeout every provider call gets (connecting is given 5 seconds)."""
    import httpx

    return httpx.Timeout(settings.KANAL_PROVIDER_TIMEOUT_SECONDS, connect=5.0)


def transport_error(exc: httpx.HTTPError) -> ProviderError:
    """Timeouts and connection failures: temporary, and the provider may not have acted."""
    return ProviderError(f"{type(exc).__name__}: {exc}", temporary=True, code=NETWORK)


def request(method: str, url: str, **kwargs) -> httpx.Response:
    """One request with the kit's timeout; network failures become ProviderError."""
    import httpx

    kwargs.setdefault("timeout", timeout())
    try:
        return httpx.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise transport_error(exc) from exc


def is_temporary_status(status: int) -> bool:
    """429 (rate limited) and 5xx are worth another try; other refusals are final."""
    return status == 429 or status >= 500


def raise_for_http(response: httpx.Response, message: str, code: str = "") -> None:
    """Turn an HTTP error answer into ProviderError (temporary for 429 and 5xx)."""
    if response.is_success:
        return
    raise ProviderError(
        message,
        temporary=is_temporary_status(response.status_code),
        status=response.status_code,
        code=code,
    )


def retry_delay(tries: int, *, base_seconds: int, max_tries: int) -> timedelta | None:
    """Backoff after ``tries`` failed tries with a temporary error; None: give up.

    Doubles from ``base_seconds`` (30 s, 60 s, 120 s, ...) and never waits more than
    an hour between two tries.
    """
    if tries >= max_tries:
        return None
    return timedelta(seconds=min(base_seconds * 2 ** max(tries - 1, 0), 3600))
