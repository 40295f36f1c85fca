"""The routes of OpenMetadata's REST API an ingestion run uses, over a ``Store``.

``Api.answer(Request) -> Answer`` maps a method and path (under ``/api/v1``) to a
handler. Entity collections (``/tables``, ``/services/databaseServices``,
``/dashboard/datamodels``...) come from ``catalogue``; each serves:

==========================================  ================================================
``GET /<c>``                                 list (``reads``)
``GET /<c>/{id}``, ``/<c>/name/{fqn}``       read, with ``fields`` and ``include``
``PUT /<c>``, ``POST /<c>``                  create or update, create (``writes``)
``PUT /<c>/bulk``                            2.0 family: a ``BulkOperationResult``
``PATCH /<c>/{id}``, ``/<c>/name/{fqn}``     JSON Patch
``DELETE /<c>/{id}``, ``/<c>/name/{fqn}``    delete (``deletion``); 2.0: ``/async/{id}``,
                                             ``/deleteStale``
``PUT /<c>/restore``                         restore a soft-deleted entity
``PUT|GET /<c>/{id}/sampleData``             tables, topics, search indexes
``PUT /tables/{id}/dataModel``               a table's data model
``PUT|GET /pipelines/{fqn}/status``          pipeline statuses (2.0: ``/status/bulk``)
==========================================  ================================================

and, in ``endpoints``, ``/system/version``, ``/metadata/types``, ``/lineage`` and
``/usage/{entity}/{id}``; ``/roles/name/{name}`` answers 404 (no roles). A path that
matches no route is answered like Jersey (404 ``HTTP 404 Not Found``, or 405 for a known
path and another method); a real endpoint the stand-in does not implement gets 501 with
a message saying so.
"""

from __future__ import annotations

import base64
import copy
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult

from local_harness import deletion, endpoints, reads, rules, writes
from local_harness.auth import Principal
from local_harness.catalogue import ALL, NON_DELETED, Kind
from local_harness.errors import (
    ApiError,
    bad_request,
    method_not_allowed,
    no_route,
    not_found,
    not_served,
)
from local_harness.exchange import CHANGE, Answer, Request, load_class, uuid_param
from local_harness.payloads import mapping_error, read_request
from local_harness.store import Record, Store

Json = dict[str, Any]
API_PREFIX = "/api/v1"
SAMPLE_DATA = {
    "Table": ("metadata.generated.schema.entity.data.table", "TableData"),
    "Topic": ("metadata.generated.schema.entity.data.topic", "TopicSampleData"),
    "SearchIndex": ("metadata.generated.schema.entity.data.searchIndex", "SearchIndexSampleData"),
}
MAX_BULK_STATUSES = 1000
# Sub-resources of an entity the server has and the stand-in does not implement (501).
UNSERVED_SUBRESOURCES = frozenset(
    {
        "versions",
        "followers",
        "vote",
        "tableProfile",
        "tableProfilerConfig",
        "columns",
        "joins",
        "customMetric",
        "export",
        "import",
        "entityRelationship",
    }
)


