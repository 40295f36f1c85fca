"""Create, update and patch entities the way the server's ``EntityResource`` and
``EntityRepository`` do.

``put`` (``PUT /<collection>``, and each item of ``PUT /<collection>/bulk``) runs the
server's steps in its order, the first failure winning:

1. JSON mapping and bean validation of the create request (``payloads``);
2. the mapper (``createToEntity``): owners, domains, table shape and column rules
   (``rules``);
3. ``prepareInternal``: tags (entity, columns, tasks, fields...), the parent and the
   other references (404 if missing), the FQN (``fqn``);
4. create (201, ``entityCreated``), validating ``extension`` (``custom_properties``), or
   update (200, ``entityUpdated``/``entityNoChange``) with ``EntityUpdater``'s rules
   (``merge``): tags are added, never removed; empty owners keep the stored ones; a bot
   keeps a non-empty description and its ``extension`` is ignored; a soft-deleted entity
   is restored first. The version goes up 0.1, or 1.0 for a column removed or narrowed;
   in the 1.5 family an update by the same user within 10 minutes keeps the version
   (change consolidation).

``patch`` applies a JSON Patch to the stored entity, restores what a patch cannot
change (id, name, FQN, parents), and re-runs the checks (tags replaced, not merged).
"""

from __future__ import annotations

import copy
import hashlib
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ValidationError

from local_harness import fqn as fqns
from local_harness import rules
from local_harness.auth import Principal
from local_harness.catalogue import ALL, NON_DELETED, Kind, Link, reference_to
from local_harness.errors import ApiError, bad_request, not_found, unhandled
from local_harness.patch import PatchError, apply_patch
from local_harness.payloads import mapping_error, overlay, read_request
from local_harness.store import Record, Store

Json = dict[str, Any]
VOLATILE = frozenset(
    {
        "version",
        "updatedAt",
        "updatedBy",
        "changeDescription",
        "incrementalChangeDescription",
        "href",
    }
)
# Set by their own endpoints, never by a PUT of the create request: an update keeps them.
KEPT_ON_UPDATE = (
    "followers",
    "votes",
    "sampleData",
    "pipelineStatus",
    "usageSummary",
    "profile",
    "joins",
    "customMetrics",
    "testSuite",
    "certification",
)
CONSOLIDATION_S = 10 * 60  # EntityUpdater's SESSION_TIMEOUT
# Request fields holding ids (or names) of other entities, by kind: field -> (kind, by name).
ID_LISTS: dict[str, dict[str, tuple[str, bool]]] = {
    "User": {"teams": ("Team", False), "roles": ("Role", False)},
    "Team": {
        "parents": ("Team", False),
        "users": ("User", False),
        "children": ("Team", False),
        "defaultRoles": ("Role", False),
        "policies": ("Policy", False),
    },
    "Query": {"users": ("User", True)},
}
ENTITY_TYPES = {"Team": "team", "User": "user", "Role": "role", "Policy": "policy"}


@dataclass
class Written:
    """The outcome of a write: the record, the HTTP status and the change type
    (the ``X-OpenMetadata-Change`` header)."""

    record: Record
    status: HTTPStatus
    change: str


@dataclass
class Prepared:
    """A create request checked and resolved, ready to become an entity."""

    kind: Kind
    data: Json
    fqn: str
    parent: Record | None
    links: dict[str, Record] = field(default_factory=dict)
    lists: dict[str, list[Json]] = field(default_factory=dict)


def java_class(kind: Kind) -> str:
    """The server's request class, for the 1.5 family's Jackson texts."""
    package = kind.create_module.rsplit(".", 1)[0]
    return f"org.openmetadata.schema.api.{package}.Create{kind.name}"


# --- PUT / POST ----------------------------------------------------------------------------


def put(
    store: Store,
    kind: Kind,
    body: Any,
    who: Principal,
    override: bool = False,
    bulk_item: bool = False,
) -> Written:
    """``PUT /<collection>``: create or update (see the module docstring)."""
    with store.lock:
        prepared = prepare(store, kind, body, bulk_item)
        existing = store.record_by_name(kind, prepared.fqn)
        if existing is None:
            return Written(create(store, prepared, who), HTTPStatus.CREATED, "entityCreated")
        return update(store, existing, prepared, who, override)


