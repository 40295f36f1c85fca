"""Reads: query parameters, what an entity shows for ``fields=``, and listing pages.

Sources: ``EntityResource.listInternal``/``getInternal``, ``EntityRepository.listAfter``/
``listBefore``, ``EntityUtil.Fields``, ``ResultList``, ``RestUtil``, ``ListFilter``.

- ``fields``: comma-separated entity fields (spaces ignored; ``*`` for all); a name the
  entity does not have -> 400 ``Invalid field name <name>``. Without it a response has
  the stored attributes and parent references but no owners, tags, extension,
  followers, domains... (``catalogue``: ``on_request``); column (task, field) tags show
  only when both ``tags`` and the column field are asked for.
- ``include``: ``non-deleted`` (default), ``deleted`` or ``all``; anything else -> 400
  ``query param include must be one of [all, deleted, non-deleted]``.
- ``limit``: default 10, 0..1000000 -> 400 ``[query param limit must be greater than or
  equal to 0]`` / ``[query param limit must be less than or equal to 1000000]``; not a
  number -> 404 ``HTTP 404 Not Found``; ``before`` with ``after`` -> 400 ``Only one of
  before or after query parameter allowed``.
- a list answers ``{"data": [...], "paging": {"before"?, "after"?, "total"}}``, rows
  ordered by name then id; a cursor is the URL-safe base64 (padded) of
  ``{"name": ..., "id": ...}`` of the row it continues from; ``total`` counts every match.
- parent filters (``service``, ``database``, ``databaseSchema``, ``parent``...) keep the
  entities whose FQN lies under the given FQN (``service`` is quoted first); an unknown
  parent gives an empty list.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from typing import Any
from urllib.parse import parse_qs

from local_harness.catalogue import NON_DELETED, Kind, reference_to
from local_harness.errors import bad_request, no_route
from local_harness.store import INCLUDES, Record, Store

Json = dict[str, Any]
MAX_LIMIT = 1_000_000
DEFAULT_LIMIT = 10
PREFIX_FILTERS = ("service", "database", "databaseSchema", "parent", "directory", "spreadsheet")
EMPTY_LISTS = ("owners", "tags", "followers", "dataProducts", "domains")
# Derived lists of what an entity contains, filled when asked for: field -> child kind.
CHILD_LISTS = {
    "databaseSchemas": "DatabaseSchema",
    "tables": "Table",
    "worksheets": "Worksheet",
}


def query_params(query: str) -> dict[str, str]:
    """The query string as a dict (the last value of a repeated parameter wins)."""
    return {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}


def include_param(params: dict[str, str]) -> str:
    include = params.get("include", NON_DELETED)
    if include not in INCLUDES:
        raise bad_request("query param include must be one of [all, deleted, non-deleted]")
    return include


def fields_param(kind: Kind, params: dict[str, str]) -> frozenset[str]:
    raw = params.get("fields")
    if not raw:
        return frozenset()
    names = [name.strip() for name in raw.replace(" ", "").split(",") if name.strip()]
    if "*" in names:
        return kind.fields
    for name in names:
        if name not in kind.fields:
            raise bad_request(f"Invalid field name {name}")
    return frozenset(names)


def present(store: Store, record: Record, fields: frozenset[str]) -> Json:
    """The entity as a read with ``fields`` answers it."""
    kind = record.kind
    entity = copy.deepcopy(record.entity)
    for name in list(entity):
        if kind.returned_only_on_request(name) and name not in fields:
            del entity[name]
    for name in fields:
        if name in entity:
            continue
        if name in EMPTY_LISTS:
            entity[name] = []
        elif name == "usageSummary":
            summary = store.usage.summary(record.id)
            if summary:
                entity[name] = summary
        elif name == "pipelineStatus":
            latest = store.statuses.latest(record.fqn)
            if latest:
                entity[name] = latest
        elif name in CHILD_LISTS or (name == "children" and kind.name in ("Container", "Tag")):
            child_kind = CHILD_LISTS.get(name, kind.name)
            entity[name] = [
                reference_to(child.kind, child.entity)
                for child in store.children(record.id, NON_DELETED)
                if child.kind.name == child_kind
            ]
    for path in kind.nested:
        if "tags" not in fields or path.split(".")[0] not in fields:
            _strip_tags(_at(entity, path))
    return entity


def _at(entity: Json, path: str) -> Any:
    node: Any = entity
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _strip_tags(items: Any) -> None:
    for item in items or []:
        item.pop("tags", None)
        _strip_tags(item.get("children"))


def prefixes(params: dict[str, str], store: Store) -> dict[str, str]:
    """The FQN-prefix filters of a list request (ListFilter)."""
    found = {}
    for name in PREFIX_FILTERS:
        value = params.get(name)
        if value:
            kind = store.kinds.get("DatabaseService")
            found[name] = store.lookup_name(kind, value) if name == "service" and kind else value
    return found


def limit_param(params: dict[str, str], default: int = DEFAULT_LIMIT) -> int:
    raw = params.get("limit")
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise no_route() from None
    if limit < 0:
        raise bad_request("[query param limit must be greater than or equal to 0]")
    if limit > MAX_LIMIT:
        raise bad_request(f"[query param limit must be less than or equal to {MAX_LIMIT}]")
    return limit


def cursor(record: Record) -> str:
    """``EntityRepository.getCursorValue``: base64url of ``{"name", "id"}``."""
    value = json.dumps({"name": record.entity["name"], "id": record.id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(value.encode()).decode()


def _decode_cursor(value: str) -> tuple[str, str]:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        return str(decoded["name"]), str(decoded["id"])
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise bad_request("HTTP 400 Bad Request") from None


def page(
    store: Store, records: list[Record], params: dict[str, str], fields: frozenset[str]
) -> Json:
    """One page of ``records`` (already filtered) as the server lists it."""
    before, after = params.get("before"), params.get("after")
    if before and after:
        raise bad_request("Only one of before or after query parameter allowed")
    limit = limit_param(params)
    rows = sorted(records, key=lambda r: (str(r.entity["name"]), r.id))
    total = len(rows)
    paging: Json = {"total": total}
    if limit == 0:
        return {"data": [], "paging": paging}
    keys = [(str(r.entity["name"]), r.id) for r in rows]
    if before:
        mark = _decode_cursor(before)
        earlier = [r for r, key in zip(rows, keys, strict=True) if key < mark]
        chosen = earlier[-limit:]
        if len(earlier) > limit:
            paging["before"] = cursor(chosen[0])
        paging["after"] = cursor(chosen[-1]) if chosen else None
    else:
        start = 0
        if after:
            mark = _decode_cursor(after)
            start = next((i for i, key in enumerate(keys) if key > mark), len(rows))
        chosen = rows[start : start + limit]
        if after and chosen:
            paging["before"] = cursor(chosen[0])
        if start + limit < total:
            paging["after"] = cursor(chosen[-1])
    paging = {key: value for key, value in paging.items() if value is not None}
    return {"data": [present(store, r, fields) for r in chosen], "paging": paging}
