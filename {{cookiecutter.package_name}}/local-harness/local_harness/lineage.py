"""Lineage: the graph of edges between entities, and the server's lineage endpoints.

An edge goes from an upstream entity to a downstream one and carries ``LineageDetails``
(``sqlQuery``, ``columnsLineage``, ``pipeline``, ``source``...). Sources:
``LineageResource`` and ``LineageRepository`` (``addLineage``, ``getLineageEdge``,
``patchLineageEdge``, ``deleteLineage``, ``deleteLineageBySource``) and ``ColumnUtil``
for column lineage. What the stand-in does:

- ``PUT /lineage``: both ends by id, non-deleted -> 404 ``<type> instance for <id> not
  found``; ``lineageDetails.pipeline`` likewise; every column of ``columnsLineage`` must
  exist in its end (``check_columns``); a second PUT of the same two ends replaces the
  details. 200, no body.
- 2.0: the same by FQN (``PUT /lineage/{t}/name/{fqn}/{t}/name/{fqn}``, body: the details).
- ``GET /lineage/getLineageEdge/{fromId}/{toId}`` -> ``{"edge": details}`` or 404
  ``Lineage edge not found between <fromId> and  <toId>`` (two spaces, as the server says).
- ``GET /lineage/{type}/{id}`` and ``/lineage/{type}/name/{fqn}`` with ``upstreamDepth``
  and ``downstreamDepth`` (0..3, default 1) -> ``EntityLineage``: ``entity``, ``nodes``,
  ``upstreamEdges``, ``downstreamEdges`` (edge ends are bare ids).
- ``PATCH`` an edge (JSON Patch on its details); ``DELETE`` an edge (404 ``Lineage edge
  not found``) or every incoming edge of one ``source`` (always 200).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from local_harness.catalogue import ALL, NON_DELETED, reference_to
from local_harness.errors import ApiError, bad_request, no_route, not_found, unhandled
from local_harness.patch import PatchError, apply_patch

if TYPE_CHECKING:
    from local_harness.auth import Principal
    from local_harness.store import Record, Store

Json = dict[str, Any]
MAX_DEPTH = 3
# Column lineage: where each end type keeps its columns, and the message for a bad one
# (ColumnUtil / CatalogExceptionMessage.invalidColumnFQN, invalidFieldName).
COLUMN_HOLDERS = {
    "table": ("columns", "Invalid fully qualified column name {}"),
    "dashboardDataModel": ("columns", "Invalid fully qualified column name {}"),
    "container": ("dataModel.columns", "Invalid fully qualified column name {}"),
    "topic": ("messageSchema.schemaFields", "Invalid field name {}"),
    "searchIndex": ("fields", "Invalid field name {}"),
    "mlmodel": ("mlFeatures", "Invalid feature name {}"),
    "dashboard": ("charts", "Invalid chart name {}"),
}


@dataclass
class Edge:
    """An edge ``from_id -> to_id`` with its ``details`` (LineageDetails as JSON)."""

    from_id: str
    from_type: str
    to_id: str
    to_type: str
    details: Json

    @property
    def answer(self) -> Json:
        edge: Json = {"fromEntity": self.from_id, "toEntity": self.to_id}
        if self.details:
            edge["lineageDetails"] = self.details
        return edge


class Lineage:
    """The lineage edges, by (from id, to id)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._edges: dict[tuple[str, str], Edge] = {}

    def put(self, edge: Edge) -> None:
        with self._lock:
            self._edges[(edge.from_id, edge.to_id)] = edge

    def get(self, from_id: str, to_id: str) -> Edge | None:
        with self._lock:
            return self._edges.get((from_id, to_id))

    def remove(self, from_id: str, to_id: str) -> bool:
        with self._lock:
            return self._edges.pop((from_id, to_id), None) is not None

    def edges(self) -> list[Edge]:
        with self._lock:
            return list(self._edges.values())

    def forget(self, entity_id: str) -> None:
        """Drop every edge touching ``entity_id`` (its hard delete)."""
        with self._lock:
            for key in [k for k in self._edges if entity_id in k]:
                del self._edges[key]

    def remove_by_source(self, entity_id: str, source: str, incoming_only: bool = True) -> int:
        """``deleteLineageBySource``: edges into ``entity_id`` (or, for pipeline lineage, the
        edges ``entity_id`` carries as ``lineageDetails.pipeline``) whose source matches."""
        with self._lock:
            doomed = [
                key
                for key, edge in self._edges.items()
                if (edge.details.get("source") or "Manual") == source
                and (
                    edge.to_id == entity_id
                    or (not incoming_only and edge.from_id == entity_id)
                    or (edge.details.get("pipeline") or {}).get("id") == entity_id
                )
            ]
            for key in doomed:
                del self._edges[key]
            return len(doomed)


