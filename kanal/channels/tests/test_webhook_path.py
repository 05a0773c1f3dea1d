"""The short WSGI path for webhook POSTs (kanal.wsgi): same checks, same rows, less work."""

from __future__ import annotations

import io

import pytest
from django.core import signals
from django.db import close_old_connections

from kanal.channels.models import InboundEvent, SignatureFailure

from .conftest import PAYLOADS, payload, signed_headers

pytestmark = pytest.mark.django_db(transaction=False)


def wsgi_call(method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """Call kanal.wsgi.application as gunicorn does; returns (status, headers, body)."""
    from kanal.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
    } | (headers or {})
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = dict(response_headers)

    # As Django's test client does: the test's connection (inside its transaction) must
    # not be closed by close_old_connections at the request's start and end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        content = b"".join(result)
        result.close()  # request_finished, as the server does
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return started["status"], started["headers"], content


def test_a_signed_delivery_is_stored_once_and_acknowledged_without_session_or_csp(
    channel_settings,
):
    body = payload("whatsapp_text.json")
    status, headers, content = wsgi_call(
        "POST", "/webhooks/whatsapp/", body, signed_headers("whatsapp", body)
    )
    assert (status, content) == (200, b"ok")
    assert headers["X-Request-ID"]
    # The middleware it skips would have added these.
    assert "Content-Security-Policy" not in headers and "Set-Cookie" not in headers
    event = InboundEvent.objects.get()
    assert bytes(event.body) == body and event.status == "pending"
    assert event.headers["X-Hub-Signature-256"].startswith("sha256=")

    # A provider's retry: acknowledged, nothing added.
    again = wsgi_call("POST", "/webhooks/whatsapp/", body, signed_headers("whatsapp", body))
    assert again[0] == 200 and InboundEvent.objects.count() == 1


def test_a_bad_signature_is_refused_and_counted(channel_settings):
    body = payload("whatsapp_text.json")
    status, _h, _c = wsgi_call(
        "POST", "/webhooks/whatsapp/", body, {"HTTP_X_HUB_SIGNATURE_256": "sha256=00"}
    )
    assert status == 403
    assert not InboundEvent.objects.exists()
    assert SignatureFailure.objects.get(provider="whatsapp").count == 1
    assert wsgi_call("POST", "/webhooks/whatsapp/", body)[0] == 401  # no signature at all


def test_an_empty_body_and_a_foreign_host_are_refused_before_anything_is_stored(
    channel_settings,
):
    assert wsgi_call("POST", "/webhooks/sms/", b"", signed_headers("sms", b""))[0] == 400
    body = payload("whatsapp_text.json")
    headers = signed_headers("whatsapp", body) | {"HTTP_HOST": "evil.example"}
    assert wsgi_call("POST", "/webhooks/whatsapp/", body, headers)[0] == 400
    assert not InboundEvent.objects.exists()


def test_other_requests_take_the_full_middleware_stack(channel_settings):
    status, headers, _c = wsgi_call("GET", "/webhooks/whatsapp/")
    assert status == 403  # the handshake without a token, through every middleware
    assert "Content-Security-Policy" in headers


def test_a_database_outage_answers_503_on_the_short_path(channel_settings, monkeypatch):
    from django.db import OperationalError

    from kanal.channels import actions

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(actions, "store_inbound_event", down)
    body = payload("whatsapp_text.json")
    status, headers, _c = wsgi_call(
        "POST", "/webhooks/whatsapp/", body, signed_headers("whatsapp", body)
    )
    assert status == 503 and headers["Retry-After"]


@pytest.mark.django_db(transaction=True)
def test_saved_credentials_are_read_from_the_cache_and_forgotten_when_saved(
    django_assert_num_queries,
):
    from django.db import transaction

    from kanal.channels import actions, queries

    def save(token: str) -> None:
        actions.save_channel_settings(
            actor=None, provider="telegram", values={"KANAL_TELEGRAM_SECRET_TOKEN": token}
        )

    save("first-token")
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "first-token"
    with django_assert_num_queries(0):  # the next delivery reads the cache
        assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "first-token"
    save("second-token")
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "second-token"
    # A save that rolls back leaves nothing behind, though it read its own write.
    with pytest.raises(RuntimeError), transaction.atomic():
        save("never-committed")
        assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "never-committed"
        raise RuntimeError
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "second-token"


