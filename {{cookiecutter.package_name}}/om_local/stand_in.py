"""A stand-in for the OpenMetadata server, for local runs and tests without a server.

It is a real HTTP server on loopback that answers the REST calls an ingestion run
makes, so OpenMetadata's own client, sink and workflow run unchanged: only the
network peer is replaced. It keeps what it is sent in memory, and refuses what a
real server refuses on these requests but the models do not (a parent that does
not exist, a VARCHAR column without ``dataLength``, ...), with the server's status
and message, so that a run fails here exactly where it would fail for real.

Serve it in the foreground for ``metadata ingest -c <config>`` or an Airflow DAG::

    python -m om_local.stand_in --port 8585   # hostPort: http://localhost:8585/api
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version as installed_version
from typing import Any
from urllib.parse import unquote, urlsplit

from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult
from metadata.generated.schema.type.bulkOperationResult import Response as BulkResponse
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils.fqn import quote_name
from pydantic import ValidationError

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Kind:
    """An entity type the stand-in serves and how its create request maps onto it."""

    name: str  # entity class name, e.g. "Table"
    ref_type: str  # the type name in EntityReferences, e.g. "table"
    entity_module: str
    create_module: str
    # Fields of the create request naming the parent, most specific first:
    # the first one present gives the parent and the FQN prefix.
    parents: tuple[tuple[str, str], ...] = ()
    # Fields holding lists of FQNs of other entities, which must exist.
    references: tuple[tuple[str, str], ...] = ()

    @property
    def entity_class(self) -> type[Any]:
        return _class(f"metadata.generated.schema.entity.{self.entity_module}", self.name)

    @property
    def create_class(self) -> type[Any]:
        return _class(
            f"metadata.generated.schema.api.{self.create_module}", f"Create{self.name}Request"
        )


def _class(module: str, name: str) -> type[Any]:
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _service(name: str, folder: str) -> Kind:
    return Kind(
        f"{name}Service",
        f"{name[0].lower()}{name[1:]}Service" if name != "MlModel" else "mlmodelService",
        f"services.{folder}Service",
        f"services.create{name}Service",
    )


KINDS: tuple[Kind, ...] = (
    _service("Database", "database"),
    Kind(
        "Database",
        "database",
        "data.database",
        "data.createDatabase",
        (("service", "DatabaseService"),),
    ),
    Kind(
        "DatabaseSchema",
        "databaseSchema",
        "data.databaseSchema",
        "data.createDatabaseSchema",
        (("database", "Database"),),
    ),
    Kind(
        "Table", "table", "data.table", "data.createTable", (("databaseSchema", "DatabaseSchema"),)
    ),
    _service("Dashboard", "dashboard"),
    Kind("Chart", "chart", "data.chart", "data.createChart", (("service", "DashboardService"),)),
    Kind(
        "Dashboard",
        "dashboard",
        "data.dashboard",
        "data.createDashboard",
        (("service", "DashboardService"),),
        (("charts", "Chart"),),
    ),
    _service("Pipeline", "pipeline"),
    Kind(
        "Pipeline",
        "pipeline",
        "data.pipeline",
        "data.createPipeline",
        (("service", "PipelineService"),),
    ),
    _service("Messaging", "messaging"),
    Kind("Topic", "topic", "data.topic", "data.createTopic", (("service", "MessagingService"),)),
    _service("MlModel", "mlmodel"),
    Kind(
        "MlModel", "mlmodel", "data.mlmodel", "data.createMlModel", (("service", "MlModelService"),)
    ),
    _service("Storage", "storage"),
    Kind(
        "Container",
        "container",
        "data.container",
        "data.createContainer",
        (("parent", "Container"), ("service", "StorageService")),
    ),
    _service("Search", "search"),
    Kind(
        "SearchIndex",
        "searchIndex",
        "data.searchIndex",
        "data.createSearchIndex",
        (("service", "SearchService"),),
    ),
    _service("Drive", "drive"),
    Kind(
        "Directory",
        "directory",
        "data.directory",
        "data.createDirectory",
        (("parent", "Directory"), ("service", "DriveService")),
    ),
    Kind(
        "File",
        "file",
        "data.file",
        "data.createFile",
        (("directory", "Directory"), ("service", "DriveService")),
    ),
)


def _available_kinds() -> dict[str, Kind]:
    """The kinds this openmetadata-ingestion release has (drive arrived in 1.9)."""
    kinds = {}
    for kind in KINDS:
        try:
            kind.entity_class  # noqa: B018 - importing is the check
            kind.create_class  # noqa: B018
        except (ImportError, AttributeError):
            continue
        kinds[kind.name] = kind
    return kinds


class ApiError(Exception):
    """An error answered the way the real server answers it."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _column_errors(columns: list[dict[str, Any]], path: str = "") -> Iterator[str]:
    """What the server refuses in columns that the models accept."""
    for column in columns:
        name = f"{path}{column.get('name')}"
        data_type = column.get("dataType")
        if (
            data_type in ("CHAR", "VARCHAR", "BINARY", "VARBINARY")
            and column.get("dataLength") is None
        ):
            yield "For column data types char, varchar, binary, varbinary dataLength must not be null"
        if data_type == "ARRAY" and not column.get("arrayDataType"):
            yield "For column data type array, arrayDataType must not be null"
        precision, scale = column.get("precision"), column.get("scale")
        if scale is not None and (precision is None or scale > precision or scale < 0):
            yield f"Column {name}: scale must be between 0 and precision, got precision {precision} and scale {scale}"
        if precision is not None and precision < 1:
            yield f"Column {name}: precision must be positive, got {precision}"
        yield from _column_errors(column.get("children") or [], f"{name}.")


