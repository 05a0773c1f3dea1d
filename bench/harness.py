"""What every benchmark and fault test needs: a fresh database, gunicorn, a worker, load.

``Stack`` creates a PostgreSQL database with a unique name, migrates it, loads the
reference data, collects static files into a temporary folder, and starts/stops the
production processes (gunicorn, ``task_worker``, ``run_scheduler``) on a free loopback
port. Leaving the ``with`` block stops every process it started (by pid) and drops the
database. Nothing listens on anything but 127.0.0.1.

The load generator (``run_load``) is plain ``http.client`` in threads, one keep-alive
connection per simulated client, bounded by a request count and a time limit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG_ADMIN_URL = os.environ.get("KANAL_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("KANAL_BENCH_REDIS", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def wait_for_pg(timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(PG_ADMIN_URL, connect_timeout=2) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@dataclass
class Stack:
    """A throw-away Kanal installation on PostgreSQL and Redis (see module docstring)."""

    name: str = "bench"
    web_workers: int = 3
    web_threads: int = 4
    quiet: bool = True
    db_name: str = ""
    port: int = 0
    env: dict = field(default_factory=dict)
    procs: dict = field(default_factory=dict)
    tmp: Path | None = None
    # PostgreSQL settings for this database only (ALTER DATABASE ... SET), e.g. group commit.
    db_settings: dict = field(default_factory=dict)
    # Extra environment for every process of this stack (e.g. KANAL_REPORT_MIN_SECONDS=0).
    extra_env: dict = field(default_factory=dict)

    # --- lifecycle --------------------------------------------------------------------
    def __enter__(self) -> Stack:
        self.db_name = f"kanal_{self.name}_{int(time.time())}_{os.getpid()}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"kanal-{self.name}-"))
        self.env = (
            os.environ
            | {
                "DJANGO_SETTINGS_MODULE": "bench.kanal_settings",
                "PYTHONPATH": str(ROOT),
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.db_name}",
                "REDIS_URL": REDIS_URL,
                "KANAL_CACHE_PREFIX": self.db_name,
                "KANAL_DEBUG": "0",
                "KANAL_SECRET_KEY": "bench-" + "x" * 50,
                "KANAL_VAR_DIR": str(self.tmp),
                "KANAL_DB_CONN_MAX_AGE": "60",
                "KANAL_LOG_LEVEL": "WARNING",
            }
            | self.extra_env
        )
        pg_admin(f'CREATE DATABASE "{self.db_name}"')
        for name, value in self.db_settings.items():
            pg_admin(f'ALTER DATABASE "{self.db_name}" SET {name} = {int(value)}')
        try:
            self.manage("migrate", "--no-input", "-v0")
            self.manage("load_reference_data")
            self.manage("collectstatic", "--no-input", "-v0")
            self.manage("compile_translations", "-v0")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        sys.path.insert(0, str(ROOT))
        return self

    def __exit__(self, *exc) -> None:
        for name in list(self.procs):
            self.stop(name)
        with contextlib.suppress(Exception):
            wait_for_pg(30)
            pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def manage(self, *args: str, timeout: float = 600) -> str:
        out = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
        return out.stdout

    def django(self) -> None:
        """Set up Django in this process against the stack's database (for ORM work)."""
        os.environ.update({k: v for k, v in self.env.items() if k != "PYTHONPATH"})
        import django

        django.setup()

    # --- processes --------------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        # Own process group: stopping gunicorn's master must also stop its workers.
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc.log = log  # type: ignore[attr-defined]
        self.procs[name] = proc
        return proc

    def start_web(
        self,
        name: str = "web",
        port: int | None = None,
        app: str = "kanal.wsgi:application",
        prefix: tuple[str, ...] = (),
    ) -> str:
        self.port = port or self.port or free_port()
        self._spawn(
            name,
            [
                *prefix,
                GUNICORN,
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.web_workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(self.web_threads),
                "--backlog",
                "512",
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
            ],
        )
        try:
            self.wait_http("/healthz", timeout=60)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{self.log_tail(name)}") from None
        return self.url

    def start_serve(
        self, name: str = "serve", web_workers: int = 3, threads: int = 4, task_workers: int = 1
    ) -> str:
        """Kanal as deploy/kanal.service runs it: ``manage.py serve`` (its checks, then the
        supervisor with gunicorn ``--preload`` gthread, the task workers and the
        scheduler) on a free loopback port; returns the URL once /healthz answers."""
        self.port = self.port or free_port()
        self.env |= {"KANAL_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        self._spawn(
            name,
            [
                PYTHON, "manage.py", "serve",
                "--bind", f"127.0.0.1:{self.port}",
                "--web-workers", str(web_workers), "--threads", str(threads),
                "--task-workers", str(task_workers),
            ],
        )  # fmt: skip
        try:
            self.wait_http("/healthz", timeout=120)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{self.log_tail(name)}") from None
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_worker(
        self, name: str = "worker", interval: float = 0.1, prefix: tuple[str, ...] = ()
    ) -> subprocess.Popen:
        return self._spawn(
            name,
            [
                *prefix,
                PYTHON,
                "manage.py",
                "task_worker",
                "--interval",
                str(interval),
                "--no-reload",
                "--queue-name",
                "*",  # every named queue (intake, notices, periodic, default)
                "--worker-id",
                f"{name}-{time.time_ns()}",
            ],
        )

    def start_scheduler(
        self, name: str = "scheduler", prefix: tuple[str, ...] = ()
    ) -> subprocess.Popen:
        return self._spawn(name, [*prefix, PYTHON, "manage.py", "run_scheduler"])

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None or sig == signal.SIGKILL:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the group is ours: this process and its children
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        proc.log.close()

    def kill(self, name: str) -> None:
        """SIGKILL: no clean-up, as when the machine loses power or the OOM killer acts."""
        self.stop(name, signal.SIGKILL)

    def wait_http(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", path)
                if conn.getresponse().status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.url}{path} did not answer within {timeout}s")

    def log_tail(self, name: str, chars: int = 2000) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


