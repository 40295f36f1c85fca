"""The entities the stand-in holds, in memory, by kind, fully qualified name and id."""

from __future__ import annotations

import threading
import uuid
from http import HTTPStatus
from typing import Any

from metadata.utils.fqn import quote_name
from pydantic import ValidationError

from local_harness.catalogue import Kind, available_kinds, reference_to
from local_harness.rules import ApiError, check_columns, not_found

# Fields a child copies from its parent: a table knows its schema, database and service.
INHERITED = ("service", "database", "databaseSchema", "parent", "directory")


def validation_message(exc: ValidationError) -> str:
    """A pydantic error as the server words a bean-validation failure: ``[field] problem``."""
    return "; ".join(f"[{'.'.join(str(p) for p in e['loc'])}] {e['msg']}" for e in exc.errors())


class Store:
    """Every stored entity, with its parent, in the order it was first created."""

    def __init__(self) -> None:
        self.kinds = available_kinds()
        self._by_fqn: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in self.kinds}
        self._by_id: dict[str, tuple[str, str]] = {}
        self._parents: dict[str, str | None] = {}  # entity id -> parent entity id
        self._lock = threading.RLock()

    def entities(self) -> list[tuple[str, dict[str, Any]]]:
        """Every stored entity as (kind name, entity), in the order they were created."""
        with self._lock:
            return [(kind, self._by_fqn[kind][fqn]) for kind, fqn in self._by_id.values()]

    def parent_id(self, entity_id: str) -> str | None:
        return self._parents.get(entity_id)

    def get(self, kind: Kind, fqn: str) -> dict[str, Any]:
        with self._lock:
            entity = self._by_fqn[kind.name].get(fqn)
        if entity is None:
            raise not_found(kind.ref_type, fqn)
        return entity

    def get_by_id(self, kind: Kind, entity_id: str) -> dict[str, Any]:
        with self._lock:
            found = self._by_id.get(entity_id)
            if found is None or found[0] != kind.name:
                raise not_found(kind.ref_type, entity_id)
            return self._by_fqn[kind.name][found[1]]

    def put(self, kind: Kind, payload: Any) -> tuple[dict[str, Any], bool]:
        """Create or update from a create request; returns the entity and whether it is new."""
        try:
            request = kind.create_class.model_validate(payload)
        except ValidationError as exc:
            raise ApiError(HTTPStatus.BAD_REQUEST, validation_message(exc)) from None
        data = request.model_dump(mode="json", exclude_none=True, by_alias=True)
        with self._lock:
            parent = self._parent_of(kind, data)
            references = {
                field: [self._lookup(self.kinds[target], fqn) for fqn in data.get(field) or []]
                for field, target in kind.references
            }
            check_columns(data)
            name = quote_name(data["name"])
            fqn = f"{parent['fullyQualifiedName']}.{name}" if parent else name
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
            target_kind = self.kinds[target]
            if isinstance(value, dict):  # an EntityReference
                if value.get("fullyQualifiedName"):
                    return self._lookup(target_kind, value["fullyQualifiedName"])
                return self.get_by_id(target_kind, str(value.get("id")))
            return self._lookup(target_kind, value)
        return None

    def _lookup(self, kind: Kind, fqn: str) -> dict[str, Any]:
        entity = self._by_fqn[kind.name].get(fqn)
        if entity is None:
            raise not_found(kind.ref_type, fqn)
        return entity

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
        for field, targets in references.items():
            target_kind = self.kinds[dict(kind.references)[field]]
            entity[field] = [reference_to(target_kind, target) for target in targets]
        if parent is not None:
            parent_kind = self.kinds[self._by_id[parent["id"]][0]]
            for field in INHERITED:
                if field in parent and field in entity_class.model_fields:
                    entity[field] = parent[field]
            own_field = next(field for field, target in kind.parents if target == parent_kind.name)
            entity[own_field] = reference_to(parent_kind, parent)
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
            raise ApiError(HTTPStatus.BAD_REQUEST, validation_message(exc)) from None
        return model.model_dump(mode="json", exclude_none=True, by_alias=True)  # type: ignore[no-any-return]


def entity_tree(store: Store) -> list[tuple[int, str, str]]:
    """(depth, kind, fqn) of every stored entity, children under their parents."""
    children: dict[str | None, list[tuple[str, dict[str, Any]]]] = {}
    for kind, entity in store.entities():
        children.setdefault(store.parent_id(entity["id"]), []).append((kind, entity))
    rows: list[tuple[int, str, str]] = []

    def walk(parent: str | None, depth: int) -> None:
        for kind, entity in children.get(parent, []):
            rows.append((depth, kind, entity["fullyQualifiedName"]))
            walk(entity["id"], depth + 1)

    walk(None, 0)
    return rows
