"""The routes beside entity collections: ``/system/version``, ``/usage``,
``/metadata/types`` (custom properties) and ``/lineage``.

Each takes the store, the request and the path segments after its prefix, and answers as
the server's resource does (``SystemResource``, ``UsageResource``, ``TypeResource``,
``LineageResource``; the rules themselves are in ``lineage``, ``custom_properties``,
``timeseries``).
"""

from __future__ import annotations

import time
import uuid
from http import HTTPStatus

from local_harness import lineage
from local_harness.catalogue import NON_DELETED
from local_harness.errors import method_not_allowed, no_route, not_served, unhandled
from local_harness.exchange import CHANGE, Answer, Request, load_class, uuid_param
from local_harness.payloads import read_request
from local_harness.store import Store

USAGE_TYPES = ("table", "pipeline", "dashboard", "chart", "mlmodel")


def system(store: Store, request: Request, rest: list[str]) -> Answer:
    """``SystemResource``: ``{"version", "revision", "timestamp"}``."""
    if rest == ["version"] and request.method == "GET":
        return Answer(
            HTTPStatus.OK,
            {"version": store.release.version, "revision": "local-harness", "timestamp": 0},
        )
    raise not_served(request.method, request.path)


def usage(store: Store, request: Request, rest: list[str]) -> Answer:
    """``PUT|POST /usage/{entity}/{id}`` (``UsageRepository``): a day's count for a
    table, pipeline, dashboard, chart or ML model (others: 500 ``Entity type <t> not
    supported``); 201 with a change event."""
    if len(rest) != 2 or request.method not in ("PUT", "POST"):
        raise not_served(request.method, request.path)
    entity_type, entity_id = rest[0], uuid_param(rest[1])
    kind = store.kind_of_type(entity_type)
    if entity_type not in USAGE_TYPES or kind is None:
        raise unhandled(f"Entity type {entity_type} not supported")
    usage_class = load_class("metadata.generated.schema.type.usageRequest", "UsageRequest")
    daily = read_request(usage_class, request.body, store.release, "DailyCount")
    with store.lock:
        record = store.get_by_id(kind, entity_id, NON_DELETED)
        store.usage.add(record.id, daily["date"], daily["count"], replace=request.method == "POST")
        record.touched = True
    event = {
        "id": str(uuid.uuid4()),
        "eventType": "entityUpdated",
        "entityType": entity_type,
        "entityId": record.id,
        "entityFullyQualifiedName": record.fqn,
        "userName": request.principal.name,
        "timestamp": int(time.time() * 1000),
        "currentVersion": record.entity.get("version"),
        "previousVersion": record.entity.get("version"),
    }
    return Answer(HTTPStatus.CREATED, event, {CHANGE: "entityFieldsChanged"})


# --- /metadata/types -------------------------------------------------------------------


def types(store: Store, request: Request, rest: list[str]) -> Answer:
    """``TypeResource``: list, by name, by id, and ``PUT /{id}`` to add a property."""
    registry = store.types
    with_properties = "customProperties" in request.query.get("fields", "")
    if request.method == "GET" and not rest:
        found = registry.all(with_properties)
        category = request.query.get("category")
        if category:
            found = [t for t in found if t["category"] == category]
        return Answer(HTTPStatus.OK, {"data": found, "paging": {"total": len(found)}})
    if request.method == "GET" and len(rest) == 2 and rest[0] == "name":
        return Answer(HTTPStatus.OK, registry.get(rest[1], with_properties))
    if request.method == "GET" and len(rest) == 1:
        return Answer(HTTPStatus.OK, registry.get_by_id(uuid_param(rest[0]), with_properties))
    if request.method == "PUT" and len(rest) == 1:
        prop_class = load_class("metadata.generated.schema.type.customProperty", "CustomProperty")
        body = read_request(prop_class, request.body, store.release, "CustomProperty")
        answer = registry.add_property(uuid_param(rest[0]), body, request.principal.name)
        return Answer(HTTPStatus.OK, answer, {CHANGE: "entityUpdated"})
    raise not_served(request.method, request.path)


# --- /lineage ----------------------------------------------------------------------


def lineage_routes(store: Store, request: Request, rest: list[str]) -> Answer:
    """``LineageResource`` (see ``lineage``); the by-name writes are 2.0 only."""
    method, who = request.method, request.principal
    by_name_ends = len(rest) == 6 and rest[1] == "name" and rest[4] == "name"
    if method == "PUT" and not rest:
        add_class = load_class(
            "metadata.generated.schema.api.lineage.addLineage", "AddLineageRequest"
        )
        add = read_request(add_class, request.body, store.release, "AddLineage")
        lineage.add_edge(store, add, who)
        return Answer(HTTPStatus.OK)
    if method == "GET" and rest[:1] == ["getLineageEdge"]:
        ends = rest[1:]
        if len(ends) == 2:
            return Answer(
                HTTPStatus.OK, lineage.edge_answer(store, uuid_param(ends[0]), uuid_param(ends[1]))
            )
        if len(ends) == 6 and store.release.lineage_by_name:
            four = (ends[0], ends[2], ends[3], ends[5])
            return Answer(HTTPStatus.OK, lineage.edge_answer_by_name(store, four))
        raise no_route()
    if by_name_ends:
        four = (rest[0], rest[2], rest[3], rest[5])
        if method == "DELETE":
            lineage.delete_edge(store, four, by_name=True)
            return Answer(HTTPStatus.OK)
        if not store.release.lineage_by_name:
            raise method_not_allowed()
        if method == "PUT":
            details_class = load_class(
                "metadata.generated.schema.type.entityLineage", "LineageDetails"
            )
            details = read_request(
                details_class, request.body or {}, store.release, "LineageDetails"
            )
            lineage.add_edge_by_name(store, four, details, who)
            return Answer(HTTPStatus.OK)
        if method == "PATCH":
            patched = lineage.patch_edge(store, four, True, request.body, who)
            return Answer(HTTPStatus.OK, patched, {CHANGE: "entityUpdated"})
    if (
        method == "DELETE"
        and len(rest) == 6
        and rest[:2] == ["source", "name"]
        and rest[4] == "type"
    ):
        if not store.release.lineage_by_name:
            raise no_route()
        lineage.delete_by_source(store, rest[2], rest[3], rest[5], by_name=True)
        return Answer(HTTPStatus.OK)
    if method == "DELETE" and len(rest) == 4 and rest[2] == "type":
        lineage.delete_by_source(store, rest[0], uuid_param(rest[1]), rest[3], by_name=False)
        return Answer(HTTPStatus.OK)
    if len(rest) == 4 and method in ("PATCH", "DELETE"):
        four = (rest[0], uuid_param(rest[1]), rest[2], uuid_param(rest[3]))
        if method == "DELETE":
            lineage.delete_edge(store, four, by_name=False)
            return Answer(HTTPStatus.OK)
        patched = lineage.patch_edge(store, four, False, request.body, who)
        return Answer(HTTPStatus.OK, patched, {CHANGE: "entityUpdated"})
    if method == "GET" and len(rest) in (2, 3):
        by_name = len(rest) == 3 and rest[1] == "name"
        if len(rest) == 3 and not by_name:
            raise no_route()
        key = rest[2] if by_name else uuid_param(rest[1])
        up = lineage.depth(request.query.get("upstreamDepth"), "upstreamDepth")
        down = lineage.depth(request.query.get("downstreamDepth"), "downstreamDepth")
        root = lineage.resolve_end(store, rest[0], key, by_name, NON_DELETED)
        return Answer(HTTPStatus.OK, lineage.entity_lineage(store, root, up, down))
    raise not_served(method, request.path)
