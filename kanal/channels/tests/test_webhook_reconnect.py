"""The short webhook path checks its database connection after the fact (kanal.wsgi).

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before a reused connection's first
query; the webhook path sends its own statement first and replaces the connection only
when that fails. What the check exists for must still hold: a connection the server
closed between two deliveries costs no delivery.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection

from kanal.channels.models import InboundEvent

from .conftest import payload, signed_headers

pytestmark = pytest.mark.django_db(transaction=True)


def post(body: bytes) -> int:
    """A delivery through kanal.wsgi.application as gunicorn calls it, request signals
    and close_old_connections included (the connection outlives the request)."""
    from kanal.wsgi import application

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/webhooks/whatsapp/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
    } | signed_headers("whatsapp", body)
    status = []
    result = application(environ, lambda s, h, e=None: status.append(int(s.split()[0])))
    b"".join(result)
    result.close()
    return status[0]


@pytest.fixture
def checked_connection(channel_settings, monkeypatch):
    """A persistent, health-checked connection (production's settings); the number of
    health checks Django makes is counted."""
    if connection.vendor != "postgresql":
        pytest.skip("a server closing the connection needs PostgreSQL")
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    connection.close()
    connection.ensure_connection()
    checks = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or real())
    yield checks
    connection.close()


def delivery(n: int) -> bytes:
    return payload("whatsapp_text.json").replace(b"wamid.", f"wamid.R{n}".encode())


def test_a_healthy_reused_connection_is_not_checked_before_each_delivery(checked_connection):
    for n in range(3):
        assert post(delivery(n)) == 200
    assert checked_connection == []  # no SELECT 1 ahead of the delivery's own statement
    assert InboundEvent.objects.count() == 3


def test_a_connection_the_server_closed_is_replaced_and_the_delivery_stored(checked_connection):
    assert post(delivery(1)) == 200
    old_pid = connection.connection.info.backend_pid
    killer = connection.get_new_connection(connection.get_connection_params())
    try:
        killer.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        killer.close()

    assert post(delivery(2)) == 200  # not a 503: the broken connection was replaced
    assert checked_connection == [1]  # the check, made once the statement failed
    assert connection.connection.info.backend_pid != old_pid
    assert InboundEvent.objects.count() == 2
    assert post(delivery(2)) == 200 and InboundEvent.objects.count() == 2  # a retry: nothing new
