"""TikTok Content Posting API client (photo posts pulled from our public image URLs).

``POST /v2/post/publish/creator_info/query/`` -> ``data.privacy_level_options``;
``POST /v2/post/publish/content/init/`` (media_type PHOTO, post_mode DIRECT_POST,
source PULL_FROM_URL) -> ``data.publish_id``; ``POST /v2/post/publish/status/fetch/``
-> ``data.status`` (PROCESSING_DOWNLOAD, PUBLISH_COMPLETE, FAILED + ``fail_reason``).
Every answer carries ``error: {code, message, log_id}``; ``code == "ok"`` on success.
Until the app passes TikTok's audit only ``SELF_ONLY`` (private) posts are allowed.
"""

from __future__ import annotations

from .base import ProviderError, call, setting

DEFAULT_API_URL = "https://open.tiktokapis.com"


def configured() -> bool:
    return bool(setting("KANAL_TIKTOK_ACCESS_TOKEN"))


def _post(path: str, body: dict) -> dict:
    url = setting("KANAL_TIKTOK_API_URL", DEFAULT_API_URL).rstrip("/") + path
    response = call(
        "POST",
        url,
        json=body,
        headers={
            "Authorization": f"Bearer {setting('KANAL_TIKTOK_ACCESS_TOKEN')}",
            "Content-Type": "application/json; charset=UTF-8",
        },
    )
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    err = payload.get("error") or {}
    if response.status_code >= 400 or err.get("code", "ok") != "ok":
        raise ProviderError(
            err.get("message") or f"HTTP {response.status_code}",
            code=str(err.get("code") or response.status_code),
            status=response.status_code,
        )
    return payload.get("data") or {}


def creator_info() -> dict:
    return _post("/v2/post/publish/creator_info/query/", {})


def init_photo_post(title: str, description: str, image_urls: list[str], privacy_level: str) -> str:
    """Start a direct photo post; returns the publish_id."""
    data = _post(
        "/v2/post/publish/content/init/",
        {
            "post_info": {
                "title": title,
                "description": description,
                "privacy_level": privacy_level,
                "disable_comment": False,
                "auto_add_music": True,
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": image_urls,
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        },
    )
    return data["publish_id"]


def fetch_status(publish_id: str) -> dict:
    """``{"status": ..., "fail_reason": ..., "publicaly_available_post_id": [...]}``."""
    return _post("/v2/post/publish/status/fetch/", {"publish_id": publish_id})


__all__ = ["ProviderError"]
