"""Kanal started as a city starts it: separate processes configured by environment only.

``KanalDeployment`` prepares a fresh SQLite database (``migrate`` and
``load_reference_data``, once per session, copied for each test), then starts the web
server (gunicorn, as docs/deploy.md says, or ``runserver``) with nothing but
environment variables, runs the worker (``task_worker --batch``) and management commands
in the same environment, and reads results from the database file with ``sqlite3``.
Nothing here touches Django settings in the test process.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kanal.core.tests.mailservers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def clean_environment() -> dict[str, str]:
    """The test process's environment without any Kanal or Django setting."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KANAL_", "DJANGO_", "EMAIL_"))
        and k not in ("DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL")
    }


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class KanalDeployment:
    """One Kanal installation in a temporary folder, run by its documented commands."""

    def __init__(self, folder: Path, template_db: Path, environment: dict[str, str]):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.db = folder / "kanal.sqlite3"
        shutil.copy(template_db, self.db)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = clean_environment() | {
            "KANAL_DEBUG": "0",
            "KANAL_SECRET_KEY": secrets.token_urlsafe(50),
            "KANAL_ALLOWED_HOSTS": "127.0.0.1",
            "KANAL_SSL_REDIRECT": "0",
            "KANAL_VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{self.db}",
            "KANAL_PUBLIC_BASE_URL": self.url,
            "KANAL_PUBLIC_URL": self.url,
        }
        self.env |= environment
        self.server: subprocess.Popen | None = None

    def start(self, server: str = "gunicorn") -> KanalDeployment:
        if server == "gunicorn":
            command = [
                sys.executable, "-m", "gunicorn", "kanal.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "2",
            ]  # fmt: skip
        else:
            command = [
                sys.executable, "manage.py", "runserver", "--noreload", "--nothreading",
                f"127.0.0.1:{self.port}",
            ]  # fmt: skip
        self.log = open(self.folder / f"{server}.log", "wb")  # noqa: SIM115
        self.server = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        try:
            wait_for_port(self.port, 60)
            # The first request loads every URL module; wait for it, not for the caller.
            httpx.get(f"{self.url}/webhooks/whatsapp/", timeout=120)
        except (TimeoutError, httpx.HTTPError):
            self.stop()
            pytest.fail((self.folder / f"{server}.log").read_text(), pytrace=False)
        return self

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()
        if self.server:
            self.log.close()

    def manage(self, *args: str) -> str:
        return manage(self.env, *args)

    def shell(self, code: str) -> str:
        return self.manage("shell", "--verbosity", "0", "-c", code)

    def work(self, rounds: int = 2) -> None:
        """Run the worker until the queue is empty (tasks enqueue tasks: a few rounds)."""
        for _ in range(rounds):
            self.manage("task_worker", "--batch", "--no-reload", "--queue-name", "*")

    def rows(self, sql: str, params=()) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A migrated database with the region's reference data, made once per session."""
    folder = tmp_path_factory.mktemp("kanal-template")
    env = clean_environment() | {
        "KANAL_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'kanal.sqlite3'}",
        "KANAL_SECRET_KEY": "template-only",
    }
    manage(env, "migrate", "--no-input")
    manage(env, "load_reference_data")
    with sqlite3.connect(folder / "kanal.sqlite3") as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder / "kanal.sqlite3"


@pytest.fixture
def deploy(tmp_path, template_db):
    """``deploy(env)`` → a KanalDeployment (not yet started); stopped after the test."""
    made: list[KanalDeployment] = []

    def make(environment: dict[str, str]) -> KanalDeployment:
        deployment = KanalDeployment(tmp_path / f"site{len(made)}", template_db, environment)
        made.append(deployment)
        return deployment

    try:
        yield make
    finally:
        for deployment in made:
            deployment.stop()