def post(store: Store, kind: Kind, body: Any, who: Principal) -> Written:
    """``POST /<collection>``: create only; an existing FQN (even soft-deleted) -> 409
    ``Entity already exists`` (the database's unique key)."""
    with store.lock:
        prepared = prepare(store, kind, body, False)
        if store.record_by_name(kind, prepared.fqn) is not None:
            raise ApiError(HTTPStatus.CONFLICT, "Entity already exists")
        return Written(create(store, prepared, who), HTTPStatus.CREATED, "entityCreated")


def prepare(store: Store, kind: Kind, body: Any, bulk_item: bool) -> Prepared:
    """Steps 1 to 3 of a write: the request checked and its references resolved."""
    data = read_request(kind.create_class, body, store.release, java_class(kind), bulk_item)
    data["owners"] = rules.check_owners(data.get("owners"), store, store.release)
    rules.check_domains(data)
    if kind.name == "Table":
        rules.check_table_shape(data)
    for path in kind.column_rules:
        columns = get_path(data, path)
        if columns is not None:
            set_path(data, path, rules.check_columns(columns))
    data["tags"] = rules.resolve_tags(data.get("tags"), store)
    for path in kind.nested:
        for item in walk(get_path(data, path)):
            if item.get("tags"):
                item["tags"] = rules.resolve_tags(item["tags"], store)
    links = _resolve_links(store, kind, data)
    parent = next((links[link.field] for link in kind.links if link.field in links), None)
    if kind.name == "Table" and store.release.modern:
        rules.check_constraint_references(data, store)
    lists = {link.field: _resolve_list(store, link, data.get(link.field)) for link in kind.lists}
    lists.update(_resolve_id_lists(store, kind, data))
    if kind.name == "Query":
        checksum = hashlib.md5(str(data["query"]).encode()).hexdigest()  # EntityUtil.hash
        data.setdefault("name", checksum)
        data["checksum"] = checksum
        lists["queryUsedIn"] = [_resolve_reference(store, r) for r in data.get("queryUsedIn") or []]
    _check_same_service(kind, links)
    name = str(data["name"])
    if parent is None:
        full_name = fqns.quote_name(name)
    elif kind.fqn_infix:
        full_name = fqns.add(fqns.add(parent.fqn, kind.fqn_infix), name)
    else:
        full_name = fqns.add(parent.fqn, name)
    return Prepared(kind, data, full_name, parent, links, lists)


def _resolve_links(store: Store, kind: Kind, data: Json) -> dict[str, Record]:
    """The parent and service references (each repository's ``prepare``), by field."""
    links = {}
    for link in kind.links:
        value = data.get(link.field)
        if value is None:
            continue
        target = store.kinds[link.targets[0]]
        if link.by_reference:
            links[link.field] = store.get_by_id(target, str(value.get("id")), link.include)
        else:
            links[link.field] = store.get(target, str(value), link.include)
    return links


def _resolve_list(store: Store, link: Link, names: list[str] | None) -> list[Json]:
    """FQN lists (a dashboard's ``charts``): each must exist (``getEntityReferences``)."""
    if link.targets[0] not in store.kinds:
        return []
    target = store.kinds[link.targets[0]]
    return [
        reference_to(target, store.get(target, str(name), link.include).entity)
        for name in names or []
    ]


def _resolve_id_lists(store: Store, kind: Kind, data: Json) -> dict[str, list[Json]]:
    """Ids (or names) of users, teams, roles in user, team and query requests."""
    resolved = {}
    for field_name, (target, by_name) in ID_LISTS.get(kind.name, {}).items():
        references = []
        for value in data.get(field_name) or []:
            key = str(value.get("id") if isinstance(value, dict) else value)
            found = (
                store.find_by_name(target, key, ALL)
                if by_name
                else store.find_by_id(target, key, ALL)
            )
            if found is None:
                raise not_found(ENTITY_TYPES[target], key)
            references.append(reference_to(store.kinds[target], found))
        resolved[field_name] = references
    if kind.name == "Team" and not data.get("parents") and data.get("teamType") != "Organization":
        organization = store.find_by_name("Team", "Organization", ALL)
        if (
            organization is not None
        ):  # TeamRepository: a team without parents joins the organization
            resolved["parents"] = [reference_to(store.kinds["Team"], organization)]
    return resolved


