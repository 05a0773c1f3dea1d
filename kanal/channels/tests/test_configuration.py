"""Channel credentials saved in the console: encrypted, never shown again, tested live."""

from __future__ import annotations

import html
import json
import re

import pytest

from kanal.audit.models import AuditEvent
from kanal.channels import queries, rules
from kanal.channels.models import ChannelSettings, InboundEvent
from kanal.core import secrets
from kanal.core.tests.mailservers import free_port

from .fakes.server import PHONE_NUMBER_ID, WHATSAPP_TOKEN

pytestmark = pytest.mark.django_db
PAGE = "/console/channels/{}/settings/"
NOBODY_LISTENS = f"http://127.0.0.1:{free_port()}"  # handed to no server in this process


@pytest.fixture
def admin_client(client, staff_factory, login_verified, reference_data, settings):
    admin = staff_factory("root", [("system_admin", "diskominfo")])
    login_verified(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions read the English ids
    return client


def save(client, provider: str, **values):
    return client.post(PAGE.format(provider), {"save": "1", **values}, follow=True)


def test_an_administrator_saves_whatsapp_and_the_token_is_never_shown_again(admin_client, fake):
    page = save(
        admin_client,
        "whatsapp",
        KANAL_WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID,
        KANAL_WHATSAPP_TOKEN=WHATSAPP_TOKEN,
        KANAL_WHATSAPP_APP_SECRET="app-secret-1",
        KANAL_GRAPH_URL=f"{fake.url}/graph",
    ).content.decode()

    assert WHATSAPP_TOKEN not in page and "app-secret-1" not in page
    assert PHONE_NUMBER_ID in page  # not a secret: shown to check
    stored = ChannelSettings.objects.get(provider="whatsapp").values
    assert WHATSAPP_TOKEN not in json.dumps(stored)  # encrypted at rest
    assert secrets.decrypt(stored["KANAL_WHATSAPP_TOKEN"]) == WHATSAPP_TOKEN
    assert queries.channel_setting("KANAL_WHATSAPP_TOKEN") == WHATSAPP_TOKEN
    assert "whatsapp" in queries.configured_providers()
    # The verify token to paste into Meta's dashboard was made up and is shown.
    verify = queries.channel_setting("KANAL_META_VERIFY_TOKEN", "whatsapp")
    assert len(verify) >= 24 and verify in page
    assert "http://127.0.0.1:8000/webhooks/whatsapp/" in page or "/webhooks/whatsapp/" in page
    event = AuditEvent.objects.get(action="channel.settings_saved")
    assert "KANAL_WHATSAPP_TOKEN" in event.data["changed"]
    assert WHATSAPP_TOKEN not in json.dumps(event.data)

    # Saving again with the secret box empty keeps the secret.
    save(admin_client, "whatsapp", KANAL_WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID)
    assert queries.channel_setting("KANAL_WHATSAPP_TOKEN") == WHATSAPP_TOKEN
    # The generated verify token answers Meta's handshake.
    answer = admin_client.get(
        "/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.challenge": "42", "hub.verify_token": verify},
    )
    assert answer.status_code == 200 and answer.content == b"42"


def _test(client, provider: str) -> tuple[str, str]:
    """Press "Test the connection": the page answers with what worked or what failed."""
    page = client.post(PAGE.format(provider), {"test": "1"}).content.decode()
    found = re.search(r'role="(status|alert)"><strong[^>]*>[^<]*</strong> ([^<]*)</p>', page)
    assert found, page
    level = "success" if found.group(1) == "status" else "error"
    return level, html.unescape(found.group(2))


