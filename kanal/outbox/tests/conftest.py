"""Fixtures for the outbox tests: the channels' local provider server (Graph, SMS gateway)
and channel configuration; the real SMTP server (``smtp_backend``) comes from the shared
kanal/core/tests/mailservers.py."""

from __future__ import annotations

from kanal.channels.tests.conftest import channel_settings, fake, post_event  # noqa: F401
