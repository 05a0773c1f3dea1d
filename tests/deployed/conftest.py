"""Kanal started as a city starts it: separate processes configured by environment only.

``KanalDeployment`` prepares a fresh SQLite database (``migrate`` and
``load_reference_data``, once per run, copied for each test: kanal.core.tests.sites),
then starts the web server (gunicorn, as docs/deploy.md says, or ``runserver``) with nothing but
environment variables, runs the worker (``task_worker --batch``) and management commands
in the same environment, and reads results from the database file with ``sqlite3``.
Nothing here touches Django settings in the test process.
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kanal.core.tests.mailservers import free_port, wait_for_port
from kanal.core.tests.sites import ROOT, clean_environment, manage

__all__ = ["clean_environment", "manage"]  # test modules import them from here


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

    def work(self) -> None:
        """Run the worker until nothing is ready: ``--batch`` claims again after every
        batch, so tasks enqueued by tasks run in the same process (a second run found
        nothing and cost a Django start-up)."""
        self.manage("task_worker", "--batch", "--no-reload", "--queue-name", "*")

    def rows(self, sql: str, params=()) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="session")
def template_db(migrated_site_db) -> Path:
    """A migrated database with the region's reference data (kanal.core.tests.sites)."""
    return migrated_site_db


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
