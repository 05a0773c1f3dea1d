"""Fault tests: real processes (gunicorn, the task worker, PostgreSQL) killed and restarted.

They start their own stack through ``bench/harness.py`` (a fresh PostgreSQL database,
gunicorn on a free loopback port, workers) and read the results straight from that
database with psycopg, so they do not depend on pytest-django's test database.
Each test appends its totals to the file named by ``KANAL_FAULTS_REPORT`` (if set),
which ``tests/faults/run.py`` prints as a table.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.harness import Stack  # noqa: E402


@dataclass
class Totals:
    """What happened to the work the clients sent (lost must be 0)."""

    scenario: str
    submitted: int = 0
    acknowledged: int = 0
    stored: int = 0
    duplicates: int = 0
    lost: int = 0
    notes: dict = field(default_factory=dict)

    def report(self) -> None:
        line = json.dumps(asdict(self))
        print(f"\nTOTALS {line}")
        if path := os.environ.get("KANAL_FAULTS_REPORT"):
            with open(path, "a") as out:
                out.write(line + "\n")


def query(stack: Stack, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(stack.env["DATABASE_URL"], autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def scalar(stack: Stack, sql: str, params=()):
    return query(stack, sql, params)[0][0]


@pytest.fixture
def stack():
    with Stack(name="faults", web_workers=2, web_threads=4) as s:
        yield s
