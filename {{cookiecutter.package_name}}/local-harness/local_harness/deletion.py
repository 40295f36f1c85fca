"""Deleting and restoring entities as the server's ``EntityRepository`` does.

- ``delete`` (``DELETE /<collection>/{id}`` and ``/name/{fqn}``, ``hardDelete`` and
  ``recursive`` default false; 2.0 family also ``/async/{id}``): the entity is found with
  include=all (404 otherwise). A ``provider: system`` entity -> 400 ``System entity
  [<name>] of type <type> can not be deleted.``. One that CONTAINS live entities -> 400
  ``<type> is not empty`` unless ``recursive``, which deletes the children first, the same
  way. A soft delete sets ``deleted``, bumps the version 0.1 and is logged
  (``Store.deletions``); a hard delete forgets the entity, its lineage and time series.
- ``restore`` (``PUT /<collection>/restore {"id"}``): the entity and what it contains.
- ``delete_stale`` (2.0: ``DELETE /<collection>/deleteStale``, ``BulkDeleteStaleRequest``,
  ``EntityRepository.bulkDeleteStaleEntities``): the live entities of the collection
  under ``scopeFqn`` that ``seenFqns`` does not name are deleted (soft unless
  ``hardDelete``, recursive unless ``recursive: false``), shallowest first, skipping one
  whose ancestor was just deleted; an empty ``seenFqns`` or a missing scope deletes
  nothing. Answers a ``BulkOperationResult`` (``request``: each FQN, status 200).
"""

from __future__ import annotations

import time
import uuid
from http import HTTPStatus
from typing import Any

from local_harness import fqn as fqns
from local_harness.auth import Principal
from local_harness.catalogue import ALL, NON_DELETED, Kind
from local_harness.errors import ApiError, bad_request
from local_harness.store import Record, Store
from local_harness.writes import restore_tree

Json = dict[str, Any]


def delete(store: Store, record: Record, recursive: bool, hard: bool, who: Principal) -> Json:
    """Delete ``record`` (found with include=all); returns the entity as the answer shows it."""
    with store.lock:
        if record.entity.get("provider") == "system":
            raise bad_request(
                f"System entity [{record.entity.get('name')}] of type "
                f"{record.kind.entity_type} can not be deleted."
            )
        children = store.children(record.id, include=ALL if hard else NON_DELETED)
        if children and not recursive:
            raise bad_request(f"{record.kind.entity_type} is not empty")
        for child in children:
            delete(store, child, recursive, hard, who)
        if hard:
            store.remove(record)
            record.touched = True
            return record.entity
        if not record.deleted:
            entity = dict(record.entity)
            entity.update(
                deleted=True,
                version=round(entity["version"] + 0.1, 1),
                updatedAt=int(time.time() * 1000),
                updatedBy=who.name,
            )
            record.entity = entity
            record.touched = True
            store.log_deletion(record.fqn)
        return record.entity


def restore(store: Store, record: Record, who: Principal) -> Json:
    """``PUT /<collection>/restore``. For an entity that is not deleted the server's answer
    was not confirmed; the stand-in returns it unchanged."""
    with store.lock:
        restore_tree(store, record, who)
        return record.entity


def service_kind_of(store: Store, kind: Kind) -> Kind | None:
    """``Entity.getServiceType``: the service kind at the top of ``kind``'s parents."""
    seen = kind
    for _ in range(8):
        if seen.name.endswith("Service"):
            return seen
        # A container's parent is a container, a directory's a directory: not the way up.
        link = next(
            (
                lk
                for lk in seen.links
                if lk.targets[0] in store.kinds and lk.targets[0] != seen.name
            ),
            None,
        )
        if link is None:
            return None
        seen = store.kinds[link.targets[0]]
    return None


def delete_stale(store: Store, kind: Kind, request: Json, who: Principal) -> Json:
    """``DELETE /<collection>/deleteStale`` (2.0)."""
    scope_fqn, scope_type = request.get("scopeFqn"), request.get("scopeEntityType")
    if not scope_fqn:
        raise bad_request("scopeFqn is required for deleteStale")
    if not scope_type:
        raise bad_request("scopeEntityType is required for deleteStale")
    service = service_kind_of(store, kind)
    resolved = service.entity_type if scope_type == "service" and service else scope_type
    scope_kind = store.kind_of_type(resolved)
    if scope_kind is None:
        raise bad_request(f"Unsupported scopeEntityType '{scope_type}' for deleteStale")
    dry_run = bool(request.get("dryRun"))
    succeeded: list[Json] = []
    failed: list[Json] = []
    with store.lock:
        seen = set(request.get("seenFqns") or [])
        if seen and store.find_by_name(scope_kind.name, scope_fqn, NON_DELETED) is not None:
            scope = store.lookup_name(scope_kind, scope_fqn)
            stale = [
                r for r in store.select(kind, NON_DELETED, {"scope": scope}) if r.fqn not in seen
            ]
            stale.sort(key=lambda r: len(fqns.split(r.fqn)))
            deleted: list[str] = []
            for record in stale:
                if dry_run or any(fqns.is_under(record.fqn, d) for d in deleted):
                    succeeded.append({"request": record.fqn, "status": HTTPStatus.OK.value})
                    continue
                try:
                    delete(
                        store,
                        record,
                        recursive=request.get("recursive") is not False,
                        hard=bool(request.get("hardDelete")),
                        who=who,
                    )
                except ApiError as err:
                    failed.append(
                        {
                            "request": record.fqn,
                            "status": HTTPStatus.INTERNAL_SERVER_ERROR.value,
                            "message": err.message,
                        }
                    )
                else:
                    deleted.append(record.fqn)
                    succeeded.append({"request": record.fqn, "status": HTTPStatus.OK.value})
    return {
        "dryRun": dry_run,
        "status": "success" if not failed else "partialSuccess",
        "numberOfRowsProcessed": len(succeeded) + len(failed),
        "numberOfRowsPassed": len(succeeded),
        "numberOfRowsFailed": len(failed),
        "successRequest": succeeded,
        "failedRequest": failed,
    }


def async_answer(entity: Json, recursive: bool, hard: bool) -> Json:
    """The 202 body of ``DELETE /<collection>/async/{id}`` (``DeleteEntityResponse``); the
    stand-in has deleted already when it answers."""
    return {
        "jobId": str(uuid.uuid4()),
        "message": f"Delete operation initiated for {entity.get('name')}",
        "entityName": entity.get("name"),
        "hardDelete": hard,
        "recursive": recursive,
    }