def test_each_new_event_is_queued_with_it_and_a_retry_queues_nothing(channel_settings):
    from django_tasks_db.models import DBTaskResult

    from kanal.channels import actions

    ids = actions.store_inbound_event(provider="sms", keys=["a", "b", "a"], headers={}, body=b"x")
    assert len(ids) == 2
    ids += actions.store_inbound_event(provider="sms", keys=["c"], headers={}, body=b"y")
    assert actions.store_inbound_event(provider="sms", keys=["c"], headers={}, body=b"y") == []
    queued = DBTaskResult.objects.values_list("args_kwargs", "task_path")
    assert sorted(queued, key=lambda r: r[0]["args"]) == [
        ({"args": [pk], "kwargs": {}}, actions.events.PROCESS_TASK) for pk in sorted(ids)
    ]


def test_the_task_row_written_with_the_event_equals_the_one_enqueue_writes(channel_settings):
    """On PostgreSQL the event and its task row are one statement (a CTE): the row must be
    the one ``enqueue`` would have written, column for column."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from kanal.channels import actions
    from kanal.core.tasks import enqueue_on_commit

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    (event_id,) = actions.store_inbound_event(provider="sms", keys=["k"], headers={}, body=b"x")
    combined = DBTaskResult.objects.get()
    enqueue_on_commit(actions.events.PROCESS_TASK, event_id)
    normal = DBTaskResult.objects.exclude(pk=combined.pk).get()
    for field in DBTaskResult._meta.concrete_fields:
        if field.name in ("id", "enqueued_at"):
            continue
        assert getattr(combined, field.name) == getattr(normal, field.name), field.name
    assert combined.id != normal.id and combined.id.version == normal.id.version
    assert abs(combined.enqueued_at - normal.enqueued_at).total_seconds() < 5
    assert combined.task_result.args == [event_id]
    # The statement is prepared once per task; each row still gets its own id and time.
    (second_id,) = actions.store_inbound_event(provider="sms", keys=["k2"], headers={}, body=b"y")
    second = DBTaskResult.objects.get(args_kwargs__args=[second_id])
    assert second.id not in (combined.id, normal.id)
    assert second.enqueued_at > combined.enqueued_at


SMS_BODIES = [
    b'{"id": "sms-1", "from": "081234567890", "text": "Lampu mati", "received_at": 1749416383}',
    b'{"from": "081234567890", "text": "tanpa id"}',
    b'{"type": "status", "id": "sms-1", "status": "delivered"}',
]


@pytest.mark.parametrize(
    ("provider", "body"),
    [
        (name.split("_")[0].replace("messenger", "meta").replace("feed", "meta"), name)
        for name in sorted(p.name for p in PAYLOADS.glob("*.json"))
    ]
    + [("sms", body) for body in SMS_BODIES],
)
def test_the_view_stores_each_body_under_the_keys_the_task_finds_in_it(provider, body):
    """The view reads only the keys (adapter.keys); the task builds the items
    (adapter.normalise) and takes the one whose key the event row holds: they must agree,
    probes included."""
    from kanal.channels.adapters import for_provider
    from kanal.channels.adapters.base import PROBE_PREFIX

    provider = provider.replace("instagram", "meta")
    raw = body if isinstance(body, bytes) else payload(body)
    adapter = for_provider(provider)
    for data in (raw, raw.replace(b'"wamid.', f'"{PROBE_PREFIX}'.encode())):
        items = adapter.normalise(data)
        assert items
        assert adapter.keys(data) == [(i.key, i.kind, i.message_id) for i in items]


@pytest.mark.parametrize("provider", ["whatsapp", "meta", "telegram", "tiktok", "sms"])
def test_an_unreadable_body_fails_the_same_way_in_the_view_and_the_task(provider):
    from kanal.channels.adapters import for_provider

    adapter = for_provider(provider)
    for data in (b"[1, 2]", b"not json", b'"text"'):
        with pytest.raises((ValueError, TypeError, AttributeError, KeyError)):
            adapter.normalise(data)
        with pytest.raises((ValueError, TypeError, AttributeError, KeyError)):
            adapter.keys(data)