# --- The endpoints -------------------------------------------------------------------------


def resolve_end(store: Store, entity_type: str, key: str, by_name: bool, include: str) -> Record:
    """An edge end by type and id (or FQN), or 404 ``<type> instance for <key> not found``."""
    kind = store.kind_of_type(entity_type)
    if kind is None:
        raise not_found(entity_type, key)
    return store.get(kind, key, include) if by_name else store.get_by_id(kind, key, include)


def add_edge(store: Store, request: Json, principal: Principal) -> None:
    """``PUT /lineage`` with an ``AddLineage`` body."""
    edge = request.get("edge") or {}
    source, target = edge.get("fromEntity") or {}, edge.get("toEntity") or {}
    with store.lock:
        start = resolve_end(
            store, str(source.get("type")), str(source.get("id")), False, NON_DELETED
        )
        end = resolve_end(store, str(target.get("type")), str(target.get("id")), False, NON_DELETED)
        details = dict(edge.get("lineageDetails") or {})
        if edge.get("description") and "description" not in details:
            details["description"] = edge["description"]
        _store_edge(store, start, end, details, principal)


def add_edge_by_name(
    store: Store, ends: tuple[str, str, str, str], details: Json, principal: Principal
) -> None:
    """2.0: ``PUT /lineage/{fromType}/name/{fromFqn}/{toType}/name/{toFqn}``, body: details."""
    with store.lock:
        start = resolve_end(store, ends[0], ends[1], True, NON_DELETED)
        end = resolve_end(store, ends[2], ends[3], True, NON_DELETED)
        _store_edge(store, start, end, dict(details or {}), principal)


def _store_edge(store: Store, start: Record, end: Record, details: Json, who: Principal) -> None:
    pipeline = details.get("pipeline")
    if pipeline:
        ref = resolve_end(
            store, str(pipeline.get("type")), str(pipeline.get("id")), False, NON_DELETED
        )
        details["pipeline"] = reference_to(ref.kind, ref.entity)
    for column_lineage in details.get("columnsLineage") or []:
        for column in column_lineage.get("fromColumns") or []:
            check_column(start, column)
        if column_lineage.get("toColumn"):
            check_column(end, column_lineage["toColumn"])
    details.setdefault("source", "Manual")
    if store.release.modern:  # LineageRepository stamps the details it stores (2.0 family)
        now = int(time.time() * 1000)
        previous = store.lineage.get(start.id, end.id)
        details["createdAt"] = previous.details.get("createdAt", now) if previous else now
        details["createdBy"] = previous.details.get("createdBy", who.name) if previous else who.name
        details["updatedAt"], details["updatedBy"] = now, who.name
    store.lineage.put(Edge(start.id, start.kind.entity_type, end.id, end.kind.entity_type, details))


def check_column(end: Record, column_fqn: str) -> None:
    """``ColumnUtil.validateColumnFqn``: ``column_fqn`` must be a column (field, chart,
    feature) of ``end`` -> 400 with the message of ``COLUMN_HOLDERS``; an end type with
    no columns -> 400 ``Unsupported Entity Type <type> for lineage``."""
    holder = COLUMN_HOLDERS.get(end.kind.entity_type)
    if holder is None:
        raise bad_request(f"Unsupported Entity Type {end.kind.entity_type} for lineage")
    path, message = holder
    if column_fqn not in set(_column_fqns(end.entity, path)):
        raise bad_request(message.format(column_fqn))


def _column_fqns(entity: Json, path: str) -> list[str]:
    node: Any = entity
    for part in path.split("."):
        node = (node or {}).get(part) if isinstance(node, dict) else None
    found: list[str] = []

    def walk(items: list[Json]) -> None:
        for item in items or []:
            if item.get("fullyQualifiedName"):
                found.append(item["fullyQualifiedName"])
            walk(item.get("children") or [])

    walk(node or [])
    return found


def edge_answer(store: Store, from_id: str, to_id: str) -> Json:
    """``GET /lineage/getLineageEdge/{fromId}/{toId}``."""
    edge = store.lineage.get(from_id, to_id)
    if edge is None:
        raise ApiError(
            HTTPStatus.NOT_FOUND, f"Lineage edge not found between {from_id} and  {to_id}"
        )
    return {"edge": edge.details}