class Api:
    """Answers requests over ``store`` as the release ``store.release`` does."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.release = store.release
        self.collections = {
            tuple(kind.collection.strip("/").split("/")): kind for kind in store.kinds.values()
        }

    def principal(self, name: str) -> Principal:
        """The principal a token names: a known user decides ``bot``; else a bot."""
        user = self.store.find_by_name("User", name, ALL)
        return Principal(name, bool(user.get("isBot")) if user else True)

    # --- dispatch -----------------------------------------------------------------------

    def answer(self, request: Request) -> Answer:
        if not request.path.startswith(API_PREFIX + "/"):
            raise no_route()
        segments = [unquote(part) for part in request.path[len(API_PREFIX) + 1 :].split("/")]
        if segments and segments[-1] == "":
            segments.pop()
        head = segments[0] if segments else ""
        if head == "system":
            return endpoints.system(self.store, request, segments[1:])
        if head == "metadata" and segments[1:2] == ["types"]:
            return endpoints.types(self.store, request, segments[2:])
        if head == "lineage":
            return endpoints.lineage_routes(self.store, request, segments[1:])
        if head == "usage":
            return endpoints.usage(self.store, request, segments[1:])
        if head == "roles" and request.method == "GET" and segments[1:2] == ["name"]:
            raise not_found("role", "/".join(segments[2:]))
        for size in (2, 1):
            kind = self.collections.get(tuple(segments[:size]))
            if kind is not None:
                return self._entities(request, kind, segments[size:])
        raise not_served(request.method, request.path)

    # --- /system, /usage -----------------------------------------------------------------

    def _entities(self, request: Request, kind: Kind, rest: list[str]) -> Answer:
        method = request.method
        if not rest:
            return self._collection(request, kind)
        if rest[0] == "name" and len(rest) == 2:
            record = self.store.get(kind, rest[1], self._read_include(request))
            return self._one(request, kind, record)
        if rest == ["bulk"] and method == "PUT":
            if not self.release.modern:
                raise method_not_allowed()
            return self._bulk(request, kind)
        if rest == ["restore"] and method == "PUT":
            body = request.body if isinstance(request.body, dict) else {}
            record = self.store.get_by_id(kind, uuid_param(str(body.get("id"))), ALL)
            restored = deletion.restore(self.store, record, request.principal)
            return Answer(HTTPStatus.OK, restored, {CHANGE: "entityRestored"})
        if rest == ["deleteStale"] and method == "DELETE" and self.release.delete_stale:
            stale_class = load_class(
                "metadata.generated.schema.type.bulkDeleteStaleRequest", "BulkDeleteStaleRequest"
            )
            stale = read_request(stale_class, request.body, self.release, "BulkDeleteStaleRequest")
            result = deletion.delete_stale(self.store, kind, stale, request.principal)
            return Answer(HTTPStatus.OK, _bulk_result(result))
        if rest[0] == "async" and len(rest) == 2 and method == "DELETE" and self.release.modern:
            record = self.store.get_by_id(kind, uuid_param(rest[1]), ALL)
            recursive, hard = self._delete_flags(request)
            entity = deletion.delete(self.store, record, recursive, hard, request.principal)
            return Answer(HTTPStatus.ACCEPTED, deletion.async_answer(entity, recursive, hard))
        if kind.name == "Pipeline" and len(rest) >= 2 and rest[1] == "status":
            return self._pipeline_status(request, kind, rest[0], rest[2:])
        if len(rest) == 1:
            record = self.store.get_by_id(kind, uuid_param(rest[0]), self._read_include(request))
            return self._one(request, kind, record)
        if len(rest) == 2 and rest[1] == "sampleData" and kind.name in SAMPLE_DATA:
            return self._sample_data(request, kind, uuid_param(rest[0]))
        if len(rest) == 2 and rest[1] == "dataModel" and kind.name == "Table" and method == "PUT":
            return self._table_data_model(request, kind, uuid_param(rest[0]))
        if len(rest) >= 2 and rest[1] in UNSERVED_SUBRESOURCES:
            raise not_served(method, request.path)
        raise no_route()

    def _read_include(self, request: Request) -> str:
        """Reads take ``include``; writes on one entity find it with include=all."""
        if request.method == "GET":
            return reads.include_param(request.query)
        return ALL if request.method == "DELETE" else NON_DELETED

    def _collection(self, request: Request, kind: Kind) -> Answer:
        store, who = self.store, request.principal
        if request.method == "GET":
            include = reads.include_param(request.query)
            fields = reads.fields_param(kind, request.query)
            records = store.select(kind, include, reads.prefixes(request.query, store))
            return Answer(HTTPStatus.OK, reads.page(store, records, request.query, fields))
        if request.method == "PUT":
            written = writes.put(store, kind, request.body, who, self._override(request))
        elif request.method == "POST":
            written = writes.post(store, kind, request.body, who)
        else:
            raise method_not_allowed()
        return Answer(
            written.status, copy.deepcopy(written.record.entity), {CHANGE: written.change}
        )

    def _override(self, request: Request) -> bool:
        """2.0: ``overrideMetadata=true`` lifts a bot's protections (descriptions, owners)."""
        return self.release.at_least(2, 0) and request.query.get("overrideMetadata") == "true"

    def _one(self, request: Request, kind: Kind, record: Record) -> Answer:
        store, who = self.store, request.principal
        if request.method == "GET":
            fields = reads.fields_param(kind, request.query)
            headers = {"ETag": writes.etag(record.entity)} if self.release.modern else {}
            return Answer(HTTPStatus.OK, reads.present(store, record, fields), headers)
        if request.method == "PATCH":
            written = writes.patch(
                store, record, request.body, who, request.headers.get("if-match")
            )
            headers = {CHANGE: written.change}
            if self.release.modern:
                headers["ETag"] = writes.etag(written.record.entity)
            return Answer(HTTPStatus.OK, copy.deepcopy(written.record.entity), headers)
        if request.method == "DELETE":
            recursive, hard = self._delete_flags(request)
            entity = deletion.delete(store, record, recursive, hard, who)
            change = "entityDeleted" if hard else "entitySoftDeleted"
            return Answer(HTTPStatus.OK, entity, {CHANGE: change})
        raise method_not_allowed()

    @staticmethod
    def _delete_flags(request: Request) -> tuple[bool, bool]:
        return (
            request.query.get("recursive", "false").lower() == "true",
            request.query.get("hardDelete", "false").lower() == "true",
        )

    def _bulk(self, request: Request, kind: Kind) -> Answer:
        """``PUT /<c>/bulk`` (``EntityResource.processBulkRequest``): each request succeeds
        or fails on its own (a failure: the request, its message and status); ``async=true``
        answers 202 at once (the stand-in has written already)."""
        if not isinstance(request.body, list):
            raise mapping_error(self.release, "a bulk request is a JSON array")
        passed: list[Json] = []
        failed: list[Json] = []
        for item in request.body:
            try:
                written = writes.put(
                    self.store, kind, item, request.principal, self._override(request), True
                )
            except ApiError as err:
                failed.append({"request": item, "message": err.message, "status": err.status.value})
            else:
                passed.append({"request": written.record.fqn, "status": HTTPStatus.OK.value})
        total = len(passed) + len(failed)
        if request.query.get("async") == "true":
            result = {
                "status": "success",
                "numberOfRowsProcessed": total,
                "numberOfRowsPassed": 0,
                "numberOfRowsFailed": 0,
            }
            return Answer(HTTPStatus.ACCEPTED, _bulk_result(result))
        result = {
            "dryRun": False,
            "status": "success" if not failed else "failure" if not passed else "partialSuccess",
            "numberOfRowsProcessed": total,
            "numberOfRowsPassed": len(passed),
            "numberOfRowsFailed": len(failed),
            "successRequest": passed,
            "failedRequest": failed,
        }
        return Answer(HTTPStatus.OK, _bulk_result(result))

    # --- sub-resources -------------------------------------------------------------------

    def _sample_data(self, request: Request, kind: Kind, entity_id: str) -> Answer:
        """``PUT|GET /<c>/{id}/sampleData`` (``TableRepository.addSampleData``: columns and
        row lengths checked; topics and search indexes: not checked); no version bump."""
        record = self.store.get_by_id(kind, entity_id, NON_DELETED)
        if request.method == "PUT":
            data_class = load_class(*SAMPLE_DATA[kind.name])
            sample = read_request(data_class, request.body, self.release, data_class.__name__)
            if kind.name == "Table":
                rules.check_sample_data(record.entity, sample)
            with self.store.lock:
                record.entity = {**record.entity, "sampleData": sample}
                record.touched = True
        elif request.method != "GET":
            raise method_not_allowed()
        return Answer(HTTPStatus.OK, reads.present(self.store, record, frozenset({"sampleData"})))

    def _table_data_model(self, request: Request, kind: Kind, entity_id: str) -> Answer:
        """``PUT /tables/{id}/dataModel`` (``TableRepository.addDataModel``): stored; a table
        column without a description takes the model column's."""
        model_class = load_class("metadata.generated.schema.entity.data.table", "DataModel")
        data_model = read_request(model_class, request.body, self.release, "DataModel")
        with self.store.lock:
            record = self.store.get_by_id(kind, entity_id, NON_DELETED)
            described = {
                c.get("name"): c.get("description") for c in data_model.get("columns") or []
            }
            columns = [
                {**c, "description": described[c["name"]]}
                if not c.get("description") and described.get(c.get("name"))
                else c
                for c in record.entity.get("columns") or []
            ]
            record.entity = {**record.entity, "dataModel": data_model, "columns": columns}
            record.touched = True
        return Answer(HTTPStatus.OK, reads.present(self.store, record, frozenset({"dataModel"})))

    def _pipeline_status(self, request: Request, kind: Kind, name: str, rest: list[str]) -> Answer:
        """``/pipelines/{fqn}/status`` (``PipelineRepository``): PUT one status (400 for a
        task the pipeline lacks), 2.0 PUT ``/bulk`` (at most 1000), GET between
        ``startTs`` and ``endTs`` (both required), DELETE ``/{timestamp}``."""
        store, method = self.store, request.method
        status_class = load_class(
            "metadata.generated.schema.entity.data.pipeline", "PipelineStatus"
        )
        if method == "PUT" and rest in ([], ["bulk"]):
            if rest == ["bulk"] and not self.release.modern:
                raise method_not_allowed()
            items = request.body if rest == ["bulk"] else [request.body]
            if not isinstance(items, list):
                raise mapping_error(self.release, "a bulk request is a JSON array")
            if len(items) > MAX_BULK_STATUSES:
                raise bad_request("Bulk pipeline status list cannot exceed 1000 items")
            with store.lock:
                record = store.get(kind, name, NON_DELETED)
                statuses = [
                    read_request(status_class, item, self.release, "PipelineStatus")
                    for item in items
                ]
                for status in statuses:
                    rules.check_task_statuses(record.entity, status)
                for status in statuses:
                    store.statuses.put(record.fqn, status)
                record.touched = True
            body = reads.present(store, record, frozenset({"tasks", "pipelineStatus"}))
            if statuses:
                body["pipelineStatus"] = statuses[-1]
            return Answer(HTTPStatus.OK, body, {CHANGE: "entityUpdated"})
        if method == "GET" and not rest:
            return Answer(HTTPStatus.OK, self._status_list(request, name))
        if method == "DELETE" and len(rest) == 1:
            record = store.get(kind, name, NON_DELETED)
            if not rest[0].isdigit() or not store.statuses.delete(record.fqn, int(rest[0])):
                raise ApiError(
                    HTTPStatus.NOT_FOUND,
                    f"Failed to find pipeline status for {record.entity['name']} at {rest[0]}",
                )
            return Answer(HTTPStatus.OK, reads.present(store, record, frozenset({"tasks"})))
        raise not_served(method, request.path)

    def _status_list(self, request: Request, name: str) -> Json:
        """The statuses of a pipeline between ``startTs`` and ``endTs``, newest first; an
        unknown pipeline has none (the server reads the time series by FQN)."""
        prefix = "query param " if self.release.modern else ""
        for required in ("startTs", "endTs"):
            if request.query.get(required) in (None, ""):
                raise bad_request(f"[{prefix}{required} must not be null]")
        try:
            start, end = int(request.query["startTs"]), int(request.query["endTs"])
        except ValueError:
            raise no_route() from None
        found = self.store.statuses.between(name, start, end)
        if self.release.modern:
            return {"data": found, "paging": {"total": len(found)}}

        def encode(value: int) -> str:
            return base64.urlsafe_b64encode(str(value).encode()).decode()

        return {
            "data": found,
            "paging": {"before": encode(start), "after": encode(end), "total": len(found)},
        }


def _bulk_result(result: Json) -> Json:
    """A ``BulkOperationResult`` as the installed release's model has it (older ones have
    fewer fields per request)."""
    from metadata.generated.schema.type.bulkOperationResult import Response as BulkResponse

    allowed = BulkResponse.model_fields
    for key in ("successRequest", "failedRequest"):
        if key in result:
            result[key] = [{k: v for k, v in item.items() if k in allowed} for item in result[key]]
    validated = BulkOperationResult.model_validate(result)
    return validated.model_dump(mode="json", exclude_none=True)