def _resolve_reference(store: Store, reference: Json) -> Json:
    """An EntityReference (``{"id", "type"}``) to a stored entity, or 404."""
    kind = store.kind_of_type(str(reference.get("type")))
    entity_id = str(reference.get("id"))
    if kind is None:
        raise not_found(str(reference.get("type")), entity_id)
    return reference_to(kind, store.get_by_id(kind, entity_id, NON_DELETED).entity)


def _check_same_service(kind: Kind, links: dict[str, Record]) -> None:
    """``DirectoryRepository.prepare``: a parent directory of another service -> 400
    ``Parent directory <fqn> does not belong to service <fqn>``."""
    parent, service = links.get("parent"), links.get("service")
    if (
        kind.name == "Directory"
        and parent is not None
        and service is not None
        and (parent.entity.get("service") or {}).get("id") != service.id
    ):
        raise bad_request(f"Parent directory {parent.fqn} does not belong to service {service.fqn}")


def build(store: Store, prepared: Prepared, entity_id: str) -> Json:
    """The entity a prepared request becomes, as the server stores it."""
    kind, data = prepared.kind, prepared.data
    linked = {link.field for link in kind.links} | set(prepared.lists)
    entity: Json = {
        key: copy.deepcopy(value)
        for key, value in data.items()
        if key in kind.fields and key not in linked and key not in ("owners", "domain", "domains")
    }
    if "owners" in kind.fields:
        entity["owners"] = [_owner_reference(store, owner) for owner in data.get("owners") or []]
    if prepared.parent is not None:
        for inherited in kind.inherit:
            if inherited in prepared.parent.entity and inherited in kind.fields:
                entity[inherited] = copy.deepcopy(prepared.parent.entity[inherited])
    for link in kind.links:
        if link.field in prepared.links:
            target = prepared.links[link.field]
            entity[link.target_field] = reference_to(target.kind, target.entity)
    if kind.name == "Tag":
        parent_tag = prepared.links.get("parent")
        if parent_tag is not None:
            entity["classification"] = copy.deepcopy(parent_tag.entity.get("classification"))
    entity.update({name: refs for name, refs in prepared.lists.items() if name in kind.fields})
    for path in kind.nested:
        _set_nested_fqns(get_path(entity, path), prepared.fqn)
    entity.update(id=entity_id, fullyQualifiedName=prepared.fqn, deleted=False)
    if store.base_url:
        entity["href"] = f"{store.base_url}/v1{kind.collection}/{entity_id}"
    return entity


def _owner_reference(store: Store, owner: Json) -> Json:
    kind = store.kinds["Team" if owner.get("type") == "team" else "User"]
    found = store.record(str(owner.get("id")))
    return reference_to(kind, found.entity) if found else dict(owner)


def _set_nested_fqns(items: list[Json] | None, parent_fqn: str) -> None:
    for item in items or []:
        if item.get("name") is not None:
            item["fullyQualifiedName"] = fqns.add(parent_fqn, str(item["name"]))
            _set_nested_fqns(item.get("children"), item["fullyQualifiedName"])


def validated(store: Store, kind: Kind, entity: Json) -> Json:
    """``entity`` through the entity model: the shape the client will parse. A service
    whose connection does not fit its type -> 400 ``Failed to convert [<name>] to type
    [<serviceType>]. Review the connection.`` (InvalidServiceConnectionException)."""
    try:
        known = {key: value for key, value in entity.items() if key in kind.fields}
        model: BaseModel = kind.entity_class.model_validate(known)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"] and first["loc"][0] == "connection":
            raise bad_request(
                f"Failed to convert [{entity.get('name')}] to type [{entity.get('serviceType')}]. "
                f"Review the connection.\n{first['msg']}"
            ) from None
        location = ".".join(str(part) for part in first["loc"])
        raise mapping_error(store.release, f"{location}: {first['msg']}") from None
    # The 2.0 client's entity models rewrite names when they validate: keep our strings.
    dumped = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return overlay(dumped, known)


def create(store: Store, prepared: Prepared, who: Principal) -> Record:
    """A new entity (``createInternal``): ``extension`` checked, version 0.1."""
    store.types.check_extension(prepared.kind.entity_type, prepared.data.get("extension"))
    entity = build(store, prepared, str(uuid.uuid4()))
    entity.update(version=0.1, updatedAt=_now_ms(), updatedBy=who.name)
    record = Record(prepared.kind, validated(store, prepared.kind, entity), _parent_id(prepared))
    store.add(record)
    return record


