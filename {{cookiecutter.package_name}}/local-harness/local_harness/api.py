"""The routes of OpenMetadata's REST API that an ingestion run uses, over a ``Store``."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult
from metadata.generated.schema.type.bulkOperationResult import Response as BulkResponse
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from local_harness.catalogue import Kind
from local_harness.rules import ApiError
from local_harness.store import Store

API_PREFIX = "/api/v1"
Answer = tuple[HTTPStatus, Any]


class Api:
    """Answers one request: (method, path, query, JSON body) -> (status, JSON answer)."""

    def __init__(self, store: Store, server_version: str) -> None:
        self.store = store
        self.server_version = server_version
        self.routes = {
            OpenMetadata.get_suffix(kind.entity_class): kind for kind in store.kinds.values()
        }

    def answer(self, method: str, path: str, query: str, payload: Any) -> Answer:
        if method == "GET":
            return self.get(method, path, query, payload)
        if method in ("PUT", "POST"):
            return self.put(method, path, query, payload)
        return self.unsupported(method, path, query, payload)

    def _kind(self, path: str) -> tuple[Kind, str]:
        if not path.startswith(API_PREFIX):
            raise ApiError(HTTPStatus.NOT_FOUND, f"HTTP 404 Not Found: {path}")
        rest = path[len(API_PREFIX) :]
        for route in sorted(self.routes, key=len, reverse=True):
            if rest == route or rest.startswith(route + "/"):
                return self.routes[route], rest[len(route) :]
        raise ApiError(HTTPStatus.NOT_FOUND, f"The stand-in does not serve {path}")

    def get(self, method: str, path: str, query: str, payload: Any) -> Answer:
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

    def put(self, method: str, path: str, query: str, payload: Any) -> Answer:
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
        validated = BulkOperationResult.model_validate(result)
        return validated.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]

    def unsupported(self, method: str, path: str, query: str, payload: Any) -> Answer:
        raise ApiError(
            HTTPStatus.NOT_IMPLEMENTED, f"The stand-in does not implement {method} {path}"
        )
