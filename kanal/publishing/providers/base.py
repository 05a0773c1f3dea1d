"""What the provider clients share: settings and the one provider HTTP kit (core.http)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from kanal.core.http import ProviderError, request  # noqa: F401  re-exported

if TYPE_CHECKING:
    import httpx  # imported by kanal.core.http.request, on the first call


def setting(name: str, default: str = "") -> str:
    """A declared setting (kanal/settings.py), or ``default`` when it is left empty."""
    return getattr(settings, name) or default


def call(method: str, url: str, **kwargs) -> httpx.Response:
    """One request with the kit's timeout; network failures become ProviderError("network").

    No retry here: a retried post must reconcile with the provider first (the task's job).
    """
    return request(method, url, **kwargs)
