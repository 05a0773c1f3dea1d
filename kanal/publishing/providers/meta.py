"""Graph API clients: Facebook Page feed posts and Instagram content publishing.

Facebook: ``POST /{page-id}/feed`` (message, link) -> ``{"id": "{page}_{post}"}``;
``GET /{page-id}/feed?fields=id,message`` lists recent posts (for reconciliation).
Instagram: ``POST /{ig-user-id}/media`` (image_url, caption) -> container id;
``GET /{container-id}?fields=status_code`` (FINISHED, IN_PROGRESS, ERROR, EXPIRED, PUBLISHED);
``POST /{ig-user-id}/media_publish?creation_id=`` -> media id;
``GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config``.
Errors: HTTP 4xx/5xx with ``{"error": {"message", "type", "code", "error_subcode"}}``.
"""

from __future__ import annotations

from .base import ProviderError, call, setting

DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"


def graph_url() -> str:
    return setting("KANAL_GRAPH_URL", DEFAULT_GRAPH_URL).rstrip("/")


def page_token() -> str:
    return setting("KANAL_FACEBOOK_PAGE_TOKEN")


def facebook_configured() -> bool:
    return bool(setting("KANAL_FACEBOOK_PAGE_ID") and page_token())


def instagram_configured() -> bool:
    # Instagram with Facebook Login publishes with the Page token of the linked Page.
    return bool(setting("KANAL_INSTAGRAM_USER_ID") and page_token())


def _graph(method: str, path: str, params: dict | None = None) -> dict:
    # The token goes in a header, never in the URL: URLs end up in logs.
    kwargs = {"data": params} if method == "POST" else {"params": params}
    response = call(
        method,
        f"{graph_url()}/{path.lstrip('/')}",
        headers={"Authorization": f"Bearer {page_token()}"},
        **kwargs,
    )
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code >= 400 or "error" in body:
        err = body.get("error") or {}
        code = str(err.get("code", response.status_code))
        if err.get("error_subcode"):
            code = f"{code}/{err['error_subcode']}"
        raise ProviderError(
            err.get("message") or f"HTTP {response.status_code}",
            code=code,
            status=response.status_code,
        )
    return body


# --- Facebook Page --------------------------------------------------------------------


def facebook_post(message: str, link: str = "") -> str:
    """Publish a Page feed post now; returns the post id."""
    params = {"message": message}
    if link:
        params["link"] = link
    return _graph("POST", f"{setting('KANAL_FACEBOOK_PAGE_ID')}/feed", params)["id"]


def facebook_find_post(marker: str, limit: int = 50) -> str | None:
    """The id of a recent Page post whose message contains ``marker``, if any."""
    body = _graph(
        "GET",
        f"{setting('KANAL_FACEBOOK_PAGE_ID')}/feed",
        {"fields": "id,message,created_time", "limit": str(limit)},
    )
    for post in body.get("data", []):
        if marker in (post.get("message") or ""):
            return post["id"]
    return None


# --- Instagram ------------------------------------------------------------------------


def _ig_user() -> str:
    return setting("KANAL_INSTAGRAM_USER_ID")


def instagram_quota() -> tuple[int, int]:
    """(used, total) API-published posts in the provider's moving 24-hour window."""
    body = _graph("GET", f"{_ig_user()}/content_publishing_limit", {"fields": "quota_usage,config"})
    row = (body.get("data") or [{}])[0]
    return int(row.get("quota_usage", 0)), int((row.get("config") or {}).get("quota_total", 50))


def instagram_create_container(image_url: str, caption: str) -> str:
    return _graph("POST", f"{_ig_user()}/media", {"image_url": image_url, "caption": caption})["id"]


def instagram_container_status(container_id: str) -> str:
    return _graph("GET", container_id, {"fields": "status_code"}).get("status_code", "")


def instagram_publish(container_id: str) -> str:
    """Publish a FINISHED container; returns the media id. Never call twice for one container."""
    return _graph("POST", f"{_ig_user()}/media_publish", {"creation_id": container_id})["id"]


def instagram_find_media(marker: str, limit: int = 25) -> str | None:
    """The id of recent media whose caption contains ``marker``, if any."""
    body = _graph("GET", f"{_ig_user()}/media", {"fields": "id,caption", "limit": str(limit)})
    for media in body.get("data", []):
        if marker in (media.get("caption") or ""):
            return media["id"]
    return None


__all__ = ["ProviderError"]