class Store:
    """The entities the stand-in holds, by kind and fully qualified name."""

    def __init__(self) -> None:
        self.kinds = _available_kinds()
        self.routes = {
            OpenMetadata.get_suffix(kind.entity_class): kind for kind in self.kinds.values()
        }
        self._by_fqn: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in self.kinds}
        self._by_id: dict[str, tuple[str, str]] = {}
        self._parents: dict[str, str | None] = {}  # entity id -> parent entity id
        self._lock = threading.RLock()

    def entities(self) -> list[tuple[str, dict[str, Any]]]:
        """Every stored entity as (kind name, entity), in the order they were created."""
        with self._lock:
            order = list(self._by_id.items())
            return [(kind, self._by_fqn[kind][fqn]) for _, (kind, fqn) in order]

    def parent_id(self, entity_id: str) -> str | None:
        return self._parents.get(entity_id)

    def get(self, kind: Kind, fqn: str) -> dict[str, Any]:
        with self._lock:
            entity = self._by_fqn[kind.name].get(fqn)
        if entity is None:
            raise ApiError(HTTPStatus.NOT_FOUND, f"{kind.ref_type} instance for {fqn} not found")
        return entity

    def get_by_id(self, kind: Kind, entity_id: str) -> dict[str, Any]:
        with self._lock:
            found = self._by_id.get(entity_id)
            if found is None or found[0] != kind.name:
                raise ApiError(
                    HTTPStatus.NOT_FOUND, f"{kind.ref_type} instance for {entity_id} not found"
                )
            return self._by_fqn[kind.name][found[1]]

    def put(self, kind: Kind, payload: Any) -> tuple[dict[str, Any], bool]:
        """Create or update from a create request; returns the entity and whether it is new."""
        try:
            request = kind.create_class.model_validate(payload)
        except ValidationError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, _validation_message(exc)) from None
        data = request.model_dump(mode="json", exclude_none=True, by_alias=True)
        with self._lock:
            parent = self._parent_of(kind, data)
            references = {
                field: [self._reference(self.kinds[target], fqn) for fqn in data.get(field) or []]
                for field, target in kind.references
            }
            errors = list(_column_errors(data.get("columns") or []))
            if errors:
                raise ApiError(HTTPStatus.BAD_REQUEST, "; ".join(dict.fromkeys(errors)))
            fqn = (
                f"{parent['fullyQualifiedName']}.{quote_name(data['name'])}"
                if parent
                else quote_name(data["name"])
            )
            existing = self._by_fqn[kind.name].get(fqn)
            entity = self._entity(kind, data, fqn, parent, references, existing)
            self._by_fqn[kind.name][fqn] = entity
            self._by_id[entity["id"]] = (kind.name, fqn)
            self._parents[entity["id"]] = parent["id"] if parent else None
            return entity, existing is None

    def _parent_of(self, kind: Kind, data: dict[str, Any]) -> dict[str, Any] | None:
        for field, target in kind.parents:
            value = data.get(field)
            if value is None:
                continue
            if isinstance(value, dict):  # an EntityReference
                target_kind = self.kinds[target]
                if value.get("fullyQualifiedName"):
                    return self._lookup(target_kind, value["fullyQualifiedName"])
                return self.get_by_id(target_kind, str(value.get("id")))
            return self._lookup(self.kinds[target], value)
        return None

    def _lookup(self, kind: Kind, fqn: str) -> dict[str, Any]:
        entity = self._by_fqn[kind.name].get(fqn)
        if entity is None:
            raise ApiError(HTTPStatus.NOT_FOUND, f"{kind.ref_type} instance for {fqn} not found")
        return entity

    def _reference(self, kind: Kind, fqn: str) -> dict[str, Any]:
        return _reference_to(kind, self._lookup(kind, fqn))

    def _entity(
        self,
        kind: Kind,
        data: dict[str, Any],
        fqn: str,
        parent: dict[str, Any] | None,
        references: dict[str, list[dict[str, Any]]],
        existing: dict[str, Any] | None,
    ) -> dict[str, Any]:
        entity_class = kind.entity_class
        linked = {field for field, _ in kind.parents} | set(references)
        entity: dict[str, Any] = {
            key: value
            for key, value in data.items()
            if key in entity_class.model_fields
            and key not in linked
            and key not in ("domains", "dataProducts")
        }
        entity.update(references)
        if parent is not None:
            parent_kind = self.kinds[self._by_id[parent["id"]][0]]
            # A child inherits its parent's ancestry: a table knows its schema, database, service.
            for field in ("service", "database", "databaseSchema", "parent", "directory"):
                if field in parent and field in entity_class.model_fields:
                    entity[field] = parent[field]
            own_field = next(field for field, target in kind.parents if target == parent_kind.name)
            entity[own_field] = _reference_to(parent_kind, parent)
        entity.update(
            id=existing["id"] if existing else str(uuid.uuid4()),
            fullyQualifiedName=fqn,
            version=round(existing["version"] + 0.1, 1) if existing else 0.1,
            updatedBy="ingestion-bot",
            deleted=False,
        )
        try:
            model = entity_class.model_validate(entity)
        except ValidationError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, _validation_message(exc)) from None
        return model.model_dump(mode="json", exclude_none=True, by_alias=True)


