"""A stand-in for the OpenMetadata server: a real HTTP server on loopback.

It answers the REST calls an ingestion run makes, so OpenMetadata's own client, sink
and workflow run unchanged: only the network peer is replaced. It starts with what a
fresh server has (``seeds``), keeps what it is sent in memory (``store``), and refuses
what a real server refuses (``auth``, ``payloads``, ``rules``...), with the server's
status and message. It plays the release ``server_version`` (``release``).

In tests and scripts::

    with StandIn() as server:          # a free port; server.api_url for hostPort
        ...
        server.store.entities()        # what was sent; server.store.deletions()

For ``metadata ingest -c <config>`` or an Airflow DAG, serve it in the foreground::

    python -m local_harness serve --port 8585   # hostPort: http://localhost:8585/api
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from local_harness.api import Answer, Api, Request
from local_harness.auth import INGESTION_BOT, is_excluded, principal_name, token_claims
from local_harness.errors import ApiError, bad_request, unhandled
from local_harness.payloads import mapping_error
from local_harness.reads import query_params
from local_harness.seeds import seed, seed_existing
from local_harness.settings import target_release
from local_harness.store import Store


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, each answer on a kept-
    # alive connection would wait for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            answer = self._dispatch(url.path, url.query, raw)
        except ApiError as err:
            answer = Answer(err.status, err.body)
        except Exception as err:  # a stand-in bug must not hang the client: answer like the server
            answer = Answer(HTTPStatus.INTERNAL_SERVER_ERROR, unhandled(repr(err)).body)
        data = b"" if answer.body is None else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self, path: str, query: str, raw: bytes) -> Answer:
        api = self.server.api
        principal = INGESTION_BOT
        if self.server.check_auth and not is_excluded(path):
            claims = token_claims(self.headers.get("Authorization"), api.release)
            principal = api.principal(principal_name(claims))
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError as err:
            if api.release.modern:
                raise bad_request("Invalid request format") from None
            raise mapping_error(api.release, f"Unexpected character: {err}") from None
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = Request(self.command, path, query_params(query), body, headers, principal)
        return api.answer(request)


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, api: Api, verbose: bool, check_auth: bool) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self.verbose = verbose
        self.check_auth = check_auth


class StandIn:
    """The stand-in in a background thread: ``with StandIn() as server: ...``.

    ``server_version`` is what ``/system/version`` answers and the release whose rules
    the stand-in follows: by default the release the project targets
    (``[tool.local-harness] openmetadata-version`` of its pyproject.toml), so that a
    client of another release fails here as a real server would make it fail.
    ``check_auth``: refuse requests without a well-formed bearer JWT, as the server does.
    ``existing``: a JSON file of what the server already holds besides a fresh server's
    seeds (``[tool.local-harness] existing-entities``, see ``seeds.seed_existing``).
    """

    def __init__(
        self,
        port: int = 0,
        server_version: str | None = None,
        verbose: bool = False,
        check_auth: bool = True,
        existing: Path | None = None,
    ) -> None:
        self.server_version = server_version or target_release()
        self.store = Store(self.server_version)
        self._server = StandInServer(port, Api(self.store), verbose, check_auth)
        self.store.base_url = self.api_url
        seed(self.store)
        if existing is not None:
            try:
                seed_existing(self.store, existing)
            except ValueError:
                self._server.server_close()  # never started: only its socket to release
                raise
        # A short poll interval: shutdown() waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def api_url(self) -> str:
        """The ``hostPort`` to put in a workflow config."""
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
