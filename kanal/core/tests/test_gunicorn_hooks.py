"""gunicorn's master under serve (--preload): what it loads before forking the workers."""

import gc
import sys

from kanal.core import gunicorn_hooks


def test_when_ready_loads_what_a_first_request_would_without_touching_the_database():
    """A database connection opened in the master would be shared by every forked
    worker (one socket, interleaved queries): the warm-up must not query. Without the
    django_db mark, pytest-django makes any database access fail this test."""
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
