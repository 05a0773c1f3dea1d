"""Send a correctly signed synthetic event through each configured webhook and follow it.

The probe checks the whole path a citizen's message takes: the public URL, the
signature check, the raw store and the worker. Probe events are marked ``is_probe``
and never become cases or count in the channel statistics.
"""

from __future__ import annotations

import json
import time
import uuid

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kanal.channels import queries, rules, tasks
from kanal.channels.adapters.base import PROBE_PREFIX
from kanal.channels.models import EventStatus, InboundEvent

WEBHOOK_PROVIDERS = ("whatsapp", "meta", "telegram", "tiktok", "sms")


def probe_event(provider: str, probe_id: str) -> tuple[bytes, dict, str]:
    """The body, signed headers and expected event key of a probe for ``provider``."""
    now = timezone.now()
    stamp = int(now.timestamp())
    secret = queries.channel_setting("KANAL_META_APP_SECRET", provider)
    if provider == "whatsapp":
        secret = queries.channel_setting("KANAL_WHATSAPP_APP_SECRET", provider) or secret
        body = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "probe",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "messages": [
                                    {
                                        "from": "0",
                                        "id": probe_id,
                                        "timestamp": str(stamp),
                                        "type": "text",
                                        "text": {"body": "probe"},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
        raw = json.dumps(body).encode()
        return raw, {"X-Hub-Signature-256": rules.meta_signature(secret, raw)}, probe_id
    if provider == "meta":
        body = {
            "object": "page",
            "entry": [
                {
                    "id": "probe",
                    "time": stamp * 1000,
                    "messaging": [
                        {
                            "sender": {"id": "probe"},
                            "recipient": {"id": "probe"},
                            "timestamp": stamp * 1000,
                            "message": {"mid": probe_id, "text": "probe"},
                        }
                    ],
                }
            ],
        }
        raw = json.dumps(body).encode()
        return raw, {"X-Hub-Signature-256": rules.meta_signature(secret, raw)}, probe_id
    if provider == "telegram":
        update_id = uuid.uuid4().int % 10**12
        body = {
            "update_id": update_id,
            "message": {
                "message_id": 1,
                "date": stamp,
                "chat": {"id": probe_id},
                "from": {"id": 0},
                "text": "probe",
            },
        }
        raw = json.dumps(body).encode()
        token = queries.channel_setting("KANAL_TELEGRAM_SECRET_TOKEN", provider)
        return raw, {"X-Telegram-Bot-Api-Secret-Token": token}, f"update:{update_id}"
    if provider == "tiktok":
        content = {
            "type": "text",
            "message_id": probe_id,
            "timestamp": stamp * 1000,
            "conversation_id": "probe",
            "text": {"body": "probe"},
            "from_user": {"id": "probe"},
            "to_user": {"id": "probe-business"},
        }
        body = {
            "event": "im_receive_msg",
            "user_openid": "probe-business",
            "create_time": stamp,
            "content": json.dumps(content),
        }
        raw = json.dumps(body).encode()
        secret = queries.channel_setting("KANAL_TIKTOK_CLIENT_SECRET", provider)
        return raw, {"Tiktok-Signature": rules.tiktok_signature(secret, raw, now)}, probe_id
    if provider == "sms":
        raw = json.dumps({"id": probe_id, "from": "+620", "text": "probe"}).encode()
        token = queries.channel_setting("KANAL_SMS_GATEWAY_SECRET", provider)
        return raw, {"X-Kanal-Sms-Token": token}, probe_id
    raise ValueError(provider)


class Command(BaseCommand):
    help = "Send a signed probe event through each configured webhook and check it is processed."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=settings.KANAL_PUBLIC_BASE_URL)
        parser.add_argument(
            "--wait",
            type=float,
            default=60.0,
            help="seconds to wait for the worker to process each probe",
        )
        parser.add_argument(
            "--process",
            action="store_true",
            help="process the probe in this process instead of waiting",
        )
        parser.add_argument("--provider", action="append", choices=WEBHOOK_PROVIDERS)

    def handle(self, *args, base_url, wait, process, provider, **options):
        if not base_url:
            raise CommandError("Give --base-url or set KANAL_PUBLIC_BASE_URL.")
        configured = set(queries.configured_providers())
        chosen = provider or [p for p in WEBHOOK_PROVIDERS if p in configured]
        failures = []
        for name in chosen:
            ok, detail = self.probe(base_url.rstrip("/"), name, wait, process)
            self.stdout.write(f"{name:10} {'ok' if ok else 'FAILED'}  {detail}")
            if not ok:
                failures.append(name)
        if failures:
            raise CommandError(f"probe failed for: {', '.join(failures)}")

    def probe(self, base_url: str, provider: str, wait: float, process: bool):
        probe_id = f"{PROBE_PREFIX}{uuid.uuid4().hex}"
        body, headers, key = probe_event(provider, probe_id)
        headers["Content-Type"] = "application/json"
        try:
            response = httpx.post(
                f"{base_url}/webhooks/{provider}/", content=body, headers=headers, timeout=20
            )
        except httpx.HTTPError as exc:
            return False, f"webhook unreachable: {exc}"
        if response.status_code != 200:
            return False, f"webhook answered {response.status_code}"
        deadline = time.monotonic() + wait
        event = None
        while time.monotonic() < deadline:
            event = InboundEvent.objects.filter(provider=provider, event_key=key).first()
            if event is not None and process and event.status == EventStatus.PENDING:
                tasks.process_event(event.pk)
                event.refresh_from_db()
            if event is not None and event.status != EventStatus.PENDING:
                break
            time.sleep(0.5)
        if event is None:
            return False, "accepted but not stored"
        if not event.is_probe:
            return False, "stored but not marked as a probe"
        if event.status != EventStatus.PROCESSED:
            return False, f"not processed ({event.status}) {event.error[:100]}"
        return True, f"stored and processed in {event.processed_at - event.received_at}"