@pytest.mark.parametrize(
    ("values", "level", "words"),
    [
        ({}, "success", "Meta accepted the token and found the phone number"),
        ({"KANAL_WHATSAPP_TOKEN": "expired"}, "error", "Meta refused the access token"),
        (
            {"KANAL_WHATSAPP_PHONE_NUMBER_ID": "unknown-42"},
            "error",
            "Meta does not know the phone number unknown-42",
        ),
        ({"KANAL_GRAPH_URL": NOBODY_LISTENS}, "error", f"could not reach {NOBODY_LISTENS}"),
    ],
    # Named, not numbered by the port: parallel workers must collect the same test ids.
    ids=["accepted", "expired-token", "unknown-phone", "unreachable"],
)
def test_the_connection_test_calls_graph_and_says_what_failed(
    admin_client, fake, values, level, words
):
    good = {
        "KANAL_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "KANAL_WHATSAPP_TOKEN": WHATSAPP_TOKEN,
        "KANAL_GRAPH_URL": f"{fake.url}/graph",
    }
    save(admin_client, "whatsapp", **(good | values))
    got_level, message = _test(admin_client, "whatsapp")
    assert (got_level, words in message) == (level, True), message
    if values.get("KANAL_GRAPH_URL") != NOBODY_LISTENS:
        (call,) = [r for r in fake.requests if r.method == "GET"]
        expected_id = values.get("KANAL_WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
        assert call.path.startswith(f"/graph/{expected_id}")
        token = (good | values)["KANAL_WHATSAPP_TOKEN"]
        assert call.headers["Authorization"] == f"Bearer {token}"


def test_telegram_is_tested_with_get_me(admin_client, fake):
    save(
        admin_client,
        "telegram",
        KANAL_TELEGRAM_BOT_TOKEN="123456:telegram-test-token",
        KANAL_TELEGRAM_API_URL=f"{fake.url}/telegram",
    )
    assert _test(admin_client, "telegram") == (
        "success",
        "Telegram knows this bot: @kanal_test_bot.",
    )
    save(
        admin_client,
        "telegram",
        KANAL_TELEGRAM_BOT_TOKEN="1:wrong",
        KANAL_TELEGRAM_API_URL=f"{fake.url}/telegram",
    )
    level, message = _test(admin_client, "telegram")
    assert level == "error" and "Telegram refused the bot token" in message


def test_a_channel_without_credentials_says_which_are_missing(admin_client):
    level, message = _test(admin_client, "sms")
    assert level == "error" and "KANAL_SMS_GATEWAY_URL" in message


def test_only_system_administrators_open_channel_settings(
    client, staff_factory, login_verified, reference_data
):
    operator = staff_factory("rina", [("operator", "diskominfo")])
    login_verified(operator)
    assert client.get("/console/channels/").status_code == 200  # health: yes
    assert client.get(PAGE.format("whatsapp")).status_code == 403
    response = client.post(PAGE.format("whatsapp"), {"save": "1", "KANAL_GRAPH_URL": "http://x"})
    assert response.status_code == 403 and not ChannelSettings.objects.exists()


def test_a_secret_saved_under_another_key_asks_to_be_entered_again(admin_client, settings):
    save(admin_client, "lapor", KANAL_LAPOR_API_URL="http://l", KANAL_LAPOR_TOKEN="t-1")
    # Another deployment key (a restored backup on a new server, say): unreadable, not a crash.
    settings.KANAL_SECRETS_KEY = "aW52YWxpZC1idXQtd2VsbC1mb3JtZWQta2V5LTMyYiE="
    assert queries.channel_setting("KANAL_LAPOR_TOKEN") == ""
    page = admin_client.get(PAGE.format("lapor")).content.decode()
    assert "cannot be decrypted with the current KANAL_SECRETS_KEY" in page


def test_secrets_survive_a_key_rotation(settings):
    old = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleSE="
    new = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleSE="
    settings.KANAL_SECRETS_KEY = old
    token = secrets.encrypt("page-token")
    settings.KANAL_SECRETS_KEY = f"{new},{old}"
    assert secrets.decrypt(token) == "page-token"
    settings.KANAL_SECRETS_KEY = new
    with pytest.raises(secrets.UnreadableSecret):
        secrets.decrypt(token)


@pytest.mark.parametrize("provider", ["whatsapp", "meta", "telegram", "tiktok", "sms"])
def test_an_empty_body_is_refused_before_anything_is_stored(post_event, provider):
    response = post_event(provider, b"")
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


@pytest.mark.parametrize(
    ("length", "terminated", "size", "refusal"),
    [
        ("120", False, 120, ""),
        ("0", False, 0, "empty body"),
        (None, False, 0, "length unknown"),  # chunked through a server that does not de-chunk
        ("", False, 0, "length unknown"),
        (None, True, 120, ""),  # gunicorn de-chunked it and says so: read to the end
        (None, True, 0, "empty body"),
        (None, True, None, "body too large"),
    ],
)
def test_which_webhook_bodies_are_refused(length, terminated, size, refusal):
    assert rules.body_refusal(length, terminated, size) == refusal


@pytest.mark.parametrize(
    ("environment", "saved", "expected"),
    [
        ("from-env", "from-console", ("from-env", "environment")),
        ("", "from-console", ("from-console", "saved")),
        ("", "", ("https://graph.facebook.com/v21.0", "default")),
    ],
)
def test_the_environment_wins_over_the_console(environment, saved, expected):
    assert rules.field_value(rules.GRAPH_URL, environment, saved) == expected