# --- load ---------------------------------------------------------------------------------


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies: list[float]  # seconds, successful requests only
    ok: int
    failed: int
    statuses: dict

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct_ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


class Client:
    """One keep-alive HTTP/1.1 connection with cookies, reconnecting after an error."""

    def __init__(self, port: int):
        self.port = port
        self.conn: HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                for key, value in resp.getheaders():
                    if key.lower() == "set-cookie":
                        name, _, rest = value.partition("=")
                        self.cookies[name.strip()] = rest.split(";", 1)[0]
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, dict(resp.getheaders()), data
            except (OSError, ConnectionError) as exc:
                self.close()
                # A kept-alive connection the server closed: retry once on a new one.
                if attempt == 2 or not isinstance(exc, ConnectionResetError | BrokenPipeError):
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
        self.conn = None


def run_load(
    port: int,
    clients: int,
    make_request: Callable[[Client, int, int], bool],
    total: int,
    max_seconds: float,
    setup: Callable[[Client, int], None] | None = None,
) -> LoadResult:
    """Run ``total`` requests spread over ``clients`` threads, stopping at ``max_seconds``.

    ``make_request(client, client_no, seq)`` performs one request and returns whether
    it succeeded; its wall time is the latency. ``setup`` runs once per client first.
    """
    counter = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"ok": 0, "failed": 0}
    statuses: dict = {}
    stop_at = [0.0]

    def worker(no: int) -> None:
        client = Client(port)
        if setup:
            setup(client, no)
        barrier.wait()
        local: list[float] = []
        ok = failed = 0
        while time.monotonic() < stop_at[0]:
            with lock:
                seq = next(counter, None)
            if seq is None:
                break
            t0 = time.perf_counter()
            try:
                good = make_request(client, no, seq)
            except Exception as exc:  # counted, never hidden
                good = False
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
            if good:
                local.append(time.perf_counter() - t0)
                ok += 1
            else:
                failed += 1
        client.close()
        with lock:
            latencies.extend(local)
            outcome["ok"] += ok
            outcome["failed"] += failed

    barrier = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    # The end time is set before the barrier releases the clients (they read it at once).
    stop_at[0] = time.monotonic() + max_seconds + 0.05
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join(max_seconds + 60)
    elapsed = time.perf_counter() - start
    return LoadResult(clients, elapsed, latencies, outcome["ok"], outcome["failed"], statuses)


def table(rows: list[list], headers: list[str]) -> str:
    cells = [headers, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
