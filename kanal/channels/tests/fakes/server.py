"""Local HTTP servers implementing the providers' contracts, for the adapters' tests.

One threading server on 127.0.0.1 (port 0) answers like the Graph API (WhatsApp
messages and media, Messenger/Instagram Send API, comment replies), the Telegram Bot
API, TikTok's Business API and Kanal's SMS gateway contract: it checks auth headers
and request shapes, answers with the providers' bodies and error bodies, and records
every request. ``fail_next`` queues error responses (rate limits, refusals).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

WHATSAPP_TOKEN = "wa-test-token"
PAGE_TOKEN = "page-test-token"
TELEGRAM_TOKEN = "123456:telegram-test-token"
TIKTOK_TOKEN = "tiktok-test-token"
SMS_TOKEN = "sms-test-token"
LAPOR_TOKEN = "lapor-test-token"
PHONE_NUMBER_ID = "106540352242922"


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeProviders:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    fail_next: list[tuple[int, dict]] = field(default_factory=list)
    lapor_reports: list[dict] = field(default_factory=list)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def sent(self, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if path_part in r.path and r.method == "POST"]


def graph_error(code: int, message: str, subcode: int | None = None) -> dict:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


def make_handler(state: FakeProviders):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _reply(self, status: int, body, content_type="application/json"):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Recorded:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            record = Recorded(self.command, self.path, dict(self.headers), body)
            state.requests.append(record)
            return record

        def do_GET(self):
            record = self._record()
            self._route(record)

        def do_POST(self):
            record = self._record()
            if state.fail_next:
                status, body = state.fail_next.pop(0)
                return self._reply(status, body)
            self._route(record)

        # --- routing -------------------------------------------------------------------
        def _route(self, r: Recorded):
            path = r.path.split("?")[0]
            auth = r.headers.get("Authorization", "")
            if path.startswith("/graph/"):
                return self._graph(r, path[len("/graph/") :], auth)
            if path.startswith("/cdn/"):
                return self._reply(200, jpeg_bytes(), "image/jpeg")
            if path.startswith("/telegram/"):
                return self._telegram(r, path[len("/telegram/") :])
            if path.startswith("/tiktok/"):
                return self._tiktok(r, path[len("/tiktok/") :])
            if path == "/sms/messages":
                return self._sms(r, auth)
            if path.startswith("/lapor/"):
                return self._lapor(r, path[len("/lapor/") :], auth)
            return self._reply(404, {"error": "no such endpoint"})

        def _graph(self, r: Recorded, rest: str, auth: str):
            if auth not in (f"Bearer {WHATSAPP_TOKEN}", f"Bearer {PAGE_TOKEN}"):
                return self._reply(401, graph_error(190, "Invalid OAuth access token."))
            parts = rest.strip("/").split("/")
            if r.method == "GET" and parts[0] == "media-file":
                return self._reply(200, jpeg_bytes(), "image/jpeg")
            if r.method == "GET" and parts[0] == PHONE_NUMBER_ID:  # the business number
                return self._reply(
                    200,
                    {
                        "verified_name": "Pemkot Bandar Lampung",
                        "display_phone_number": "+62 811-7200-000",
                        "id": PHONE_NUMBER_ID,
                    },
                )
            if r.method == "GET" and parts[0].startswith("unknown"):
                return self._reply(
                    400,
                    graph_error(
                        100,
                        f"Unsupported get request. Object with ID '{parts[0]}' does not exist",
                        33,
                    ),
                )
            if r.method == "GET" and len(parts) == 1:  # media id lookup
                return self._reply(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "url": f"{state.url}/graph/media-file/{parts[0]}",
                        "mime_type": "image/jpeg",
                        "sha256": "abc",
                        "file_size": 100,
                        "id": parts[0],
                    },
                )
            body = r.json()
            if parts[-1] == "messages" and body.get("messaging_product") == "whatsapp":
                if not body.get("to", "").startswith("+") or body.get("type") not in (
                    "text",
                    "template",
                ):
                    return self._reply(400, graph_error(100, "Invalid parameter"))
                if body["type"] == "text" and not body.get("text", {}).get("body"):
                    return self._reply(400, graph_error(100, "Param text['body'] is required"))
                wamid = f"wamid.FAKE{next(state.counter)}"
                return self._reply(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "contacts": [{"input": body["to"], "wa_id": body["to"].lstrip("+")}],
                        "messages": [{"id": wamid, "message_status": "accepted"}],
                    },
                )
            if parts[-1] == "messages":  # Messenger / Instagram Send API
                if "id" not in body.get("recipient", {}) or not body.get("message", {}).get("text"):
                    return self._reply(400, graph_error(100, "Invalid parameter"))
                if body.get("messaging_type") not in ("RESPONSE", "MESSAGE_TAG", "UPDATE"):
                    return self._reply(400, graph_error(100, "Invalid messaging_type"))
                return self._reply(
                    200,
                    {
                        "recipient_id": body["recipient"]["id"],
                        "message_id": f"m_FAKE{next(state.counter)}",
                    },
                )
            if parts[-1] in ("comments", "replies"):
                if not body.get("message"):
                    return self._reply(400, graph_error(100, "Missing message"))
                return self._reply(200, {"id": f"{parts[0]}_reply{next(state.counter)}"})
            return self._reply(400, graph_error(100, "Unsupported post request."))

        def _telegram(self, r: Recorded, rest: str):
            match = re.match(r"(file/)?bot([^/]+)/(.+)", rest)
            if not match or match.group(2) != TELEGRAM_TOKEN:
                return self._reply(
                    401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            if match.group(1):
                return self._reply(200, jpeg_bytes(), "image/jpeg")
            method, body = match.group(3), r.json() if r.body else {}
            if method == "sendMessage":
                if not body.get("chat_id") or not body.get("text"):
                    return self._reply(
                        400,
                        {
                            "ok": False,
                            "error_code": 400,
                            "description": "Bad Request: message text is empty",
                        },
                    )
                return self._reply(
                    200,
                    {
                        "ok": True,
                        "result": {
                            "message_id": next(state.counter),
                            "date": 1700000000,
                            "chat": {"id": int(body["chat_id"]), "type": "private"},
                            "text": body["text"],
                        },
                    },
                )
            if method == "getMe":
                return self._reply(
                    200,
                    {
                        "ok": True,
                        "result": {"id": 123456, "is_bot": True, "username": "kanal_test_bot"},
                    },
                )
            if method == "getFile":
                return self._reply(
                    200,
                    {
                        "ok": True,
                        "result": {
                            "file_id": body["file_id"],
                            "file_path": f"photos/{body['file_id']}.jpg",
                        },
                    },
                )
            return self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

        def _tiktok(self, r: Recorded, rest: str):
            if r.headers.get("Access-Token") != TIKTOK_TOKEN:
                return self._reply(
                    200,
                    {
                        "code": 40105,
                        "message": "Access token is invalid",
                        "request_id": "x",
                        "data": {},
                    },
                )
            body = r.json()
            if rest.strip("/") == "business/message/send":
                if (
                    body.get("recipient_type") != "CONVERSATION"
                    or body.get("message_type") != "TEXT"
                ):
                    return self._reply(
                        200, {"code": 40002, "message": "Invalid params", "data": {}}
                    )
                return self._reply(
                    200,
                    {
                        "code": 0,
                        "message": "OK",
                        "request_id": "x",
                        "data": {"message": {"message_id": f"tt-out-{next(state.counter)}"}},
                    },
                )
            return self._reply(404, {"code": 40400, "message": "Not found", "data": {}})

        def _sms(self, r: Recorded, auth: str):
            if auth != f"Bearer {SMS_TOKEN}":
                return self._reply(401, {"error": "bad token"})
            body = r.json()
            if not body.get("to", "").startswith("+") or not body.get("text"):
                return self._reply(422, {"error": "to and text are required"})
            return self._reply(200, {"id": f"sms-{next(state.counter)}"})

        def _lapor(self, r: Recorded, rest: str, auth: str):
            if auth != f"Bearer {LAPOR_TOKEN}":
                return self._reply(401, {"message": "Unauthenticated."})
            if r.method == "GET" and rest == "reports":
                return self._reply(200, {"data": state.lapor_reports})
            match = re.fullmatch(r"reports/([^/]+)/follow-ups", rest)
            if r.method == "POST" and match:
                if not r.json().get("text"):
                    return self._reply(422, {"message": "text is required"})
                return self._reply(201, {"id": f"fu-{next(state.counter)}"})
            return self._reply(404, {"message": "Not found"})

    return Handler


class FakeProviderServer:
    """Start with ``with FakeProviderServer() as fake:``; ``fake.url`` is its base URL."""

    def __init__(self, port: int = 0):
        self.state = FakeProviders()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(self.state))
        self.state.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeProviders:
        self.thread.start()
        return self.state

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