def _parent_id(prepared: Prepared) -> str | None:
    return prepared.parent.id if prepared.parent is not None else None


# --- Updates -------------------------------------------------------------------------------


def update(
    store: Store, record: Record, prepared: Prepared, who: Principal, override: bool
) -> Written:
    """An update by PUT (``EntityUpdater``): merge, then version and change type."""
    restored = record.deleted
    if restored:
        restore_tree(store, record, who)
    old = record.entity
    new = build(store, prepared, record.id)
    merge(old, new, bot=who.bot and not override)
    if prepared.data.get("extension") is not None and not who.bot and not override:
        store.types.check_extension(record.kind.entity_type, _changed_keys(old, new, "extension"))
    new["tags"] = rules.resolve_tags(new.get("tags"), store)  # mutual exclusion, merged
    return _commit(store, record, new, who, restored)


def merge(old: Json, new: Json, bot: bool) -> None:
    """``EntityUpdater`` on a PUT: what of ``old`` survives in ``new`` (changed in place)."""
    for kept in KEPT_ON_UPDATE:
        if kept in old:
            new[kept] = old[kept]
    for kept in ("dataModel", "lifeCycle", "extension"):
        if new.get(kept) is None and kept in old:
            new[kept] = old[kept]
    if bot and "extension" in old:
        new["extension"] = old["extension"]
    elif bot:
        new.pop("extension", None)
    if not new.get("owners"):
        new["owners"] = old.get("owners") or []
    new["tags"] = rules.merge_tags(old.get("tags"), new.get("tags"))
    if bot and old.get("description"):
        new["description"] = old["description"]
    if old.get("lifeCycle") and new.get("lifeCycle"):
        new["lifeCycle"] = _later_life_cycle(old["lifeCycle"], new["lifeCycle"])
    for nested in ("columns", "tasks"):
        if isinstance(new.get(nested), list):
            _merge_items(old.get(nested) or [], new[nested], bot)


def _merge_items(old_items: list[Json], new_items: list[Json], bot: bool) -> None:
    """Columns and tasks: a bot keeps each one's description; tags are added."""
    by_name = {item.get("name"): item for item in old_items}
    for item in new_items:
        previous = by_name.get(item.get("name"))
        if previous is None:
            continue
        if bot and previous.get("description"):
            item["description"] = previous["description"]
        item["tags"] = rules.merge_tags(previous.get("tags"), item.get("tags"))
        if not item["tags"]:
            item.pop("tags")
        if isinstance(item.get("children"), list):
            _merge_items(previous.get("children") or [], item["children"], bot)


def _later_life_cycle(old: Json, new: Json) -> Json:
    """``lifeCycle``: each of created/updated/accessed keeps the later timestamp."""
    merged = dict(old)
    for key, value in new.items():
        if (
            not isinstance(value, dict)
            or not isinstance(old.get(key), dict)
            or (value.get("timestamp") or 0) >= (old[key].get("timestamp") or 0)
        ):
            merged[key] = value
    return merged


def _changed_keys(old: Json, new: Json, name: str) -> Json:
    before, after = old.get(name) or {}, new.get(name) or {}
    return {key: value for key, value in after.items() if before.get(key) != value}


def _commit(store: Store, record: Record, new: Json, who: Principal, restored: bool) -> Written:
    old = record.entity
    if not restored and _comparable(old) == _comparable(validated(store, record.kind, new)):
        return Written(record, HTTPStatus.OK, "entityNoChange")
    now = time.time()
    consolidate = (
        not store.release.modern
        and record.last_update_by == who.name
        and now - record.last_update_at < CONSOLIDATION_S
    )
    step = 1.0 if _major_change(old, new) else 0.1
    new["version"] = old["version"] if consolidate else round(old["version"] + step, 1)
    new.update(updatedAt=_now_ms(), updatedBy=who.name, deleted=False)
    record.entity = validated(store, record.kind, new)
    record.touched = True
    record.last_update_by, record.last_update_at = who.name, now
    return Written(record, HTTPStatus.OK, "entityUpdated")


def _comparable(entity: Json) -> Json:
    return {key: value for key, value in entity.items() if key not in VOLATILE}


