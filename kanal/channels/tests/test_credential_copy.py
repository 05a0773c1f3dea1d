"""Each process's one-second copy of the saved channel credentials (queries._saved_rows).

A save in another process reaches this one through the shared cache, which the save
empties; this process's copy is not emptied by it. What must hold anyway: a delivery
signed with a newly saved secret is accepted at once, and one signed with the replaced
secret is refused once the copy is a second old.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kanal.channels import actions, queries
from kanal.channels.models import InboundEvent

from .conftest import TELEGRAM_SECRET, payload

pytestmark = pytest.mark.django_db(transaction=True)


def save_in_another_process(monkeypatch, secret: str) -> None:
    """The console saves a new Telegram secret token in another process: from here, the
    shared cache entry is gone and this process's copy stays."""
    with monkeypatch.context() as m:
        m.setattr(
            queries, "forget_saved_settings", lambda: cache.delete(queries.SAVED_SETTINGS_KEY)
        )
        actions.save_channel_settings(
            actor=None, provider="telegram", values={"KANAL_TELEGRAM_SECRET_TOKEN": secret}
        )


def post(client, token: str, update_id: int) -> int:
    body = payload("telegram_report.json").replace(
        b'"update_id": ', f'"update_id": {update_id}'.encode(), 1
    )
    return client.post(
        "/webhooks/telegram/",
        data=body,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=token,
    ).status_code


def test_the_copy_serves_reads_for_a_second_then_the_shared_cache(channel_settings, monkeypatch):
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == TELEGRAM_SECRET
    save_in_another_process(monkeypatch, "token-saved-elsewhere")
    # Within the second: this process's copy, no cache read.
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("read the shared cache"))
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == TELEGRAM_SECRET
    monkeypatch.undo()
    monkeypatch.setattr(queries._process_copy, "seconds", 0)  # the second has passed
    assert queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN") == "token-saved-elsewhere"


def test_a_secret_saved_elsewhere_counts_at_once_and_the_old_one_stops(
    channel_settings, client, monkeypatch
):
    assert post(client, TELEGRAM_SECRET, 1) == 200  # this process now holds a copy
    save_in_another_process(monkeypatch, "token-saved-elsewhere")
    # Refused by the copy, checked again against the fresh rows: accepted, and stored.
    assert post(client, "token-saved-elsewhere", 2) == 200
    assert InboundEvent.objects.filter(provider="telegram").count() == 2
    monkeypatch.setattr(queries._process_copy, "seconds", 0)
    assert post(client, TELEGRAM_SECRET, 3) == 403  # the replaced secret
    assert InboundEvent.objects.filter(provider="telegram").count() == 2
