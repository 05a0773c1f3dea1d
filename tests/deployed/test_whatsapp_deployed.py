"""Done when: Kanal started with environment variables only (or credentials saved on the
console instead) takes a signed WhatsApp Cloud API delivery, makes one case, and its
acknowledgement and a later staff answer reach a local Graph stand-in in Graph's shape.
Chunked and empty deliveries are refused, or read whole, through real servers."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from kanal.channels import rules
from kanal.channels.tests.fakes.server import PHONE_NUMBER_ID, WHATSAPP_TOKEN, FakeProviderServer
from kanal.core.tests.mailservers import free_port

APP_SECRET = "meta-app-secret-deployed"
VERIFY_TOKEN = "verify-me-deployed"
CITIZEN = "6281234567890"


@pytest.fixture
def graph():
    with FakeProviderServer(port=free_port()) as fake:
        yield fake


def delivery(message_id: str, text: str) -> bytes:
    """The documented text-message sample (channels.md §2), sent now."""
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": CITIZEN}],
                            "messages": [
                                {
                                    "from": CITIZEN,
                                    "id": message_id,
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }
    return json.dumps(body).encode()


def whatsapp_environment(graph_url: str) -> dict[str, str]:
    return {
        "KANAL_WHATSAPP_TOKEN": WHATSAPP_TOKEN,
        "KANAL_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "KANAL_WHATSAPP_APP_SECRET": APP_SECRET,
        "KANAL_META_VERIFY_TOKEN": VERIFY_TOKEN,
        "KANAL_GRAPH_URL": graph_url,
    }


SAVE_ON_CONSOLE = """
from kanal.accounts import actions as accounts
from kanal.channels import actions
from kanal.directory.models import Unit
admin = accounts.create_staff(actor=None, username="admin", password="a-long-admin-password")
accounts.add_membership(actor=None, user=admin, unit=Unit.objects.get(code="diskominfo"),
                        role="system_admin")
actions.save_channel_settings(actor=admin, provider="whatsapp", values={values!r})
"""

STAFF_ANSWER = """
from kanal.accounts import actions as accounts
from kanal.complaints.actions import send_public_reply
from kanal.complaints.models import Complaint
from kanal.directory.models import Unit
rina = accounts.create_staff(actor=None, username="rina", password="a-long-test-password")
accounts.add_membership(actor=None, user=rina, unit=Unit.objects.get(code="diskominfo"),
                        role="operator")
send_public_reply(actor=rina, case=Complaint.objects.get(), body={text!r})
"""


@pytest.mark.parametrize("configured_by", ["environment", "console"])
def test_a_signed_delivery_becomes_one_case_answered_through_graph(deploy, graph, configured_by):
    values = whatsapp_environment(f"{graph.url}/graph")
    if configured_by == "environment":
        kanal = deploy(values)
    else:
        kanal = deploy({})
        kanal.shell(SAVE_ON_CONSOLE.format(values=values))
        stored = kanal.rows('SELECT "values" FROM channels_channelsettings')[0][0]
        assert WHATSAPP_TOKEN not in stored and APP_SECRET not in stored  # encrypted
    kanal.start("gunicorn")

    # Meta's subscription handshake with the verify token.
    handshake = httpx.get(
        f"{kanal.url}/webhooks/whatsapp/",
        params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                "hub.verify_token": VERIFY_TOKEN},
    )  # fmt: skip
    assert handshake.status_code == 200 and handshake.text == "1158201444"

    body = delivery("wamid.DEPLOYED1", "Lampu jalan di Jl. Kartini mati sejak kemarin.")
    signature = rules.meta_signature(APP_SECRET, body)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    response = httpx.post(f"{kanal.url}/webhooks/whatsapp/", content=body, headers=headers)
    assert response.status_code == 200
    # A forged one is refused and stores nothing.
    forged = httpx.post(
        f"{kanal.url}/webhooks/whatsapp/",
        content=delivery("wamid.FORGED", "x"),
        headers=headers,
    )
    assert forged.status_code == 403

    kanal.work()
    ((number,),) = kanal.rows("SELECT tracking_number FROM complaints_complaint")
    assert kanal.rows("SELECT count(*) FROM channels_inboundevent") == [(1,)]

    # The acknowledgement reached "Graph" in its request shape.
    (ack,) = graph.sent("/messages")
    assert ack.path == f"/graph/{PHONE_NUMBER_ID}/messages"
    assert ack.headers["Authorization"] == f"Bearer {WHATSAPP_TOKEN}"
    sent = ack.json()
    assert sent["messaging_product"] == "whatsapp" and sent["to"] == f"+{CITIZEN}"
    assert sent["type"] == "text" and number in sent["text"]["body"]

    # A staff answer, later, through the same path.
    kanal.shell(STAFF_ANSWER.format(text="Lampu sudah diperbaiki petugas hari ini."))
    kanal.work()
    ack, answer = graph.sent("/messages")
    assert answer.path == f"/graph/{PHONE_NUMBER_ID}/messages"
    assert answer.json()["to"] == f"+{CITIZEN}"
    assert "Lampu sudah diperbaiki petugas hari ini." in answer.json()["text"]["body"]


def test_the_environment_wins_over_a_value_saved_on_the_console(deploy, graph):
    kanal = deploy(whatsapp_environment(f"{graph.url}/graph"))
    kanal.shell(
        SAVE_ON_CONSOLE.format(
            values={"KANAL_WHATSAPP_TOKEN": "saved-but-ignored", "KANAL_GRAPH_URL": "http://x"}
        )
    )
    used = kanal.shell(
        "from kanal.channels.queries import channel_setting as s;"
        "print(s('KANAL_WHATSAPP_TOKEN'), s('KANAL_GRAPH_URL'))"
    )
    assert used.split() == [WHATSAPP_TOKEN, f"{graph.url}/graph"]


def raw_post(port: int, path: str, head: dict[str, str], payload: bytes) -> int:
    """Send one HTTP/1.1 request over a socket exactly as given; return the status code."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in head.items()]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def chunked(body: bytes) -> bytes:
    half = len(body) // 2
    parts = [body[:half], body[half:]]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


