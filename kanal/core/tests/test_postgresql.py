"""The PostgreSQL backend's health check: no round trip for a connection evidently fine,
Django's ``SELECT 1`` (and a new connection) for one the server closed."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

from kanal.core.postgresql.base import DatabaseWrapper, nothing_to_read

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


@pytest.fixture
def second():
    """A second connection to the test database, as another request's would be."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def backend_pid(wrapper) -> int:
    return wrapper.connection.info.backend_pid


def test_the_settings_use_this_backend():
    assert isinstance(connections["default"], DatabaseWrapper)


def test_an_idle_open_connection_is_usable_without_a_query(second, monkeypatch):
    def no_select(self):
        raise AssertionError("SELECT 1 was sent")

    monkeypatch.setattr(DjangoWrapper, "is_usable", no_select)
    assert nothing_to_read(second.connection)
    assert second.is_usable()


def test_a_connection_the_server_closed_is_found_and_replaced(second):
    old = backend_pid(second)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [old])
        assert cursor.fetchone() == (True,)
    # The server's notice and the end of the stream arrive within moments.
    for _ in range(100):
        if not nothing_to_read(second.connection):
            break
        time.sleep(0.02)
    assert not nothing_to_read(second.connection)
    assert not second.is_usable()  # Django's SELECT 1 decides: it fails
    # What Django does before a request's first query with CONN_HEALTH_CHECKS on.
    second.health_check_done = False
    second.close_if_health_check_failed()
    with second.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old


def test_a_connection_inside_a_transaction_gets_the_real_check(second):
    second.connection.execute("BEGIN")
    assert not nothing_to_read(second.connection)  # not idle: left to SELECT 1
    assert second.is_usable()
    second.connection.execute("ROLLBACK")