def _reference_to(kind: Kind, entity: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entity["id"],
        "type": kind.ref_type,
        "name": entity["name"],
        "fullyQualifiedName": entity["fullyQualifiedName"],
        "deleted": False,
    }


def _validation_message(exc: ValidationError) -> str:
    return "; ".join(f"[{'.'.join(str(p) for p in e['loc'])}] {e['msg']}" for e in exc.errors())


class _Handler(BaseHTTPRequestHandler):
    server: StandInServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._answer(self.server.app.get)

    def do_PUT(self) -> None:
        self._answer(self.server.app.put)

    def do_POST(self) -> None:
        self._answer(self.server.app.put)

    def do_PATCH(self) -> None:
        self._answer(self.server.app.unsupported)

    def do_DELETE(self) -> None:
        self._answer(self.server.app.unsupported)

    def _answer(self, route: Any) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(body) if body else None
            status, answer = route(self.command, url.path, url.query, payload)
        except ApiError as err:
            status, answer = err.status, {"code": err.status.value, "message": err.message}
        except json.JSONDecodeError as err:
            status, answer = (
                HTTPStatus.BAD_REQUEST,
                {"code": 400, "message": f"Invalid JSON: {err}"},
            )
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Api:
    """The routes of the REST API a connector's run uses, over a ``Store``."""

    def __init__(self, store: Store, server_version: str) -> None:
        self.store = store
        self.server_version = server_version

    def _kind(self, path: str) -> tuple[Kind, str]:
        if not path.startswith(API_PREFIX):
            raise ApiError(HTTPStatus.NOT_FOUND, f"HTTP 404 Not Found: {path}")
        rest = path[len(API_PREFIX) :]
        for route in sorted(self.store.routes, key=len, reverse=True):
            if rest == route or rest.startswith(route + "/"):
                return self.store.routes[route], rest[len(route) :]
        raise ApiError(HTTPStatus.NOT_FOUND, f"The stand-in does not serve {path}")

    def get(self, method: str, path: str, query: str, payload: Any) -> tuple[HTTPStatus, Any]:
        if path == f"{API_PREFIX}/system/version":
            return HTTPStatus.OK, {
                "version": self.server_version,
                "revision": "stand-in",
                "timestamp": 0,
            }
        kind, rest = self._kind(path)
        if rest.startswith("/name/"):
            return HTTPStatus.OK, self.store.get(kind, unquote(rest[len("/name/") :]))
        if re.fullmatch(r"/[0-9a-fA-F-]{36}", rest):
            return HTTPStatus.OK, self.store.get_by_id(kind, rest[1:])
        return self.unsupported(method, path, query, payload)

    def put(self, method: str, path: str, query: str, payload: Any) -> tuple[HTTPStatus, Any]:
        kind, rest = self._kind(path)
        if rest == "/bulk" and method == "PUT":
            return HTTPStatus.OK, self._bulk(kind, payload)
        if rest:
            return self.unsupported(method, path, query, payload)
        entity, created = self.store.put(kind, payload)
        return (HTTPStatus.CREATED if created else HTTPStatus.OK), entity

    def _bulk(self, kind: Kind, payload: Any) -> dict[str, Any]:
        """Like the server: each request succeeds or fails on its own, answered in one result."""
        passed, failed = [], []
        for request in payload if isinstance(payload, list) else []:
            name = request.get("name") if isinstance(request, dict) else None
            try:
                self.store.put(kind, request)
            except ApiError as err:
                failed.append({"request": name, "message": err.message, "status": err.status.value})
            else:
                passed.append({"request": name, "status": HTTPStatus.OK.value})
        total = len(passed) + len(failed)
        result: dict[str, Any] = {
            "dryRun": False,
            "status": "success" if not failed else "failure" if not passed else "partialSuccess",
            "numberOfRowsProcessed": total,
            "numberOfRowsPassed": len(passed),
            "numberOfRowsFailed": len(failed),
            "successRequest": passed,
            "failedRequest": failed,
        }
        # The shape of this release's model: older ones have fewer fields per request.
        request_fields = BulkResponse.model_fields
        for key in ("successRequest", "failedRequest"):
            result[key] = [
                {k: v for k, v in item.items() if k in request_fields} for item in result[key]
            ]
        return BulkOperationResult.model_validate(result).model_dump(mode="json", exclude_none=True)

    def unsupported(
        self, method: str, path: str, query: str, payload: Any
    ) -> tuple[HTTPStatus, Any]:
        raise ApiError(
            HTTPStatus.NOT_IMPLEMENTED, f"The stand-in does not implement {method} {path}"
        )


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, app: Api, verbose: bool = False) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.app = app
        self.verbose = verbose