PROVIDERS = {
    "whatsapp": lambda body: {"X-Hub-Signature-256": rules.meta_signature(APP_SECRET, body)},
    "meta": lambda body: {"X-Hub-Signature-256": rules.meta_signature(APP_SECRET, body)},
    "telegram": lambda body: {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"},
    "sms": lambda body: {"X-Kanal-Sms-Token": "sms-secret"},
}


@pytest.fixture
def all_channels(graph):
    return whatsapp_environment(f"{graph.url}/graph") | {
        "KANAL_META_APP_SECRET": APP_SECRET,
        "KANAL_META_PAGE_TOKEN": "page-test-token",
        "KANAL_TELEGRAM_BOT_TOKEN": "123456:telegram-test-token",
        "KANAL_TELEGRAM_SECRET_TOKEN": "tg-secret",
        "KANAL_TELEGRAM_API_URL": f"{graph.url}/telegram",
        "KANAL_SMS_GATEWAY_URL": f"{graph.url}/sms",
        "KANAL_SMS_GATEWAY_TOKEN": "sms-test-token",
        "KANAL_SMS_GATEWAY_SECRET": "sms-secret",
    }


def test_runserver_refuses_chunked_and_empty_deliveries_for_every_provider(deploy, all_channels):
    """runserver cannot de-chunk: a delivery of unknown length is refused, never acknowledged."""
    kanal = deploy(all_channels).start("runserver")
    bodies = {
        "whatsapp": delivery("wamid.CHUNKED1", "halo"),
        "meta": b'{"object": "page", "entry": []}',
        "telegram": b'{"update_id": 7001, "message": {"message_id": 1, "date": 1, '
        b'"chat": {"id": 5}, "from": {"id": 5}, "text": "halo"}}',
        "sms": b'{"id": "sms-chunked-1", "from": "+6281234", "text": "halo"}',
    }
    for provider, body in bodies.items():
        head = {"Content-Type": "application/json", **PROVIDERS[provider](body)}
        status = raw_post(
            kanal.port, f"/webhooks/{provider}/", head | {"Transfer-Encoding": "chunked"},
            chunked(body),
        )  # fmt: skip
        assert status == 400, provider
        empty = {**head, "Content-Length": "0"}
        empty |= PROVIDERS[provider](b"")
        assert raw_post(kanal.port, f"/webhooks/{provider}/", empty, b"") == 400, provider
    assert kanal.rows("SELECT count(*) FROM channels_inboundevent") == [(0,)]
    # The same deliveries with their length are stored (the provider's resend succeeds).
    for provider, body in bodies.items():
        head = {"Content-Type": "application/json", **PROVIDERS[provider](body)}
        head["Content-Length"] = str(len(body))
        assert raw_post(kanal.port, f"/webhooks/{provider}/", head, body) == 200, provider
    assert kanal.rows("SELECT count(*) FROM channels_inboundevent") == [(4,)]


def test_gunicorn_reads_a_chunked_delivery_whole_and_stores_each_once(deploy, all_channels):
    """gunicorn de-chunks and says so (wsgi.input_terminated): the body is read to its end."""
    kanal = deploy(all_channels).start("gunicorn")
    first = delivery("wamid.CHUNKED2", "Jalan berlubang di Jl. Teuku Umar.")
    second = delivery("wamid.CHUNKED3", "Sampah menumpuk di pasar.")
    for body in (first, second, first):  # the last is a redelivery
        head = {
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
            **PROVIDERS["whatsapp"](body),
        }
        assert raw_post(kanal.port, "/webhooks/whatsapp/", head, chunked(body)) == 200
    keys = kanal.rows("SELECT event_key FROM channels_inboundevent ORDER BY id")
    assert [k for (k,) in keys] == ["wamid.CHUNKED2", "wamid.CHUNKED3"]
    # An empty chunked body is refused, and leaves nothing behind that a later one could hit.
    head = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    head |= PROVIDERS["whatsapp"](b"")
    assert raw_post(kanal.port, "/webhooks/whatsapp/", head, b"0\r\n\r\n") == 400
    assert kanal.rows("SELECT count(*) FROM channels_inboundevent") == [(2,)]
    kanal.work()
    statuses = kanal.rows("SELECT status FROM channels_inboundevent")
    assert statuses == [("processed",), ("processed",)]
    # The second message of the same citizen joins the case the first one opened.
    assert kanal.rows("SELECT count(*) FROM complaints_complaint") == [(1,)]
