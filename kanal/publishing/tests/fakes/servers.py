"""Local HTTP servers that speak the providers' contracts (paths, parameters, JSON, errors).

Each runs a ThreadingHTTPServer on 127.0.0.1, port 0. ``drop_after`` names an
operation after which the server does the work but closes the connection without an
answer: the client then dies "between publish and record", as a killed worker would.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, dict]] = []
        self.drop_after: set[str] = set()
        self.fail: dict[str, tuple[int, dict]] = {}  # operation -> (status, body)
        handler = self._handler_class()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def handle(self, method: str, path: str, params: dict, headers) -> tuple[str, int, dict]:
        raise NotImplementedError

    def operation(self, method: str, path: str) -> str:
        """The operation name a request would be (for injected failures)."""
        return ""

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method):
                parsed = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if raw and "json" in (self.headers.get("Content-Type") or ""):
                    params.update(json.loads(raw))
                elif raw:
                    params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
                with server.lock:
                    server.requests.append((method, parsed.path, params))
                    op = server.operation(method, parsed.path)
                    if op in server.fail:  # refused before doing anything, as providers do
                        status, body = server.fail.pop(op)
                    else:
                        op, status, body = server.handle(method, parsed.path, params, self.headers)
                    drop = op in server.drop_after
                    server.drop_after.discard(op)
                if drop:
                    # The work is done; the answer never arrives.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


def graph_error(message: str, code: int, subcode: int | None = None, kind="OAuthException"):
    err = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf"}
    if subcode:
        err["error_subcode"] = subcode
    return {"error": err}


class FakeGraph(FakeServer):
    """Facebook Page feed and Instagram content publishing (Graph API v21.0 shapes)."""

    def __init__(self, page_id="1001", ig_user="1789", token="page-token", quota_total=50):  # noqa: S107
        super().__init__()
        self.page_id, self.ig_user, self.token = page_id, ig_user, token
        self.feed: list[dict] = []  # newest first, as the Graph API lists them
        self.containers: dict[str, dict] = {}
        self.media: list[dict] = []
        self.quota_usage, self.quota_total = 0, quota_total
        self.container_polls_before_finished = 0
        self._next = 5000

    def _id(self) -> str:
        self._next += 1
        return str(self._next)

    def operation(self, method, path):
        parts = [p for p in path.split("/") if p][1:]
        names = {
            ("POST", "feed"): "fb.post",
            ("GET", "feed"): "fb.list",
            ("POST", "media"): "ig.container",
            ("GET", "media"): "ig.list",
            ("POST", "media_publish"): "ig.publish",
            ("GET", "content_publishing_limit"): "ig.limit",
        }
        if len(parts) == 2:
            return names.get((method, parts[1]), "")
        return "ig.status" if len(parts) == 1 else ""

    def handle(self, method, path, params, headers):
        parts = [p for p in path.split("/") if p][1:]  # drop the version
        token = params.get("access_token") or (headers.get("Authorization") or "")[7:]
        if token != self.token:
            return "auth", 400, graph_error("Invalid OAuth access token.", 190)
        if parts == [self.page_id, "feed"] and method == "POST":
            if not params.get("message") and not params.get("link"):
                return "fb.post", 400, graph_error("(#100) Missing message or link", 100)
            post = {"id": f"{self.page_id}_{self._id()}", "message": params.get("message", "")}
            self.feed.insert(0, post)
            return "fb.post", 200, {"id": post["id"]}
        if parts == [self.page_id, "feed"] and method == "GET":
            limit = int(params.get("limit", 25))
            return "fb.list", 200, {"data": self.feed[:limit], "paging": {}}
        if parts == [self.ig_user, "content_publishing_limit"]:
            return (
                "ig.limit",
                200,
                {
                    "data": [
                        {
                            "quota_usage": self.quota_usage,
                            "config": {"quota_total": self.quota_total, "quota_duration": 86400},
                        }
                    ]
                },
            )
        if parts == [self.ig_user, "media"] and method == "POST":
            if not params.get("image_url"):
                return "ig.container", 400, graph_error("Invalid parameter", 100, 2207052)
            cid = self._id()
            self.containers[cid] = {
                "caption": params.get("caption", ""),
                "image_url": params["image_url"],
                "status_code": "IN_PROGRESS",
                "polls": 0,
            }
            return "ig.container", 200, {"id": cid}
        if parts == [self.ig_user, "media"] and method == "GET":
            return "ig.list", 200, {"data": [dict(m) for m in self.media]}
        if parts == [self.ig_user, "media_publish"] and method == "POST":
            c = self.containers.get(params.get("creation_id", ""))
            if c is None:
                return "ig.publish", 400, graph_error("Invalid parameter", 100, 2207006)
            if c["status_code"] != "FINISHED":
                return "ig.publish", 400, graph_error("Media is not ready", 9007, 2207027)
            if self.quota_usage >= self.quota_total:
                return "ig.publish", 400, graph_error("Limit reached", 9, 2207042)
            media = {"id": f"1790{self._id()}", "caption": c["caption"]}
            self.media.insert(0, media)
            c["status_code"] = "PUBLISHED"
            self.quota_usage += 1
            return "ig.publish", 200, {"id": media["id"]}
        if len(parts) == 1 and parts[0] in self.containers and method == "GET":
            c = self.containers[parts[0]]
            if c["status_code"] == "IN_PROGRESS":
                c["polls"] += 1
                if c["polls"] > self.container_polls_before_finished:
                    c["status_code"] = "FINISHED"
            return "ig.status", 200, {"status_code": c["status_code"], "id": parts[0]}
        return "unknown", 404, graph_error("Unsupported request", 100, 33)

    def published_posts(self) -> int:
        return len(self.feed)


class FakeTikTok(FakeServer):
    """TikTok Content Posting API v2 (creator info, photo init, status fetch)."""

    def __init__(self, token="tiktok-token", privacy_options=None):  # noqa: S107
        super().__init__()
        self.token = token
        self.privacy_options = privacy_options or ["SELF_ONLY"]
        self.posts: dict[str, dict] = {}
        self.polls_before_complete = 0
        self._next = 0

    @staticmethod
    def _ok(data):
        return {"data": data, "error": {"code": "ok", "message": "", "log_id": "20261128"}}

    @staticmethod
    def _err(code, message):
        return {"error": {"code": code, "message": message, "log_id": "20261128"}}

    def operation(self, method, path):
        return {
            "/v2/post/publish/creator_info/query/": "tt.creator",
            "/v2/post/publish/content/init/": "tt.init",
            "/v2/post/publish/status/fetch/": "tt.status",
        }.get(path, "")

    def handle(self, method, path, params, headers):
        if headers.get("Authorization") != f"Bearer {self.token}":
            return "auth", 401, self._err("access_token_invalid", "The access token is invalid.")
        if path == "/v2/post/publish/creator_info/query/":
            return (
                "tt.creator",
                200,
                self._ok(
                    {
                        "creator_username": "pemkotbandarlampung",
                        "privacy_level_options": self.privacy_options,
                        "comment_disabled": False,
                        "max_video_post_duration_sec": 600,
                    }
                ),
            )
        if path == "/v2/post/publish/content/init/":
            info = params.get("post_info") or {}
            if info.get("privacy_level") not in self.privacy_options:
                return (
                    "tt.init",
                    403,
                    self._err(
                        "unaudited_client_can_only_post_to_private_accounts",
                        "Unaudited clients can only post with SELF_ONLY.",
                    ),
                )
            if params.get("media_type") != "PHOTO" or not (params.get("source_info") or {}).get(
                "photo_images"
            ):
                return "tt.init", 400, self._err("invalid_params", "photo_images required")
            self._next += 1
            pid = f"p_pub_url~v2.{self._next}"
            self.posts[pid] = {"post_info": info, "polls": 0, "status": "PROCESSING_DOWNLOAD"}
            return "tt.init", 200, self._ok({"publish_id": pid})
        if path == "/v2/post/publish/status/fetch/":
            post = self.posts.get(params.get("publish_id", ""))
            if post is None:
                return "tt.status", 400, self._err("invalid_publish_id", "Unknown publish_id")
            post["polls"] += 1
            if post["polls"] > self.polls_before_complete:
                post["status"] = "PUBLISH_COMPLETE"
            data = {"status": post["status"], "fail_reason": "", "uploaded_bytes": 0}
            if (
                post["status"] == "PUBLISH_COMPLETE"
                and post["post_info"].get("privacy_level") != "SELF_ONLY"
            ):
                data["publicaly_available_post_id"] = [7300000000000000000 + self._next]
            return "tt.status", 200, self._ok(data)
        return "unknown", 404, self._err("not_found", "Unknown path")
