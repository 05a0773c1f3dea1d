"""A database that cannot be reached answers 503 with Retry-After, from a real server.

The server is a real gunicorn process in production mode whose DATABASE_URL points at
a port where nothing listens, as during a PostgreSQL restart (each request opens its
connection, ``KANAL_DB_CONN_MAX_AGE=0``). The shared PostgreSQL is never touched.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from kanal.core.tests.mailservers import free_port

ROOT = Path(__file__).resolve().parents[3]
CLOSED_PORT = free_port()  # handed to no server in this process, never listened on


def _production_env(tmp_path: Path, database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KANAL_", "DJANGO_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return env | {
        "KANAL_DEBUG": "0",
        "KANAL_SECRET_KEY": secrets.token_urlsafe(64),
        "KANAL_ALLOWED_HOSTS": "127.0.0.1",
        "KANAL_SSL_REDIRECT": "0",
        "KANAL_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kanal.settings",
    }


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read() if process.stdout else "server exited")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port}")


class Server:
    """gunicorn serving kanal.wsgi on a free port with the given environment."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kanal.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _wait_for_port(self.port, self.process)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    def stop(self):
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=20)


def _assert_outage(server: Server) -> None:
    page = server.http.get("/lacak/BL-AAAA-BBBB/")
    assert page.status_code == 503, page.text[:500]
    assert int(page.headers["Retry-After"]) > 0
    assert page.headers["content-type"].startswith("text/html")
    assert "Kanal sedang tidak dapat diakses" in page.text and "Traceback" not in page.text

    api = server.http.get("/api/v1/cases", headers={"Authorization": "Bearer not-a-token"})
    assert api.status_code == 503 and int(api.headers["Retry-After"]) > 0
    assert api.json()["code"] == "unavailable"

    open311 = server.http.get("/open311/v2/services.json")
    assert open311.status_code == 503 and int(open311.headers["Retry-After"]) > 0
    assert open311.json()[0]["code"] == 503
    as_xml = server.http.get("/open311/v2/services.xml")
    assert as_xml.status_code == 503 and b"<code>503</code>" in as_xml.content


def test_a_database_on_a_closed_port_answers_503_with_retry_after(tmp_path):
    env = _production_env(
        tmp_path, f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/kanal?connect_timeout=2"
    )
    server = Server(env)
    try:
        _assert_outage(server)
    finally:
        server.stop()
