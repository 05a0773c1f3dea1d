"""gunicorn's hooks for ``manage.py serve`` (``--config python:kanal.core.gunicorn_hooks``).

serve runs gunicorn with ``--preload``: the master imports Kanal once and forks its
workers from it, so the workers share those pages with the master instead of each
importing its own copy (about 60 MB a worker). A shared page stays shared until a
process writes to it; two things would write to all of them:

- Python's cyclic garbage collector links and unlinks every tracked object it
  examines. ``gc.freeze()`` just before each fork moves everything the master holds
  into the permanent generation, which collections in the workers never examine
  (nothing in it is garbage: it is the imported code and the app's registries).
- Work every worker would do on its first request, each into its own pages: the URL
  configuration, the translation catalogues, the template engine and the libraries
  the web uses are loaded in the master (:func:`when_ready`), and the public form and
  the home page are requested once (:func:`first_requests`), reads only.

Nothing here changes what a request does. The hooks run in the master only; workers
are never configured by this module.
"""

from __future__ import annotations

import gc
import importlib
import logging
from collections.abc import Callable
from wsgiref.util import setup_testing_defaults

# What a citizen opens first: the report form and the home page (kanal.urls).
WARM_PATHS = ("/lapor/", "/")
WEB_LIBRARIES = ("phonenumbers", "holidays", "cryptography.fernet", "kanal.core.probes")


def when_ready(server) -> None:
    """Before the first fork: what each worker would otherwise load on its first
    request, loaded once here and shared (see the module docstring)."""
    import holidays
    from django.conf import settings
    from django.template import engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils.translation import trans_real

    get_resolver().url_patterns  # noqa: B018 - importing every app's URL conf and views
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)  # the merged catalogue, cached per process
    # Libraries Kanal imports on first use so that the scheduler and task workers need
    # not hold them, but which the web uses from its first requests (phone numbers in
    # forms, working days in due dates, channel secrets in webhooks): once, shared.
    for module in WEB_LIBRARIES:
        importlib.import_module(module)
    # The template engine with every tag library (built on the first render), and the
    # holidays package's country registry (its ~280 modules are imported on the first
    # due date): as the first request would, without touching the database.
    for backend in engines.all():
        if isinstance(backend, DjangoTemplates):  # context processors: on first access
            backend.engine.template_context_processors  # noqa: B018
    holidays.country_holidays("ID", years=2026, language="id")
    first_requests()


def first_requests(paths: tuple[str, ...] = WARM_PATHS) -> list[int]:
    """GET ``paths`` once through the whole WSGI application, as the first citizen
    would: templates compiled, forms and querysets built, middleware and caches filled,
    here in the master so that the workers share what they would each build (~15 MB a
    worker, bench/memory.py). Reads only: a GET writes no session, rate-limit counter
    or row (those are written on POST); the cache is filled as the first request would.
    A failure (the database down at start) is logged and ignored: the workers then do
    it themselves, as before. The connections the requests opened are closed before
    the fork, so no worker inherits another's socket. The statuses, for tests."""
    from django.conf import settings
    from django.core.servers.basehttp import get_internal_wsgi_application
    from django.db import connections

    application = get_internal_wsgi_application()  # WSGI_APPLICATION: gunicorn's own

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h.lstrip(".") != "*"), "")
    seen: list[str] = []

    def start_response(status: str, headers: list, exc_info=None) -> Callable[[bytes], object]:
        seen.append(status)
        return lambda data: None

    try:
        for path in paths:
            environ: dict = {"HTTP_HOST": host or "127.0.0.1", "PATH_INFO": path}
            setup_testing_defaults(environ)
            environ["wsgi.url_scheme"] = "https"  # what nginx forwards; no redirect to it
            body = application(environ, start_response)
            try:
                b"".join(body)
            finally:
                body.close()
    except Exception:
        logging.getLogger(__name__).warning("Warm-up request failed", exc_info=True)
    finally:
        connections.close_all()
    return [int(status.split()[0]) for status in seen]


def pre_fork(server, worker) -> None:
    """Freeze what the master holds so workers' collections leave those pages shared."""
    gc.freeze()
