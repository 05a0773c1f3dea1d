"""gunicorn's master under serve (--preload): what it loads before forking the workers."""

import gc
import sys

import pytest

from kanal.core import gunicorn_hooks


def test_when_ready_loads_the_web_libraries_even_without_a_database():
    """The warm-up requests need the database; without it (here pytest-django refuses
    any access, as a database down at start would) they are logged and skipped and
    gunicorn starts as before."""
    gunicorn_hooks.when_ready(None)
    for module in gunicorn_hooks.WEB_LIBRARIES:
        assert module in sys.modules
    assert "holidays.countries.indonesia" in sys.modules


def test_pre_fork_freezes_what_the_master_holds():
    try:
        gunicorn_hooks.pre_fork(None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.django_db(transaction=True)
def test_the_first_requests_are_answered_read_only_and_their_connections_closed():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert gunicorn_hooks.first_requests() == [200, 200]
    if connection.vendor != "sqlite":  # Django keeps an in-memory SQLite database open
        assert connection.connection is None  # closed before the fork
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements and set(statements) <= {"SELECT", "WITH"}, statements