def _major_change(old: Json, new: Json) -> bool:
    """``EntityUpdater``'s major changes: a column removed, its ``dataLength`` narrowed
    or newly set, its ``precision``/``scale`` narrowed or removed."""
    before = {c.get("fullyQualifiedName"): c for c in walk(old.get("columns"))}
    after = {c.get("fullyQualifiedName"): c for c in walk(new.get("columns"))}
    if set(before) - set(after):
        return True
    for name, column in after.items():
        previous = before.get(name)
        if previous is None:
            continue
        for key in ("dataLength", "precision", "scale"):
            was, now = previous.get(key), column.get(key)
            if key == "dataLength" and was is None and now is not None:
                return True
            if was is not None and (now is None or now < was):
                return True
    return False


def restore_tree(store: Store, record: Record, who: Principal) -> None:
    """``EntityRepository.restoreEntity``: the entity and what it CONTAINS, recursively."""
    for child in store.children(record.id, include="deleted"):
        restore_tree(store, child, who)
    if record.deleted:
        entity = dict(record.entity)
        entity.update(
            deleted=False,
            version=round(entity["version"] + 0.1, 1),
            updatedAt=_now_ms(),
            updatedBy=who.name,
        )
        record.entity = entity
        record.touched = True


# --- PATCH ---------------------------------------------------------------------------------


def etag(entity: Json) -> str:
    """The strong ETag of an entity (2.0 family, ``EntityETag``)."""
    digest = hashlib.sha256(f"{entity.get('version')}-{entity.get('updatedAt')}".encode())
    return f'"{digest.hexdigest()[:16]}"'


def patch(
    store: Store, record: Record, operations: Any, who: Principal, if_match: str | None
) -> Written:
    """``PATCH /<collection>/{id}`` (``EntityRepository.patch``): JSON Patch on the
    stored entity; 412 when ``If-Match`` names another version (2.0 family); a patch that
    cannot apply -> 500 (the server does not map ``JsonException``)."""
    with store.lock:
        old = record.entity
        if (
            if_match
            and store.release.modern
            and if_match
            not in (
                "*",
                etag(old),
                f'W/"{old.get("version")}"',
            )
        ):
            raise ApiError(
                HTTPStatus.PRECONDITION_FAILED,
                f"The entity has been modified. Current ETag: {etag(old)}. "
                "Please refresh and retry with the latest version.",
            )
        try:
            new = apply_patch(old, operations)
        except PatchError as err:
            raise unhandled(str(err)) from None
        if not isinstance(new, dict):
            raise unhandled("a JSON Patch must leave an object")
        kind = record.kind
        for fixed in ("id", "name", "fullyQualifiedName", "href", "deleted", "version"):
            if fixed in old:
                new[fixed] = old[fixed]
        for link in kind.links:  # restorePatchAttributes: parents cannot change
            if link.target_field in old:
                new[link.target_field] = old[link.target_field]
        _check_patched(store, kind, old, new)
        return _commit(store, record, new, who, restored=False)


def _check_patched(store: Store, kind: Kind, old: Json, new: Json) -> None:
    """What ``prepareInternal(update=true)`` re-checks after a patch."""
    new["owners"] = [
        _owner_reference(store, o)
        for o in rules.check_owners(new.get("owners"), store, store.release)
    ]
    for path in kind.column_rules:
        columns = get_path(new, path)
        if columns is not None:
            set_path(new, path, rules.check_columns(columns))
    new["tags"] = rules.resolve_tags(new.get("tags"), store)
    for path in kind.nested:
        _set_nested_fqns(get_path(new, path), str(old["fullyQualifiedName"]))
        for item in walk(get_path(new, path)):
            if item.get("tags"):
                item["tags"] = rules.resolve_tags(item["tags"], store)
    store.types.check_extension(kind.entity_type, _changed_keys(old, new, "extension"))


# --- Helpers -------------------------------------------------------------------------------


def get_path(data: Json, path: str) -> Any:
    """``data["a"]["b"]`` for ``"a.b"``, or None."""
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def set_path(data: Json, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def walk(items: list[Json] | None) -> list[Json]:
    """``items`` and their ``children``, depth first."""
    found: list[Json] = []
    for item in items or []:
        found.append(item)
        found.extend(walk(item.get("children")))
    return found


def _now_ms() -> int:
    return int(time.time() * 1000)
