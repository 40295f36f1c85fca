"""A stand-in for the OpenMetadata server: a real HTTP server on loopback.

It answers the REST calls an ingestion run makes, so OpenMetadata's own client, sink
and workflow run unchanged: only the network peer is replaced. It keeps what it is
sent in memory and refuses what a real server refuses (see ``rules``), with the
server's status and message.

In tests and scripts::

    with StandIn() as server:          # a free port; server.api_url for hostPort
        ...

For ``metadata ingest -c <config>`` or an Airflow DAG, serve it in the foreground::

    python -m local_harness serve --port 8585   # hostPort: http://localhost:8585/api
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from local_harness.api import Api
from local_harness.auth import PUBLIC_PATHS, check_authorization
from local_harness.rules import ApiError
from local_harness.settings import target_release
from local_harness.store import Store


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer
    protocol_version = "HTTP/1.1"

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
        body = self.rfile.read(length) if length else b""
        try:
            if self.server.check_auth and url.path not in PUBLIC_PATHS:
                check_authorization(self.headers.get("Authorization"))
            payload = json.loads(body) if body else None
            status, answer = self.server.api.answer(self.command, url.path, url.query, payload)
        except ApiError as err:
            status, answer = err.status, {"code": err.status.value, "message": err.message}
        except json.JSONDecodeError as err:
            status = HTTPStatus.BAD_REQUEST
            answer = {"code": 400, "message": f"Invalid JSON: {err}"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, api: Api, verbose: bool, check_auth: bool) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self.verbose = verbose
        self.check_auth = check_auth


class StandIn:
    """The stand-in in a background thread: ``with StandIn() as server: ...``.

    ``server_version`` is what ``/system/version`` answers: by default the release the
    project targets (``[tool.local-harness] openmetadata-version`` of its pyproject.toml),
    so that a client of another release fails here as a real server would make it fail.
    ``check_auth``: refuse requests without a well-formed bearer JWT, as the server does.
    """

    def __init__(
        self,
        port: int = 0,
        server_version: str | None = None,
        verbose: bool = False,
        check_auth: bool = True,
    ) -> None:
        self.store = Store()
        self.server_version = server_version or target_release()
        api = Api(self.store, self.server_version)
        self._server = StandInServer(port, api, verbose, check_auth)
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
