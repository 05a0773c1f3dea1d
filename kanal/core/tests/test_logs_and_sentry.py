"""Structured logs with the request id, and errors sent to Sentry when SENTRY_DSN is set."""

import gzip
import json
import logging
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.conf import settings

from kanal.core.logs import JsonFormatter, RequestIdFilter, request_id


def test_json_lines_carry_the_request_id_extra_fields_and_the_traceback():
    record = logging.makeLogRecord(
        {"name": "kanal.test", "levelno": logging.ERROR, "levelname": "ERROR", "msg": "%s failed"}
    )
    record.args = ("routing",)
    record.case = "BL-1234-5678"
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        record.exc_info = sys.exc_info()
    token = request_id.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "routing failed" and entry["level"] == "ERROR"
    assert entry["request_id"] == "abc123def456" and entry["case"] == "BL-1234-5678"
    assert "ZeroDivisionError" in entry["exc_info"]


def test_a_request_logs_with_its_id(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-0123456789")
    assert response.status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "req-0123456789"  # logged after the middleware returned
    assert request_id.get() == "-"  # and cleared when the request finished


class _Ingest(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


SCRIPT = r"""
import logging, django
django.setup()
import sentry_sdk
try:
    {}["missing"]
except KeyError:
    logging.getLogger("kanal.test").exception("the routing task failed")
sentry_sdk.flush(timeout=10)
"""


def test_errors_reach_sentry_when_the_dsn_is_set(tmp_path, port):
    server = HTTPServer(("127.0.0.1", port), _Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Ingest.received = []
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kanal.settings",
            "KANAL_VAR_DIR": str(tmp_path),
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
            "KANAL_SENTRY_ENVIRONMENT": "ci",
        }
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
    finally:
        server.shutdown()
    sent = b"\n".join(_Ingest.received).decode()
    assert "KeyError" in sent and "the routing task failed" in sent
    assert '"environment":"ci"' in sent.replace(" ", "")


def test_without_a_dsn_nothing_is_initialised():
    import sentry_sdk

    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().is_active()
