"""Fixtures for the outbox tests: the fake provider server (Graph, SMS gateway) from the
channels tests, and a real SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import os
import socket

import pytest

from kanal.channels.tests.conftest import channel_settings, fake, post_event  # noqa: F401


def free_port() -> int:
    """A free port on 127.0.0.1, within KANAL_TEST_PORT_RANGE ("21650-21699") when set."""
    span = os.environ.get("KANAL_TEST_PORT_RANGE", "")
    low, high = (int(p) for p in span.split("-")) if span else (0, 0)
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {span}")


class SmtpInbox:
    """What the SMTP server accepted, parsed (``messages``) and raw (``envelopes``)."""

    def __init__(self):
        self.envelopes = []
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_backend(settings):
    """A real SMTP server on 127.0.0.1 with Django's SMTP backend pointed at it.

    (The test harness swaps the backend for ``locmem``; this undoes that. The shared
    mail-server fixtures of issue 16 offer the same name.)
    """
    from aiosmtpd.controller import Controller

    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()
