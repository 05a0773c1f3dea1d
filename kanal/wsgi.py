"""The WSGI application, with a short path for providers' webhook deliveries.

A delivery (``POST /webhooks/<provider>/``) is the hot path of every channel: a burst
after a viral post arrives faster than citizens fill forms. It needs no session, CSRF
token, user, language, messages, CSP or clickjacking header, so it skips that middleware
and goes straight to its view, which keeps every check of its own (the body refused
when it cannot be read whole, the signature on the raw bytes, duplicates recognised by
key, the raw event and its task row stored before the 200). What the full stack gives
every request is kept: request_started / request_finished (old database connections
closed, the request id cleared), the ALLOWED_HOSTS check, the request id, 503 on a
database outage, and Django's exception handling and error logging. The connection
health check (``CONN_HEALTH_CHECKS``) is made after the fact instead of before: see
:func:`_reconnecting`. Everything else,
GET handshakes included, and every request when ``SECURE_SSL_REDIRECT`` asks for a
redirect of plain HTTP, goes through the full middleware stack.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kanal.settings")
django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application does

from django.conf import settings  # noqa: E402 - after django.setup()
from django.core.handlers.exception import convert_exception_to_response  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections  # noqa: E402
from django.urls import reverse, set_urlconf  # noqa: E402
from django.utils.log import log_response  # noqa: E402

from kanal.channels import views as channel_views  # noqa: E402
from kanal.core.middleware import RequestIdMiddleware  # noqa: E402
from kanal.core.outage import DatabaseOutageMiddleware  # noqa: E402


def _reconnecting(view):
    """The view with the connection health check made only when the connection fails.

    With ``CONN_HEALTH_CHECKS`` Django checks a reused connection before the first query
    of every request, so that one closed meanwhile (a PostgreSQL restart, an idle
    timeout) is replaced instead of failing the request. Django's own check is a
    ``SELECT 1`` round trip; Kanal's PostgreSQL backend (kanal/core/postgresql/base.py)
    first looks at the socket and sends it only when something is waiting there, which
    made this deferral worth little more than a system call per delivery. Here
    the delivery's own statements go first; if one fails with a connection error on a
    reused connection that Django would have checked, and the connection is indeed no
    longer usable, it is closed and the view runs once more on a new one, which is what
    the check would have done. Running it again is safe: its only writes are the event
    rows, stored ``ON CONFLICT DO NOTHING`` by key in one statement or one transaction
    (a statement that committed before the connection broke makes the second run a
    duplicate, acknowledged as one), and the rejection counter of a bad signature.
    """

    def call(request):
        conn = connections[DEFAULT_DB_ALIAS]
        deferred = (
            conn.connection is not None and conn.health_check_enabled and not conn.health_check_done
        )
        if deferred:
            conn.health_check_done = True  # Django's check would have run at the first query
        try:
            return view(request)
        except (OperationalError, InterfaceError):
            if not deferred or conn.in_atomic_block or conn.is_usable():
                raise  # not a connection Django's check would have replaced
            conn.close()
            return view(request)

    return call


def _webhook_chain(view):
    """The view behind the request id and the outage answer, exceptions handled as
    Django's middleware chain handles them (400 for a disallowed host, 500 logged)."""

    outage = DatabaseOutageMiddleware(None)

    def checked(request):
        request.get_host()  # ALLOWED_HOSTS: DisallowedHost -> 400, as in the full stack
        try:
            return view(request)
        except Exception as exc:
            response = outage.process_exception(request, exc)
            if response is None:
                raise
            return response

    return convert_exception_to_response(
        RequestIdMiddleware(convert_exception_to_response(checked))
    )


class KanalWSGIHandler(WSGIHandler):
    """Django's handler; webhook POSTs take :func:`_webhook_chain` (see the module)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._webhooks: dict[str, object] | None = None

    def webhook_chains(self) -> dict[str, object]:
        """Path -> chain for each provider's webhook, paths taken from the URL conf."""
        if self._webhooks is None:
            self._webhooks = {
                reverse(f"channels:webhook_{provider}"): _webhook_chain(_reconnecting(view))
                for provider, view in channel_views.WEBHOOK_VIEWS.items()
            }
        return self._webhooks

    def get_response(self, request):
        chain = None
        if request.method == "POST" and (not settings.SECURE_SSL_REDIRECT or request.is_secure()):
            chain = self.webhook_chains().get(request.path_info)
        if chain is None:
            return super().get_response(request)
        set_urlconf(settings.ROOT_URLCONF)
        response = chain(request)
        response._resource_closers.append(request.close)
        if response.status_code >= 400:
            log_response(
                "%s: %s", response.reason_phrase, request.path, response=response, request=request
            )
        return response


application = KanalWSGIHandler()
