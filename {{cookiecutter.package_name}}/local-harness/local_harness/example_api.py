"""The example API: a small HTTP JSON API on loopback that stands for the user's system.

It serves a records file: a JSON object mapping a path to the list of records at that
path (``{"databases": [...], "databases/analytics/schemas": [...]}``), in pages::

    GET /<path>?page=1&per_page=50     Authorization: Bearer <token>
    200 {"items": [...], "page": 1, "per_page": 50, "total": 120}

Like a real API it refuses a missing or wrong token (401), answers 404 for an unknown
path, and 400 for a bad page number. Tests can make it fail on purpose: ``failures``
maps ``"<path>?page=<n>"`` to the status that page answers (always), and ``throttle``
maps a path to how many times it answers 429 with ``Retry-After`` before it serves.

    with ExampleApi.from_file(records, token="t") as api:   # api.url: the base_url
        ...
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500


class _Handler(BaseHTTPRequestHandler):
    server: _ExampleServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the output
        return

    def do_GET(self) -> None:
        status, body, headers = self.server.api.answer(self.path, self.headers.get("Authorization"))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _ExampleServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: ExampleApi) -> None:
        super().__init__(("127.0.0.1", api.requested_port), _Handler)
        self.api = api


class ExampleApi:
    """Serve ``records`` (path -> list of records) over HTTP with a bearer ``token``."""

    def __init__(
        self,
        records: Mapping[str, list[Any]],
        token: str,
        port: int = 0,
        failures: Mapping[str, int] | None = None,
        throttle: Mapping[str, int] | None = None,
        retry_after_s: float = 0,
    ) -> None:
        self.records = {path.strip("/"): list(items) for path, items in records.items()}
        self.token = token
        self.requested_port = port
        self.failures = dict(failures or {})
        self.throttle = Counter(throttle or {})
        self.retry_after_s = retry_after_s
        self.requests: list[str] = []  # every path asked, in order: what tests check
        self._lock = threading.Lock()
        self._server: _ExampleServer | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def from_file(cls, path: Path, token: str, **options: Any) -> ExampleApi:
        records = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(records, dict):
            raise ValueError(f"{path}: expected a JSON object mapping paths to lists of records")
        return cls(records, token, **options)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the example API is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> ExampleApi:
        self._server = _ExampleServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()

    def answer(self, raw_path: str, authorization: str | None) -> tuple[int, Any, dict[str, str]]:
        """(status, JSON body, extra headers) for one GET."""
        url = urlsplit(raw_path)
        path = unquote(url.path).strip("/")
        with self._lock:
            self.requests.append(raw_path)
        if authorization != f"Bearer {self.token}":
            return HTTPStatus.UNAUTHORIZED, {"error": "missing or invalid bearer token"}, {}
        query = parse_qs(url.query)
        try:
            page = int(query.get("page", ["1"])[0])
            per_page = int(query.get("per_page", [str(DEFAULT_PER_PAGE)])[0])
        except ValueError:
            return HTTPStatus.BAD_REQUEST, {"error": "page and per_page are whole numbers"}, {}
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            return (
                HTTPStatus.BAD_REQUEST,
                {"error": f"page starts at 1; per_page is between 1 and {MAX_PER_PAGE}"},
                {},
            )
        with self._lock:
            if self.throttle[path] > 0:
                self.throttle[path] -= 1
                retry = {"Retry-After": f"{self.retry_after_s:g}"}
                return HTTPStatus.TOO_MANY_REQUESTS, {"error": "slow down"}, retry
        failure = self.failures.get(f"{path}?page={page}")
        if failure is not None:
            return failure, {"error": f"page {page} of {path} failed on purpose"}, {}
        if path not in self.records:
            return HTTPStatus.NOT_FOUND, {"error": f"no such collection: {path}"}, {}
        items = self.records[path]
        start = (page - 1) * per_page
        body = {
            "items": items[start : start + per_page],
            "page": page,
            "per_page": per_page,
            "total": len(items),
        }
        return HTTPStatus.OK, body, {}
