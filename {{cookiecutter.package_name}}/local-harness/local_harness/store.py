"""The stand-in's state, in memory: every entity with its parent, the type registry, the
lineage graph, pipeline statuses, usage, and the log of soft deletions.

Writes go through ``writes`` (create, update, patch) and ``deletion`` (delete, restore,
deleteStale), which apply the server's rules; this module only keeps and finds things.
An entity is stored as the server's JSON with every field, relationship fields included
(owners, tags...); ``reads`` decides what a response shows. Each stored entity is a
``Record``: the entity, its kind, the id of the entity that contains it (the CONTAINS
relationship: a table's schema, a tag's classification) and whether it was seeded.

All access holds ``Store.lock`` (the HTTP server answers on several threads).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from local_harness import fqn as fqns
from local_harness.catalogue import ALL, NON_DELETED, Kind, available_kinds
from local_harness.custom_properties import TypeRegistry
from local_harness.errors import not_found
from local_harness.lineage import Lineage
from local_harness.release import Release
from local_harness.timeseries import PipelineStatuses, Usage

Json = dict[str, Any]
INCLUDES = ("all", "deleted", "non-deleted")
# Entity types a server knows besides the kinds served (deleteStale scopes, custom properties).
OTHER_ENTITY_TYPES = ("glossary", "glossaryTerm", "domain", "dataProduct", "apiEndpoint")


@dataclass
class Record:
    """A stored entity. ``seeded``: a fresh server already has it; ``touched``: a request
    changed it since (seeded records are left out of ``entities()`` until touched)."""

    kind: Kind
    entity: Json
    parent_id: str | None
    seeded: bool = False
    touched: bool = False
    last_update_by: str | None = None  # for EntityUpdater's change consolidation
    last_update_at: float = 0.0

    @property
    def id(self) -> str:
        return str(self.entity["id"])

    @property
    def fqn(self) -> str:
        return str(self.entity["fullyQualifiedName"])

    @property
    def deleted(self) -> bool:
        return bool(self.entity.get("deleted"))


def included(entity: Json, include: str) -> bool:
    """Whether ``entity`` is visible with ``include`` (``Include`` in the server)."""
    deleted = bool(entity.get("deleted"))
    return include == ALL or (deleted if include == "deleted" else not deleted)


class Store:
    """Every entity the stand-in holds. ``release``: the server release it plays."""

    def __init__(self, release: Release | str | None = None) -> None:
        if release is None:
            from importlib.metadata import version

            release = version("openmetadata-ingestion")
        self.release = release if isinstance(release, Release) else Release(release)
        self.kinds = available_kinds(self.release)
        self.types = TypeRegistry(
            [*(kind.entity_type for kind in self.kinds.values()), *OTHER_ENTITY_TYPES]
        )
        self.lineage = Lineage()
        self.statuses = PipelineStatuses()
        self.usage = Usage()
        self.lock = threading.RLock()
        self.base_url = ""  # "http://host:port/api": the prefix of every entity's href
        self._records: dict[str, Record] = {}
        self._by_fqn: dict[str, dict[str, str]] = {name: {} for name in self.kinds}
        self._deletions: list[str] = []

    # --- what a run sent ------------------------------------------------------------------

    def entities(self) -> list[tuple[str, Json]]:
        """Every entity requests created or changed, deleted ones included (with their
        ``deleted`` flag), as (entity class name, entity), in creation order. Entities a
        fresh server already has (``seeds``) are left out unless a request changed them."""
        with self.lock:
            return [
                (record.kind.name, record.entity)
                for record in self._records.values()
                if not record.seeded or record.touched
            ]

    def records(self, with_seeds: bool = False) -> list[Record]:
        with self.lock:
            return [r for r in self._records.values() if with_seeds or not r.seeded or r.touched]

    def deletions(self) -> list[str]:
        """The FQNs soft-deleted so far, in order: one item per entity that went from live
        to deleted (a recursive delete logs each child it deletes)."""
        with self.lock:
            return list(self._deletions)

    def log_deletion(self, fqn: str) -> None:
        with self.lock:
            self._deletions.append(fqn)

    # --- finding ----------------------------------------------------------------------

    def kind_of_type(self, entity_type: str) -> Kind | None:
        """The kind whose server type string is ``entity_type`` (``table`` -> Table)."""
        return next((k for k in self.kinds.values() if k.entity_type == entity_type), None)

    def lookup_name(self, kind: Kind, name: str) -> str:
        """The FQN a by-name lookup searches: services and users quote the name first."""
        return fqns.quote_name(name) if kind.quote_fqn else name

    def record(self, entity_id: str) -> Record | None:
        with self.lock:
            return self._records.get(entity_id)

    def record_by_name(self, kind: Kind, fqn: str) -> Record | None:
        with self.lock:
            entity_id = self._by_fqn[kind.name].get(fqn)
            return self._records.get(entity_id) if entity_id else None

    def get(self, kind: Kind, name: str, include: str = NON_DELETED) -> Record:
        """By FQN, or 404 ``<type> instance for <fqn> not found``."""
        looked_up = self.lookup_name(kind, name)
        record = self.record_by_name(kind, looked_up)
        if record is None or not included(record.entity, include):
            raise not_found(kind.entity_type, looked_up)
        return record

    def get_by_id(self, kind: Kind, entity_id: str, include: str = NON_DELETED) -> Record:
        """By id, or 404 ``<type> instance for <id> not found``."""
        record = self.record(entity_id)
        if record is None or record.kind.name != kind.name or not included(record.entity, include):
            raise not_found(kind.entity_type, entity_id)
        return record

    # The rules' Lookup protocol: by kind name, None when missing.
    def find_by_name(self, kind: str, name: str, include: str) -> Json | None:
        if kind not in self.kinds:
            return None
        record = self.record_by_name(self.kinds[kind], self.lookup_name(self.kinds[kind], name))
        return record.entity if record and included(record.entity, include) else None

    def find_by_id(self, kind: str, entity_id: str, include: str) -> Json | None:
        record = self.record(entity_id)
        if record is None or record.kind.name != kind or not included(record.entity, include):
            return None
        return record.entity

    def children(self, parent_id: str, include: str = ALL) -> list[Record]:
        """The entities ``parent_id`` CONTAINS (a schema's tables, a classification's tags)."""
        with self.lock:
            return [
                r
                for r in self._records.values()
                if r.parent_id == parent_id and included(r.entity, include)
            ]

    def select(self, kind: Kind, include: str, prefixes: dict[str, str]) -> list[Record]:
        """The entities of ``kind`` visible with ``include`` whose FQN lies under every
        prefix of ``prefixes`` (the server's ``ListFilter``: ``fqnHash LIKE '<fqn>.%'``)."""
        with self.lock:
            return [
                self._records[entity_id]
                for entity_id in self._by_fqn[kind.name].values()
                if included(self._records[entity_id].entity, include)
                and all(fqns.is_under(self._records[entity_id].fqn, p) for p in prefixes.values())
            ]

    # --- keeping ----------------------------------------------------------------------

    def add(self, record: Record) -> None:
        with self.lock:
            self._records[record.id] = record
            self._by_fqn[record.kind.name][record.fqn] = record.id

    def remove(self, record: Record) -> None:
        """Forget an entity (a hard delete), its lineage edges and time series."""
        with self.lock:
            self._records.pop(record.id, None)
            self._by_fqn[record.kind.name].pop(record.fqn, None)
            self.lineage.forget(record.id)
            self.statuses.forget(record.fqn)
            self.usage.forget(record.id)
