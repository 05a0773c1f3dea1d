"""A real Open311 client from PyPI (``georeport`` 0.3.1) against Kanal served by gunicorn.

The server is a separate gunicorn process on a free port, in production
mode, on a copy of the test database (SQLite: an online backup of the in-memory test
database; PostgreSQL: the test database itself, committed by a transactional test).
georeport has no POST call, so the partner's POST is plain HTTP; every read goes through
the client, in JSON and in XML.
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.db import connection

from kanal.api import actions
from kanal.api.queries import jurisdiction_id

ROOT = Path(__file__).resolve().parents[3]


def _database_url(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    user, host = settings["USER"] or "postgres", settings["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def served(tmp_path, transactional_db, reference_data, public_case, port):
    """gunicorn serving Kanal on a free port with the test's data; yields the Open311 base URL."""
    _partner, key = actions.issue_partner_key(actor=None, name="Aplikasi Warga (georeport)")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KANAL_", "DJANGO_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env |= {
        "KANAL_DEBUG": "0",
        "KANAL_SECRET_KEY": secrets.token_urlsafe(64),
        "KANAL_ALLOWED_HOSTS": "127.0.0.1",
        "KANAL_SSL_REDIRECT": "0",
        "KANAL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": _database_url(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kanal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise RuntimeError(server.stdout.read())
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError("gunicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/open311/v2", key
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_requests_and_a_just_posted_request(
    served, public_case, fmt
):
    from georeport import GeoReport

    base, key = served
    client = GeoReport(base, jurisdiction=jurisdiction_id(), api_key=key, output_format=fmt)

    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"jalan-rusak", "drainase", "sampah"} <= codes

    road = client.get_service_definition("jalan-rusak")
    assert road["service_code"] == "jalan-rusak"

    listed = client.get_service_requests()
    # xmltodict gives one request as a dict and several as a list.
    listed = listed if isinstance(listed, list) else [listed]
    assert public_case.tracking_number in {r["service_request_id"] for r in listed}

    one = client.get_service_request(public_case.tracking_number)
    assert one["service_request_id"] == public_case.tracking_number
    assert one["description"] == public_case.public_summary

    posted = httpx.post(
        f"{base}/requests.{fmt}",
        data={
            "api_key": key,
            "jurisdiction_id": jurisdiction_id(),
            "service_code": "drainase",
            "lat": "-5.4271",
            "long": "105.2611",
            "description": "Selokan tersumbat, air naik ke jalan",
            "email": "warga@example.com",
            "locale": "en",
        },
        timeout=30,
    )
    assert posted.status_code == 200, posted.text
    number = (
        posted.json()[0]["service_request_id"]
        if fmt == "json"
        else posted.text.split("<service_request_id>")[1].split("<")[0]
    )
    assert "Received." in posted.text  # the service notice in the language asked for

    # Read back at once, before any operator has seen it: status and service only.
    fresh = client.get_service_request(number)
    assert fresh["service_request_id"] == number
    assert fresh["status"] == "open" and fresh["service_code"] == "drainase"
    assert "description" not in fresh
    by_id = client.get_service_requests(service_request_id=number)
    by_id = by_id[0] if isinstance(by_id, list) else by_id
    assert by_id["service_request_id"] == number and by_id["status"] == "open"
    assert "warga@example.com" not in str(by_id) and "Selokan" not in str(by_id)
