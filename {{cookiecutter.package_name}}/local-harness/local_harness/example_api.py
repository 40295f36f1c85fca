"""The example API: a small HTTP JSON API on loopback that stands for the user's system.

It serves a records file: a JSON object mapping a path to the list of records at that
path (``{"databases": [...], "databases/analytics/schemas": [...]}``), in pages::

    GET /<path>?page=1&per_page=50     Authorization: Bearer <token>
    200 {"items": [...], "page": 1, "per_page": 50, "total": 120}
    GET /                              the API's root: {"collections": 7}, a cheap
                                       authenticated call for a connection check

Like a real API it refuses a missing or wrong credential (401), answers 400 for a bad
page number, and 404 for a collection it does not know. A collection it knows the kind
of (its path starts and ends as one of the file's) but holds no records of answers an
empty page, as an API answers a schema without stored procedures.

The credential is checked as ``auth`` says: ``bearer`` (``Authorization: Bearer
<token>``), ``basic`` (user ``username``, password ``token``) or ``api_key`` (the token
in the ``api_key_header`` header).

Tests make it misbehave on purpose: ``failures`` maps ``"<path>?page=<n>"`` to what that
page always answers (an HTTP status, ``MALFORMED_JSON`` or ``NOT_A_PAGE``); ``throttle``
maps a path to how many times it answers 429 with ``Retry-After`` before it serves,
``unavailable`` to how many times it answers 503; ``delays`` maps ``"<path>?page=<n>"``,
or a path (``""``: the root), to the seconds it takes to answer. ``requests`` lists every path asked, in order.

    with ExampleApi.from_file(records, token="t") as api:   # api.url: the base_url
        ...

From a shell (for ``metadata ingest`` against it, or a benchmark in another process)::

    python -m local_harness.example_api records.json --port 8000 --token t
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
AUTH_STYLES = ("bearer", "basic", "api_key")
MALFORMED_JSON = "malformed-json"
"""A page that answers 200 with a body cut in the middle of its JSON."""
NOT_A_PAGE = "not-a-page"
"""A page that answers 200 with JSON that is not a page (a list instead of an object)."""

Answer = tuple[int, Any, dict[str, str]]


class _Handler(BaseHTTPRequestHandler):
    server: _ExampleServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, each answer on a kept-
    # alive connection would wait for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read the output
        return

    def do_GET(self) -> None:
        sent = {name.lower(): value for name, value in self.headers.items()}
        status, body, headers = self.server.api.answer(self.path, sent)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
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

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on a slow page closed the socket: nothing to report."""


def _shape(path: str) -> tuple[str, ...]:
    """The kind of a collection: its first and last segments, without the names of the
    records it hangs under, which may hold slashes themselves
    (``databases/analytics/schemas`` -> ``("databases", "schemas")``)."""
    parts = path.split("/")
    return (parts[0], parts[-1]) if len(parts) > 1 else (parts[0],)


class ExampleApi:
    """Serve ``records`` (path -> list of records) over HTTP, with a credential ``token``."""

    def __init__(
        self,
        records: Mapping[str, list[Any]],
        token: str,
        port: int = 0,
        auth: str = "bearer",
        username: str = "example",
        api_key_header: str = "X-API-Key",
        failures: Mapping[str, int | str] | None = None,
        throttle: Mapping[str, int] | None = None,
        unavailable: Mapping[str, int] | None = None,
        delays: Mapping[str, float] | None = None,
        retry_after_s: int = 0,
    ) -> None:
        if auth not in AUTH_STYLES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_STYLES)}, not {auth!r}")
        self.records = {path.strip("/"): list(items) for path, items in records.items()}
        self.shapes = {_shape(path) for path in self.records}
        self.token = token
        self.requested_port = port
        self.auth = auth
        self.username = username
        self.api_key_header = api_key_header
        self.failures = dict(failures or {})
        self.throttle = Counter(throttle or {})
        self.unavailable = Counter(unavailable or {})
        self.delays = dict(delays or {})
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

    def authorized(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the credential, as ``auth`` says it is sent
        (``headers``: names in lower case)."""
        if self.auth == "api_key":
            return headers.get(self.api_key_header.lower()) == self.token
        given = headers.get("authorization") or ""
        if self.auth == "bearer":
            return given == f"Bearer {self.token}"
        scheme, _, encoded = given.partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        expected = f"{self.username}:{self.token}"
        return scheme.lower() == "basic" and decoded == expected

    def answer(self, raw_path: str, headers: Mapping[str, str]) -> Answer:
        """(status, JSON body or raw bytes, extra headers) for one GET (``headers``: names
        in lower case)."""
        url = urlsplit(raw_path)
        path = unquote(url.path).strip("/")
        with self._lock:
            self.requests.append(raw_path)
        if not self.authorized(headers):
            refused = {"error": f"missing or invalid {self.auth} credential"}
            return HTTPStatus.UNAUTHORIZED, refused, {}
        if not path:
            self._wait(path)
            return HTTPStatus.OK, {"collections": len(self.records)}, {}
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
        transient = self._transient(path)
        if transient is not None:
            return transient
        page_key = f"{path}?page={page}"
        self._wait(page_key, path)
        failure = self.failures.get(page_key)
        if failure == MALFORMED_JSON:
            return HTTPStatus.OK, b'{"items": [{"name": "cut', {}
        if failure == NOT_A_PAGE:
            return HTTPStatus.OK, [{"name": "a list, not a page"}], {}
        if failure is not None:
            return int(failure), {"error": f"page {page} of {path} failed on purpose"}, {}
        return self._page(path, page, per_page)

    def _wait(self, *keys: str) -> None:
        """Take the delay of the first of ``keys`` that has one (a slow answer)."""
        delay = next((self.delays[key] for key in keys if key in self.delays), 0)
        if delay:
            time.sleep(delay)

    def _transient(self, path: str) -> Answer | None:
        """A 429 or 503 while the path's budget of them lasts (then it serves)."""
        retry = {"Retry-After": str(self.retry_after_s)}  # whole seconds, as HTTP says
        with self._lock:
            if self.throttle[path] > 0:
                self.throttle[path] -= 1
                return HTTPStatus.TOO_MANY_REQUESTS, {"error": "slow down"}, retry
            if self.unavailable[path] > 0:
                self.unavailable[path] -= 1
                return HTTPStatus.SERVICE_UNAVAILABLE, {"error": "try again later"}, retry
        return None

    def _page(self, path: str, page: int, per_page: int) -> Answer:
        if path in self.records:
            items = self.records[path]
        elif _shape(path) in self.shapes:
            items = []
        else:
            return HTTPStatus.NOT_FOUND, {"error": f"no such collection: {path}"}, {}
        start = (page - 1) * per_page
        body = {
            "items": items[start : start + per_page],
            "page": page,
            "per_page": per_page,
            "total": len(items),
        }
        return HTTPStatus.OK, body, {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_harness.example_api", description="Serve a records file."
    )
    parser.add_argument("records", type=Path, help="JSON object: path -> list of records")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token", required=True, help="the credential it accepts")
    parser.add_argument("--auth", choices=AUTH_STYLES, default="bearer")
    args = parser.parse_args(argv)
    with ExampleApi.from_file(args.records, args.token, port=args.port, auth=args.auth) as api:
        print(f"Example API serving {args.records} at {api.url} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends it
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
