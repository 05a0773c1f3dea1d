"""Channel health: alerts for channels that went silent."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from kanal import audit

from .. import queries
from ..models import ChannelAlert

log = logging.getLogger(__name__)


@transaction.atomic
def check_channel_silence(now=None) -> list[str]:
    """Raise one alert per configured channel silent beyond its quiet period; resolve
    alerts of channels that receive events again. Returns the providers alerted now."""
    now = now or timezone.now()
    raised = []
    for row in queries.channel_health(now):
        open_alert = row.alert
        if row.silent and open_alert is None:
            alert = ChannelAlert.objects.create(
                provider=row.provider,
                raised_at=now,
                last_event_at=row.last_event_at,
                message=f"{row.label}: no event since {row.last_event_at or 'ever'}",
            )
            audit.record(
                "channel.silent",
                obj=alert,
                actor_label="system",
                data={"provider": row.provider, "last_event_at": str(row.last_event_at)},
            )
            log.warning("Channel %s is silent (last event %s)", row.provider, row.last_event_at)
            raised.append(row.provider)
        elif open_alert is not None and not row.silent:
            open_alert.resolved_at = now
            open_alert.save(update_fields=["resolved_at"])
            audit.record(
                "channel.alert_resolved",
                obj=open_alert,
                actor_label="system",
                data={"provider": row.provider},
            )
    return raised
