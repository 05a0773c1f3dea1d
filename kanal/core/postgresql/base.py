"""Django's PostgreSQL backend, with ``is_usable`` looking at the socket first.

``CONN_HEALTH_CHECKS`` (settings.py) has Django call ``is_usable`` before the first
query of every request on a reused connection, so that one closed meanwhile (a database
restart, an idle timeout, an administrator's ``pg_terminate_backend``) is replaced
instead of failing the request. Django's check is ``SELECT 1``: a round trip before
every request's work, most of the database time of a request that stores one row.

PostgreSQL announces each of those closings on the connection (an error message, then
the end of the stream), and an idle connection is sent nothing else (Kanal does not
LISTEN). So a connection that is idle, not broken, and has nothing to read is usable,
known without a round trip; anything else (bytes waiting, the socket closed or in
error, a transaction left open) gets Django's ``SELECT 1``, which reads what arrived
and decides. A connection lost without a word (a cable pulled, a firewall dropping it
silently) is found by the first query as before; Django's check would have waited for
TCP's timeout on it too.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from psycopg import pq


class DatabaseWrapper(PostgreSQLWrapper):
    """Django's wrapper; only the health check differs (see the module)."""

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None:
            return False
        if nothing_to_read(connection):
            return True
        return super().is_usable()


def nothing_to_read(connection) -> bool:
    """Whether a psycopg connection is idle, open, and has no bytes waiting (no notice of
    its closing, no end of stream): then it is as usable as ``SELECT 1`` would show."""
    if connection.closed or connection.broken:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False
