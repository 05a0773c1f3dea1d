"""The channel gauges on /metrics (registered with kanal.core.metrics in ConsoleConfig).

The same figures as the console's channel-health table (channels.queries.channel_health):

- ``kanal_webhook_failures{provider,kind}``: webhook deliveries refused for a bad
  signature in the last 7 days (kind="signature"), and events that failed processing and
  wait for a retry (kind="processing")
- ``kanal_deliveries_failed{channel}``: outbox delivery attempts failed in the last 7
  days per provider (e-mail included)
- ``kanal_outbox_unreachable``: messages to citizens in the last 7 days that no route
  reached (every channel and fallback failed or was impossible)
- ``kanal_channel_silent{provider}``: 1 when a configured channel has received nothing
  for longer than its quiet period
"""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from kanal.channels.queries import channel_health
from kanal.outbox.queries import unreachable_count


def channel_metrics():
    rows = channel_health()
    webhook = GaugeMetricFamily(
        "kanal_webhook_failures",
        "Webhook signature failures (7 days) and failed inbound events, per provider",
        labels=["provider", "kind"],
    )
    delivered = GaugeMetricFamily(
        "kanal_deliveries_failed",
        "Failed outbox delivery attempts (7 days) per provider",
        labels=["channel"],
    )
    silent = GaugeMetricFamily(
        "kanal_channel_silent",
        "1 when a configured channel has been silent past its quiet period",
        labels=["provider"],
    )
    for row in rows:
        webhook.add_metric([row.provider, "signature"], row.signature_failures)
        webhook.add_metric([row.provider, "processing"], row.processing_failures)
        delivered.add_metric([row.provider], row.delivery_failures)
        silent.add_metric([row.provider], 1 if row.silent else 0)
    unreachable = GaugeMetricFamily(
        "kanal_outbox_unreachable",
        "Messages to citizens (7 days) that no channel or fallback reached",
    )
    unreachable.add_metric([], unreachable_count(days=7))
    yield from (webhook, delivered, silent, unreachable)
