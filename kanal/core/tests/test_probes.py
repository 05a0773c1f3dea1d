"""/healthz, /readyz and /metrics: what a load balancer and Prometheus see."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from kanal.core.tasks import record_heartbeat
from kanal.core.tests.mailservers import free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_any_host_over_plain_http(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")  # not in ALLOWED_HOSTS
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_reports_the_database_and_the_cache(client):
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


def test_readyz_is_503_when_the_database_and_the_cache_are_away(tmp_path):
    """A real Kanal process pointed at a PostgreSQL and a Redis that do not answer."""
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/readyz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
        # Ports handed to no server in this process: nothing listens there.
        "DATABASE_URL": f"postgres://kanal@127.0.0.1:{free_port()}/kanal",
        "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        "KANAL_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 503
    assert result["body"]["ready"] is False
    assert not result["body"]["checks"]["database"]["ok"]
    assert "OperationalError" in result["body"]["checks"]["database"]["error"]
    assert not result["body"]["checks"]["cache"]["ok"]


def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert len(first) == 32 and first != second
    kept = client.get("/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert kept.headers["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = client.get("/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert forged.headers["X-Request-ID"] != "bad id\nwith newline"


def test_metrics_are_off_without_a_token_or_an_allowed_address(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token_and_show_the_queue(client, settings):
    settings.KANAL_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    record_heartbeat.using(queue_name="intake").enqueue("probe-test")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'kanal_tasks{queue="intake",status="READY"} 1.0' in text
    assert 'kanal_tasks{queue="notices",status="FAILED"} 0.0' in text
    age = [
        line
        for line in text.splitlines()
        if line.startswith('kanal_task_oldest_ready_age_seconds{queue="intake"}')
    ]
    assert age and float(age[0].split()[-1]) >= 0
    assert 'kanal_channel_silent{provider="whatsapp"}' in text
    assert "kanal_outbox_unreachable 0.0" in text
    assert 'kanal_webhook_failures{kind="signature",provider="telegram"} 0.0' in text


def test_metrics_from_an_allowed_address(client, settings):
    settings.KANAL_METRICS_ALLOWED_IPS = ["10.9.8.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.9.8.6").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.9.8.7").status_code == 200