class StandIn:
    """Run the stand-in in a background thread: ``with StandIn() as server: ...``."""

    def __init__(
        self, port: int = 0, server_version: str | None = None, verbose: bool = False
    ) -> None:
        self.store = Store()
        version = server_version or installed_version("openmetadata-ingestion")
        self._server = StandInServer(port, Api(self.store, version), verbose)
        # A short poll interval: shutdown() waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def api_url(self) -> str:
        """The ``hostPort`` to put in a workflow config."""
        return f"http://127.0.0.1:{self._server.server_port}/api"

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def entity_tree(store: Store) -> list[tuple[int, str, str]]:
    """(depth, kind, fqn) of every stored entity, children under their parents."""
    entities = store.entities()
    children: dict[str | None, list[tuple[str, dict[str, Any]]]] = {}
    for kind, entity in entities:
        children.setdefault(store.parent_id(entity["id"]), []).append((kind, entity))
    rows: list[tuple[int, str, str]] = []

    def walk(parent: str | None, depth: int) -> None:
        for kind, entity in children.get(parent, []):
            rows.append((depth, kind, entity["fullyQualifiedName"]))
            walk(entity["id"], depth + 1)

    walk(None, 0)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8585)
    parser.add_argument(
        "--server-version", help="version to report (default: the installed client's)"
    )
    args = parser.parse_args(argv)
    server = StandIn(args.port, args.server_version, verbose=True)
    print(
        f"OpenMetadata stand-in serving {server.api_url.replace('127.0.0.1', 'localhost')} (Ctrl-C to stop)"
    )
    with server, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the foreground server
        threading.Event().wait()
    for depth, kind, fqn in entity_tree(server.store):
        print(f"{'  ' * depth}{kind:<16} {fqn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
