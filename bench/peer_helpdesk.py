"""The peer of ``bench/peer.py``: django-helpdesk 2.6 from PyPI in its own environment,
served as its documentation suggests (gunicorn sync x 3, PostgreSQL, DEBUG off, its
public ticket form, ``bench/helpdesk_site``), and one citizen's ticket through its form."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.harness import ROOT, free_port, pg_admin

PEER_DIR = ROOT / "bench" / ".peer"
PEER_VENV = PEER_DIR / "venv"
PEER_PACKAGES = ["django-helpdesk==2.6.1", "gunicorn", "psycopg[binary]"]
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def ensure_peer_venv() -> Path:
    """bench/.peer/venv with django-helpdesk from PyPI (created once, then reused)."""
    python = PEER_VENV / "bin" / "python"
    if (PEER_VENV / "bin" / "gunicorn").exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    uv = ROOT / ".venv" / "bin" / "uv"
    if uv.exists():
        subprocess.run(
            [str(uv), "pip", "install", "--python", str(python), *PEER_PACKAGES], check=True
        )
    else:
        subprocess.run([str(python), "-m", "pip", "install", *PEER_PACKAGES], check=True)
    return python


class Helpdesk:
    """django-helpdesk on its own PostgreSQL database, gunicorn sync x 3 (see docstring)."""

    def __init__(self, workers: int = 3):
        self.workers = workers
        self.db_name = f"peer_helpdesk_{int(time.time())}_{os.getpid()}"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="kanal-peer-"))
        python = ensure_peer_venv()
        self.bin = python.parent
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KANAL_"))
        } | {
            "DJANGO_SETTINGS_MODULE": "bench.helpdesk_site.settings",
            "PYTHONPATH": str(ROOT),
            "PEER_DB_NAME": self.db_name,
            "PEER_STATIC_ROOT": str(self.tmp / "static"),
            "PEER_MEDIA_ROOT": str(self.tmp / "media"),
        }

    def admin(self, *args: str) -> str:
        out = subprocess.run(
            [str(self.bin / "django-admin"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(f"helpdesk {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    def __enter__(self) -> Helpdesk:
        pg_admin(f'CREATE DATABASE "{self.db_name}"')
        try:
            self.admin("migrate", "--no-input", "-v0")
            self.admin(
                "shell",
                "-c",
                "from helpdesk.models import Queue; Queue.objects.create("
                "title='Aduan', slug='aduan', allow_public_submission=True)",
            )
            self.port = free_port()
            log = open(self.tmp / "web.log", "ab")
            self.proc = subprocess.Popen(
                [
                    str(self.bin / "gunicorn"),
                    "bench.helpdesk_site.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--backlog",
                    "512",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            self.proc.log = log  # type: ignore[attr-defined]
            self._wait()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, timeout: float = 40) -> None:
        from http.client import HTTPConnection

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/helpdesk/tickets/submit/")
                if conn.getresponse().status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(
            "helpdesk did not answer:\n" + (self.tmp / "web.log").read_text()[-2000:]
        )

    def __exit__(self, *exc) -> None:
        import signal

        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            self.proc.log.close()  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):
            pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)

    def tickets(self) -> int:
        import psycopg

        url = f"postgres://postgres@127.0.0.1:5432/{self.db_name}"
        with psycopg.connect(url) as conn:
            return conn.execute("select count(*) from helpdesk_ticket").fetchone()[0]


def helpdesk_submission(client, seq: int, referer: str) -> bool:
    """The peer's public ticket form, sent as a citizen's browser sends it."""
    client.cookies.clear()
    status, _h, body = client.request("GET", "/helpdesk/tickets/submit/")
    token = TOKEN_RE.search(body)
    if status != 200 or not token:
        raise RuntimeError(f"helpdesk form answered {status} without a CSRF token")
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "title": f"Lampu jalan mati {seq}",
        "body": "Lampu jalan di depan rumah mati sejak tiga hari, gelap sekali.",
        "submitter_email": f"warga{seq}@example.org",
    }
    status, _h, _b = client.request(
        "POST",
        "/helpdesk/tickets/submit/",
        urlencode(form).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer},
    )
    return status == 302
