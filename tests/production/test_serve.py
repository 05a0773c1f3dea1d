"""Kanal as a city runs it: `manage.py serve` against PostgreSQL and Redis, end to end.

Started the way deploy/kanal.service starts it (the same command, settings only from
the environment, KANAL_DEBUG=0), this test waits for /readyz, files a report through
the public form with a real HTTP client (GET the form, keep the CSRF cookie, POST),
sees the worker route the case on the intake queue, reads the queue on /metrics, and
stops Kanal with SIGTERM as systemd does: every process must be gone.

Needs PostgreSQL (KANAL_E2E_PG, default postgres://postgres@127.0.0.1:5432) and
redis-server on the PATH; run by .ci/run (`pytest -m production tests/production`).
The request carries X-Forwarded-Proto: https as nginx would (KANAL_PROXY_SSL_HEADER),
so the production cookie and HTTPS settings stay on.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from kanal.core.tests.mailservers import free_port

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parents[2]
# Free ports (within KANAL_TEST_PORT_RANGE when set): CI and helpers on one machine differ.
PORT = free_port()
REDIS_PORT = free_port()
PG = os.environ.get("KANAL_E2E_PG", "postgres://postgres@127.0.0.1:5432")
BASE = f"http://127.0.0.1:{PORT}"
PROXY = {"X-Forwarded-Proto": "https"}  # what nginx adds in front of Kanal


@pytest.fixture
def database():
    name = f"kanal_e2e_{int(time.time())}_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG}/{name}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis(tmp_path):
    server = shutil.which("redis-server")
    if not server:
        pytest.fail("redis-server is not installed (apt-get install redis-server)")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True
            ).stdout.strip()
            != "PONG"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.2)
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _environment(tmp_path, database_url, redis_url) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KANAL_")}
    env.update(
        KANAL_DEBUG="0",
        KANAL_SECRET_KEY=secrets.token_urlsafe(50),
        KANAL_ALLOWED_HOSTS="127.0.0.1",
        KANAL_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{PORT}",
        KANAL_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        KANAL_VAR_DIR=str(tmp_path / "var"),
        KANAL_BIND=f"127.0.0.1:{PORT}",
        KANAL_WEB_WORKERS="2",
        KANAL_WEB_THREADS="2",
        KANAL_TASK_WORKERS="2",
        KANAL_METRICS_TOKEN="e2e-metrics-token",
        KANAL_LOG_FORMAT="json",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
    )
    return env


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _cookies(response: httpx.Response, jar: dict[str, str]) -> dict[str, str]:
    """Keep the cookies the response sets. They are Secure (__Host-), which a client over
    plain HTTP would not send back; here the TLS hop is nginx's, so keep them by hand."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def _cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _first_option(html: str, select_name: str) -> str:
    block = re.search(rf'<select name="{select_name}".*?</select>', html, re.S).group(0)
    return next(v for v in re.findall(r'<option value="([^"]*)"', block) if v)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited: only its parent has not read the status yet.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_serve_runs_kanal_end_to_end_and_stops_cleanly(tmp_path, database, redis):
    env = _environment(tmp_path, database, redis)
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "load_reference_data", "-v0")
    _manage(env, "load_routing_data", "-v0")
    # The operators switch auto-apply on (as the admin does), so that a new case is
    # offered to the router on the worker (without a switch no routing task is queued).
    _manage(
        env,
        "shell",
        "-c",
        "from kanal.directory.models import Category\n"
        "from kanal.routing.actions import save_auto_apply_setting\n"
        "from kanal.routing.models import AutoApplySetting\n"
        "for c in Category.objects.all():\n"
        "    s = AutoApplySetting(category=c, enabled=True)\n"
        "    save_auto_apply_setting(actor=None, setting=s)",
    )

    log = (tmp_path / "serve.log").open("w")
    # Exactly what deploy/kanal.service runs (WorkingDirectory=/srv/kanal).
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        with httpx.Client(base_url=BASE, headers=PROXY, timeout=20) as http:
            deadline = time.monotonic() + 180
            while True:
                assert serve.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
                try:
                    ready = http.get("/readyz")
                    if ready.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "no /readyz within 180 s"
                time.sleep(0.5)
            assert (
                ready.json()["checks"]["database"]["ok"] and ready.json()["checks"]["cache"]["ok"]
            )
            assert http.get("/healthz").text == "ok\n"

            # The citizen: the form, its CSRF cookie, the report.
            form = http.get("/lapor/")
            assert form.status_code == 200, form.status_code
            assert "max-age=31536000" in form.headers["Strict-Transport-Security"]
            jar = _cookies(form, {})
            assert "__Host-csrftoken" in jar
            html = form.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            posted = http.post(
                "/lapor/",
                data={
                    "csrfmiddlewaretoken": token,
                    "kind": "pengaduan",
                    "title": "Lampu jalan mati",
                    "description": "Lampu jalan mati di depan rumah sejak seminggu, gelap sekali.",
                    "category": _first_option(html, "category"),
                    "kelurahan": _first_option(html, "kelurahan"),
                    "contact_preference": "none",
                    "website": "",
                },
                headers={
                    "Cookie": _cookie_header(jar),
                    "Origin": f"https://127.0.0.1:{PORT}",
                    "Referer": f"https://127.0.0.1:{PORT}/lapor/",
                },
            )
            assert posted.status_code == 302, posted.text[:2000]
            number = re.search(r"/lapor/terkirim/([^/]+)/", posted.headers["Location"]).group(1)
            assert number.startswith("BL-")

            # The worker routes it on the intake queue.
            with psycopg.connect(database) as db:
                case_id = db.execute(
                    "SELECT id FROM complaints_complaint WHERE tracking_number = %s", [number]
                ).fetchone()[0]
                deadline = time.monotonic() + 60
                while True:
                    row = db.execute(
                        "SELECT status, queue_name, worker_ids FROM "
                        "django_tasks_database_dbtaskresult WHERE task_path = %s "
                        "AND args_kwargs->'args' = %s::jsonb",
                        ["kanal.complaints.tasks.route_new_case", f"[{case_id}]"],
                    ).fetchone()
                    if row and row[0] in ("SUCCESSFUL", "FAILED"):
                        break
                    assert time.monotonic() < deadline, f"not routed in 60 s: {row}"
                    time.sleep(0.5)
                    db.commit()
            status, queue, workers = row
            assert (status, queue) == ("SUCCESSFUL", "intake")
            assert workers and workers[0].endswith(("-1", "-2"))  # one of serve's workers

            tracking = http.get(f"/lacak/{number}/")
            assert tracking.status_code == 200 and number in tracking.text

            metrics = http.get("/metrics", headers={"Authorization": "Bearer e2e-metrics-token"})
            assert metrics.status_code == 200
            assert 'kanal_tasks{queue="intake",status="FAILED"} 0.0' in metrics.text
            assert http.get("/metrics").status_code == 404

        children = _children(serve.pid)
        assert len(children) == 4  # gunicorn, two task workers, the scheduler
    finally:
        serve.send_signal(signal.SIGTERM)  # systemctl stop
        try:
            code = serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            raise
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert code == 0, output[-3000:]
    assert "Kanal stopped." in output
    assert not [pid for pid in children if _alive(pid)]
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{BASE}/healthz", timeout=2)
    # JSON logs with the request id of each request (KANAL_LOG_FORMAT=json).
    assert re.search(r'\{"time": "[^"]+", "level": "[A-Z]+", "logger": ', output)
