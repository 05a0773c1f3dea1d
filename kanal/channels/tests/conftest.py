"""Fixtures for the channels tests: the fake provider server, settings, signed posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from kanal.channels import actions, rules, tasks
from kanal.channels.models import EventStatus, InboundEvent

from .fakes.server import (
    LAPOR_TOKEN,
    PAGE_TOKEN,
    PHONE_NUMBER_ID,
    SMS_TOKEN,
    TELEGRAM_TOKEN,
    TIKTOK_TOKEN,
    WHATSAPP_TOKEN,
    FakeProviderServer,
)

PAYLOADS = Path(__file__).parent / "payloads"
APP_SECRET = "meta-app-secret"
TELEGRAM_SECRET = "telegram-secret_token-1"
TIKTOK_SECRET = "tiktok-client-secret"
SMS_SECRET = "sms-gateway-secret"
VERIFY_TOKEN = "meatyhamhock"


def payload(name: str, **replace) -> bytes:
    """A documented sample payload, with placeholders replaced (``<PSID>`` → a value)."""
    text = (PAYLOADS / name).read_text()
    for placeholder, value in replace.items():
        text = text.replace(placeholder, value)
    return text.encode()


@pytest.fixture
def fake():
    with FakeProviderServer() as state:
        yield state


def configure_channels(fake_url: str) -> None:
    """Save every channel's credentials the way an administrator does on the console page."""
    values = {
        "whatsapp": {
            "KANAL_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "KANAL_WHATSAPP_TOKEN": WHATSAPP_TOKEN,
            "KANAL_WHATSAPP_APP_SECRET": APP_SECRET,
            "KANAL_META_VERIFY_TOKEN": VERIFY_TOKEN,
            "KANAL_GRAPH_URL": f"{fake_url}/graph",
        },
        "meta": {
            "KANAL_META_PAGE_ID": "682498302938465",
            "KANAL_META_PAGE_TOKEN": PAGE_TOKEN,
            "KANAL_META_APP_SECRET": APP_SECRET,
            "KANAL_META_VERIFY_TOKEN": VERIFY_TOKEN,
            "KANAL_GRAPH_URL": f"{fake_url}/graph",
        },
        "telegram": {
            "KANAL_TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "KANAL_TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
            "KANAL_TELEGRAM_API_URL": f"{fake_url}/telegram",
        },
        "tiktok": {
            "KANAL_TIKTOK_BUSINESS_ID": "biz-123",
            "KANAL_TIKTOK_BUSINESS_TOKEN": TIKTOK_TOKEN,
            "KANAL_TIKTOK_CLIENT_SECRET": TIKTOK_SECRET,
            "KANAL_TIKTOK_BUSINESS_API_URL": f"{fake_url}/tiktok",
        },
        "sms": {
            "KANAL_SMS_GATEWAY_URL": f"{fake_url}/sms",
            "KANAL_SMS_GATEWAY_TOKEN": SMS_TOKEN,
            "KANAL_SMS_GATEWAY_SECRET": SMS_SECRET,
        },
        "lapor": {"KANAL_LAPOR_API_URL": f"{fake_url}/lapor", "KANAL_LAPOR_TOKEN": LAPOR_TOKEN},
    }
    for provider, typed in values.items():
        actions.save_channel_settings(actor=None, provider=provider, values=typed)


@pytest.fixture
def channel_settings(settings, fake, tmp_path, db):
    """Every channel configured through the console's action (as production does), the
    provider addresses pointing at the fake server; uploads in a temporary folder."""
    configure_channels(fake.url)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.KANAL_PUBLIC_URL = "https://lapor.example"
    return settings


def signed_headers(provider: str, body: bytes) -> dict:
    if provider in ("whatsapp", "meta"):
        return {"HTTP_X_HUB_SIGNATURE_256": rules.meta_signature(APP_SECRET, body)}
    if provider == "telegram":
        return {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": TELEGRAM_SECRET}
    if provider == "tiktok":
        return {
            "HTTP_TIKTOK_SIGNATURE": rules.tiktok_signature(TIKTOK_SECRET, body, timezone.now())
        }
    if provider == "sms":
        return {"HTTP_X_KANAL_SMS_TOKEN": SMS_SECRET}
    raise ValueError(provider)


@pytest.fixture
def post_event(client, channel_settings):
    """POST a body to a provider's webhook, signed unless headers are given."""

    def post(provider: str, body: bytes, headers: dict | None = None):
        headers = signed_headers(provider, body) if headers is None else headers
        return client.post(
            f"/webhooks/{provider}/", data=body, content_type="application/json", **headers
        )

    return post


def process_pending() -> list[str]:
    """What the worker does: process every pending event, then send the outbox."""
    results = [
        tasks.process_event(pk)
        for pk in InboundEvent.objects.filter(status=EventStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    sent_outbox()
    return results


def sent_outbox() -> list[str]:
    """Send every pending outbox message (notices and replies queued by processing)."""
    from kanal.outbox import tasks as outbox_tasks
    from kanal.outbox.models import OutboxMessage

    return [
        outbox_tasks.deliver(pk)
        for pk in OutboxMessage.objects.filter(status="pending")
        .order_by("pk")
        .values_list("pk", flat=True)
    ]


def as_json(body: bytes):
    return json.loads(body)
