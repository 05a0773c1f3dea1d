"""What the provider clients share: settings, the HTTP client, the error type."""

from __future__ import annotations

import httpx
from django.conf import settings


class ProviderError(Exception):
    """The provider answered with an error (or could not be reached).

    ``code`` is the provider's code (Meta ``error.code``/``error_subcode``, TikTok
    ``error.code``) or ``"network"``; the message is the provider's own words.
    """

    def __init__(self, message: str, *, code: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


def setting(name: str, default: str = "") -> str:
    return getattr(settings, name, default) or default


def http_client() -> httpx.Client:
    """A client with timeouts; retries are the task's job (they must reconcile first)."""
    timeout = settings.KANAL_PROVIDER_TIMEOUT_SECONDS
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=5.0))


def call(method: str, url: str, **kwargs) -> httpx.Response:
    """One request; network failures become ProviderError("network")."""
    try:
        with http_client() as client:
            return client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ProviderError(f"{type(exc).__name__}: {exc}", code="network") from exc