def edge_answer_by_name(store: Store, ends: tuple[str, str, str, str]) -> Json:
    """2.0: ``GET /lineage/getLineageEdge/{t}/name/{fqn}/{t}/name/{fqn}`` (ends non-deleted)."""
    start = resolve_end(store, ends[0], ends[1], True, NON_DELETED)
    end = resolve_end(store, ends[2], ends[3], True, NON_DELETED)
    return edge_answer(store, start.id, end.id)


def patch_edge(
    store: Store, ends: tuple[str, str, str, str], by_name: bool, operations: Any, who: Principal
) -> Json:
    """``PATCH /lineage/{t}/{id}/{t}/{id}`` (2.0 also by name): JSON Patch on the details."""
    with store.lock:
        start = resolve_end(store, ends[0], ends[1], by_name, NON_DELETED)
        end = resolve_end(store, ends[2], ends[3], by_name, NON_DELETED)
        edge = store.lineage.get(start.id, end.id)
        if edge is None:
            raise ApiError(
                HTTPStatus.NOT_FOUND,
                f"Lineage edge not found between {ends[0]} {start.id} and {ends[2]} {end.id}",
            )
        try:
            details = apply_patch(edge.details, operations)
        except PatchError as err:
            raise unhandled(str(err)) from None
        _store_edge(store, start, end, details, who)
        return details


def delete_edge(store: Store, ends: tuple[str, str, str, str], by_name: bool) -> None:
    """``DELETE /lineage/{t}/{id}/{t}/{id}`` (and by name): ends include=all; no edge ->
    404 ``Lineage edge not found``."""
    with store.lock:
        start = resolve_end(store, ends[0], ends[1], by_name, ALL)
        end = resolve_end(store, ends[2], ends[3], by_name, ALL)
        if not store.lineage.remove(start.id, end.id):
            raise ApiError(HTTPStatus.NOT_FOUND, "Lineage edge not found")


def delete_by_source(store: Store, entity_type: str, key: str, source: str, by_name: bool) -> None:
    """``DELETE /lineage/{type}/{id}/type/{source}`` (incoming edges of that source) and,
    in 2.0, ``DELETE /lineage/source/name/{type}/{fqn}/type/{source}`` (every edge of that
    source touching the entity)."""
    with store.lock:
        record = resolve_end(store, entity_type, key, by_name, ALL)
        store.lineage.remove_by_source(record.id, source, incoming_only=not by_name)


def depth(value: str | None, name: str) -> int:
    """``upstreamDepth``/``downstreamDepth``: default 1, ``@Min(0)``, ``@Max(3)``."""
    if value is None:
        return 1
    try:
        number = int(value)
    except ValueError:
        raise no_route() from None
    if number > MAX_DEPTH:
        raise bad_request(f"[query param {name} must be less than or equal to {MAX_DEPTH}]")
    if number < 0:
        raise bad_request(f"[query param {name} must be greater than or equal to 0]")
    return number


def entity_lineage(store: Store, root: Record, up: int, down: int) -> Json:
    """``EntityLineage`` of ``root``: nodes and edges ``up`` levels upstream and ``down``
    levels downstream (nodes resolved with include=all). Edges a pipeline or stored
    procedure carries as ``lineageDetails.pipeline`` count as its downstream edges."""
    edges = store.lineage.edges()
    upstream = _walk(edges, root.id, up, lambda e: e.to_id, lambda e: e.from_id)
    downstream = _walk(edges, root.id, down, lambda e: e.from_id, lambda e: e.to_id)
    if root.kind.entity_type in ("pipeline", "storedProcedure"):
        carried = [e for e in edges if (e.details.get("pipeline") or {}).get("id") == root.id]
        downstream += [e for e in carried if e not in downstream]
    node_ids = {e.from_id for e in upstream + downstream} | {e.to_id for e in upstream + downstream}
    node_ids.discard(root.id)
    nodes = []
    for node_id in sorted(node_ids):
        record = store.record(node_id)
        if record is not None:
            nodes.append(reference_to(record.kind, record.entity))
    entity = reference_to(root.kind, root.entity)
    entity["href"] = root.entity.get("href")
    return {
        "entity": entity,
        "nodes": nodes,
        "upstreamEdges": [e.answer for e in upstream],
        "downstreamEdges": [e.answer for e in downstream],
    }


def _walk(edges: list[Edge], start: str, levels: int, near: Any, far: Any) -> list[Edge]:
    found: list[Edge] = []
    frontier = {start}
    for _ in range(levels):
        step = [e for e in edges if near(e) in frontier and e not in found]
        found += step
        frontier = {far(e) for e in step}
    return found
