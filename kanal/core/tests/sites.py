"""A migrated Kanal database made once per test run, for tests that start Kanal's processes.

``migrated_empty_db`` is a SQLite file with every migration applied (``manage.py
migrate`` in a clean environment); ``migrated_site_db`` is a copy of it with the region's
reference data loaded (``load_reference_data``). Tests copy them; they never write to them.

Made once per run, not once per pytest-xdist worker: ``build_once`` lets the first
worker build under a file lock and the others wait and reuse it (the recipe of
pytest-xdist's documentation). Building costs ~10 s of CPU (two Django processes and
every migration), which the second worker used to repeat.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def clean_environment() -> dict[str, str]:
    """The test process's environment without any Kanal or Django setting."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KANAL_", "DJANGO_", "EMAIL_"))
        and k not in ("DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL")
    }


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    """Run ``manage.py`` in the project folder with exactly ``env``; its output (must succeed)."""
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


def build_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder ``name``, filled by ``build(folder)`` once per run and shared by workers.

    Under pytest-xdist the workers' temporary folders share a parent made for this run:
    the first worker to take the lock builds there and the others find it done. A
    folder is marked done only after ``build`` returned, so a failed build is retried
    (and fails again, visibly) by the next worker rather than half-used.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        build(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent
    folder = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            folder.mkdir()
            build(folder)
            (folder / ".done").touch()
    return folder


def _environment(folder: Path) -> dict[str, str]:
    return clean_environment() | {
        "KANAL_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'kanal.sqlite3'}",
        "KANAL_SECRET_KEY": "template-only",
    }


def _checkpoint(db: Path) -> None:
    """Everything into the main file: a copy of it alone is then the whole database."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.fixture(scope="session")
def migrated_empty_db(tmp_path_factory) -> Path:
    """A SQLite database with every migration applied and no reference data, to copy."""

    def migrate(folder: Path) -> None:
        manage(_environment(folder), "migrate", "--no-input")
        _checkpoint(folder / "kanal.sqlite3")

    return build_once(tmp_path_factory, "kanal-migrated", migrate) / "kanal.sqlite3"


@pytest.fixture(scope="session")
def migrated_site_db(tmp_path_factory, migrated_empty_db) -> Path:
    """A migrated SQLite database with the region's reference data, to copy (read-only)."""

    def load(folder: Path) -> None:
        shutil.copy(migrated_empty_db, folder / "kanal.sqlite3")
        manage(_environment(folder), "load_reference_data")
        _checkpoint(folder / "kanal.sqlite3")

    return build_once(tmp_path_factory, "kanal-template", load) / "kanal.sqlite3"
