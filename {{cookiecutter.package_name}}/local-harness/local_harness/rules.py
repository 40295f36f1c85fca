"""What the OpenMetadata server refuses that OpenMetadata's models accept.

Each check works on a request as JSON (a dict), raises the server's ``ApiError`` (status
and message) and names, in its docstring, the server code that enforces the rule. The
checks that need other entities take a ``Lookup`` (the store). Order matters where the
first failure wins; ``store.Store`` calls them in the server's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, Protocol

from local_harness import fqn
from local_harness.catalogue import ALL, NON_DELETED
from local_harness.errors import ApiError, bad_request, not_found, unhandled
from local_harness.release import Release

Json = dict[str, Any]
LENGTH_TYPES = ("CHAR", "VARCHAR", "BINARY", "VARBINARY")
PARTITION_PSEUDO_COLUMNS = ("_PARTITIONDATE", "_PARTITIONTIME")
OWNERSHIP_RULE = (
    "Rule [Multiple Users or Single Team Ownership] validation failed: Entity does not satisfy "
    "the rule. Rule context: Validates that an entity has either multiple owners or a single "
    "team as the owner."
)


class Lookup(Protocol):
    """How the rules read other entities (``kind``: an entity class name, e.g. ``"Tag"``)."""

    def find_by_name(self, kind: str, name: str, include: str) -> Json | None: ...

    def find_by_id(self, kind: str, entity_id: str, include: str) -> Json | None: ...


# --- Columns, constraints, partitions (DatabaseUtil, TableMapper) --------------------------


def check_table_shape(data: Json) -> None:
    """``DatabaseUtil.validateConstraints`` then ``validateTablePartition`` (TableMapper),
    on the top-level columns, before the column rules:

    - more than one column with ``constraint: PRIMARY_KEY`` -> 400 ``Multiple columns
      tagged with primary key constraints``;
    - a primary-key column and a PRIMARY_KEY table constraint -> 400 ``A column already
      tagged as a primary key and table constraint also includes primary key``;
    - a table constraint naming an unknown column -> 400 ``Invalid column name found in
      table constraint``;
    - a partition column that is not a column (nor BigQuery's ``_PARTITIONDATE`` or
      ``_PARTITIONTIME``) -> 400 ``Invalid column name found in table partition``.
    """
    columns = data.get("columns") or []
    names = [column.get("name") for column in columns]
    primary = [c for c in columns if c.get("constraint") == "PRIMARY_KEY"]
    if len(primary) > 1:
        raise bad_request("Multiple columns tagged with primary key constraints")
    for constraint in data.get("tableConstraints") or []:
        if constraint.get("constraintType") == "PRIMARY_KEY" and primary:
            raise bad_request(
                "A column already tagged as a primary key and table constraint also includes "
                "primary key"
            )
        if any(name not in names for name in constraint.get("columns") or []):
            raise bad_request("Invalid column name found in table constraint")
    partition = data.get("tablePartition") or {}
    for item in partition.get("columns") or []:
        name = item.get("columnName") if isinstance(item, dict) else item
        if name not in names and name not in PARTITION_PSEUDO_COLUMNS:
            raise bad_request("Invalid column name found in table partition")


def check_columns(columns: list[Json]) -> list[Json]:
    """``DatabaseUtil.validateColumns`` (tables, dashboard data models, container data
    models; on create and on every update). Returns the columns as the server stores
    them: ``dataTypeDisplay`` defaulted to the lower-cased ``dataType`` and lower-cased,
    ``arrayDataType`` dropped from a column that is not an ARRAY. First failure wins (400):

    - two columns of one level with the same name -> ``Column name <name> is repeated``
      (struct children too);
    - CHAR, VARCHAR, BINARY, VARBINARY without ``dataLength`` -> ``For column data types
      char, varchar, binary, varbinary dataLength must not be null``;
    - ARRAY without ``arrayDataType`` -> ``For column data type array, arrayDataType must
      not be null``;
    - STRUCT without ``children`` -> ``For column data type struct, children must not be null``;
    - ``scale`` without ``precision`` -> ``Scale is set but precision is not set for the
      column <name>``; ``scale > precision`` -> ``Scale can't be greater than the
      precision for the column <name>``.

    Like the server, only the top level's types are checked; children only for names.
    """
    _check_unique_names(columns)
    stored = []
    for column in columns:
        column = dict(column)
        data_type = column.get("dataType")
        column["dataTypeDisplay"] = str(column.get("dataTypeDisplay") or data_type).lower()
        if data_type in LENGTH_TYPES and column.get("dataLength") is None:
            raise bad_request(
                "For column data types char, varchar, binary, varbinary dataLength must not be null"
            )
        if data_type != "ARRAY":
            column.pop("arrayDataType", None)
        elif not column.get("arrayDataType"):
            raise bad_request("For column data type array, arrayDataType must not be null")
        if data_type == "STRUCT":
            if column.get("children") is None:
                raise bad_request("For column data type struct, children must not be null")
            _check_unique_names(column["children"])
        precision, scale = column.get("precision"), column.get("scale")
        if scale is not None and precision is None:
            raise bad_request(
                f"Scale is set but precision is not set for the column {column.get('name')}"
            )
        if scale is not None and scale > precision:
            raise bad_request(
                f"Scale can't be greater than the precision for the column {column.get('name')}"
            )
        stored.append(column)
    return stored


def _check_unique_names(columns: list[Json]) -> None:
    seen: set[str] = set()
    for column in columns:
        name = column.get("name")
        if name in seen:
            raise bad_request(f"Column name {name} is repeated")
        seen.add(str(name))


def check_constraint_references(data: Json, lookup: Lookup) -> None:
    """2.0 family, ``TableRepository.validateTableConstraints`` (prepare): a foreign key's
    ``referredColumns`` must name a column of an existing table -> 400 ``Table not found:
    <tableFqn>``."""
    for constraint in data.get("tableConstraints") or []:
        for referred in constraint.get("referredColumns") or []:
            table_fqn = fqn.parent(referred) or referred
            if lookup.find_by_name("Table", table_fqn, NON_DELETED) is None:
                raise bad_request(f"Table not found: {table_fqn}")


# --- Owners, domains (EntityRepository.validateOwners, RuleEngine) --------------------------


def check_owners(owners: list[Json] | None, lookup: Lookup, release: Release) -> list[Json]:
    """``EntityRepository.validateOwners`` (and, in the 2.0 family, the rule engine's
    default "Multiple Users or Single Team Ownership" rule). Returns the owners' ids:

    - ``type: team``: the team must exist (404 ``team instance for <id> not found``) and be
      of ``teamType: Group`` -> 400 ``Team of type <type> can't own entities. Only Team
      of type Group can own entities.``;
    - another type than user or team -> 400 ``Entity of type <type> can't be the owner.
      Only Team of type Group or a User can own entities.``;
    - ``type: user``: the user must exist (include=all) -> 404 ``user instance for <id>
      not found``;
    - 2.0 family: two teams, or a team and a user -> 400 with ``errorType: RULE_VIOLATION``
      (``RuleEngine.evaluate``, asserted in the server's ``RuleEngineTests``).
    """
    resolved = []
    for owner in owners or []:
        owner_type, owner_id = owner.get("type"), str(owner.get("id"))
        if owner_type == "team":
            team = lookup.find_by_id("Team", owner_id, NON_DELETED)
            if team is None:
                raise not_found("team", owner_id)
            if team.get("teamType") != "Group":
                raise bad_request(
                    f"Team of type {team.get('teamType')} can't own entities. "
                    "Only Team of type Group can own entities."
                )
        elif owner_type == "user":
            if lookup.find_by_id("User", owner_id, ALL) is None:
                raise not_found("user", owner_id)
        else:
            raise bad_request(
                f"Entity of type {owner_type} can't be the owner. "
                "Only Team of type Group or a User can own entities."
            )
        resolved.append(owner)
    teams = sum(owner.get("type") == "team" for owner in resolved)
    if release.modern and teams and len(resolved) > 1:
        raise ApiError(HTTPStatus.BAD_REQUEST, OWNERSHIP_RULE, errorType="RULE_VIOLATION")
    return resolved


def check_domains(data: Json) -> None:
    """Domains and data products (``EntityRepository`` create/update): the stand-in has
    no domains, so any named domain is missing -> 404 ``domain instance for <fqn> not
    found`` (2.0 family: ``domains``, a list; 1.5 family: ``domain``); data products
    without a domain -> 400 ``Domain cannot be empty when data products are provided.``;
    any data product -> 404 ``dataProduct instance for <fqn> not found``."""
    domains = data.get("domains") or ([data["domain"]] if data.get("domain") else [])
    for domain in domains:
        raise not_found("domain", str(domain))
    for product in data.get("dataProducts") or []:
        if not domains:
            raise bad_request("Domain cannot be empty when data products are provided.")
        raise not_found("dataProduct", str(product))


# --- Tags (TagLabelUtil) --------------------------------------------------------------------


def resolve_tags(labels: Iterable[Json] | None, lookup: Lookup) -> list[Json]:
    """``EntityRepository.validateTags`` with ``TagLabelUtil``: returns the labels as the
    server stores them (each enriched with the tag's name, displayName, description and
    style; duplicates merged; sorted by ``tagFQN``, ``addDerivedTags``). Refuses:

    - ``source: Classification`` naming no tag (include=non-deleted) -> 404 ``tag
      instance for <tagFQN> not found``;
    - ``source: Glossary`` (the stand-in has no glossaries) -> 404 ``glossaryTerm instance
      for <tagFQN> not found``;
    - two labels under one mutually exclusive classification (or parent tag) -> 400 ``Tag
      labels <later> and <earlier> are mutually exclusive and can't be assigned together``
      (``checkMutuallyExclusive``);
    - a disabled tag -> 400 ``Tag label <tagFQN> is disabled and can't be assigned to a
      data asset.`` (``checkDisabledTags``).
    """
    enriched: dict[str, Json] = {}
    for label in labels or []:
        tag_fqn = str(label.get("tagFQN"))
        source = label.get("source", "Classification")
        if source == "Glossary":
            raise not_found("glossaryTerm", tag_fqn)
        if source != "Classification":
            raise bad_request(f"Invalid source type {source}")
        tag = lookup.find_by_name("Tag", tag_fqn, NON_DELETED)
        if tag is None:
            raise not_found("tag", tag_fqn)
        stored = {key: value for key, value in label.items() if value is not None}
        stored.update(
            {k: tag[k] for k in ("name", "displayName", "description", "style") if tag.get(k)}
        )
        stored.setdefault("source", "Classification")
        stored.setdefault("labelType", "Manual")
        stored.setdefault("state", "Confirmed")
        enriched.setdefault(tag_fqn, stored)
    ordered = [enriched[key] for key in sorted(enriched)]
    _check_mutually_exclusive(ordered, lookup)
    for label in ordered:
        tag = lookup.find_by_name("Tag", label["tagFQN"], NON_DELETED)
        if tag is not None and tag.get("disabled"):
            raise bad_request(
                f"Tag label {label['tagFQN']} is disabled and can't be assigned to a data asset."
            )
    return ordered


def _check_mutually_exclusive(labels: list[Json], lookup: Lookup) -> None:
    seen: dict[str, Json] = {}
    for label in labels:
        parts = fqn.split(label["tagFQN"])
        parent_fqn = ".".join(parts[:-1])
        stored = seen.get(parent_fqn)
        seen[parent_fqn] = label
        if stored is None:
            continue
        # TagLabelUtil.mutuallyExclusive: a two-part FQN hangs under a classification.
        parent_kind = "Classification" if len(parts) == 2 else "Tag"
        parent = lookup.find_by_name(parent_kind, parent_fqn, NON_DELETED)
        if parent is not None and parent.get("mutuallyExclusive"):
            raise bad_request(
                f"Tag labels {label['tagFQN']} and {stored['tagFQN']} are mutually exclusive "
                "and can't be assigned together"
            )


def merge_tags(old: list[Json] | None, new: list[Json] | None) -> list[Json]:
    """``EntityUtil.mergeTags``: a PUT adds tags, never removes one (EntityUpdater)."""
    merged = {label["tagFQN"]: label for label in old or []}
    for label in new or []:
        merged.setdefault(label["tagFQN"], label)
    return list(merged.values())


# --- Sample data, pipeline status (TableRepository, PipelineRepository) ---------------------


def check_sample_data(table: Json, sample: Json) -> None:
    """``TableRepository.addSampleData`` (``validateColumn``), 400 on the first problem:

    - a name in ``columns`` that is not a top-level column of the table (nor ``all``, in
      any case) -> ``Invalid column name <name>``;
    - a row whose length differs from ``columns`` -> ``Number of columns is <n> but row
      has <m> sample values``.
    """
    names = {column.get("name") for column in table.get("columns") or []}
    columns = sample.get("columns") or []
    for name in columns:
        if name not in names and str(name).lower() != "all":
            raise bad_request(f"Invalid column name {name}")
    for row in sample.get("rows") or []:
        if len(row) != len(columns):
            raise bad_request(
                f"Number of columns is {len(columns)} but row has {len(row)} sample values"
            )


def check_task_statuses(pipeline: Json, status: Json) -> None:
    """``PipelineRepository.addPipelineStatus``: every ``taskStatus[].name`` must be one of
    the pipeline's ``tasks[].name`` -> 400 ``Invalid task name <name>``. A pipeline without
    tasks has no list to search: the server fails on it with an unhandled 500 (inferred
    from the code, which has no null guard)."""
    statuses = status.get("taskStatus") or []
    if statuses and pipeline.get("tasks") is None:
        raise unhandled('Cannot invoke "java.util.List.stream()" because "tasks" is null')
    tasks = {task.get("name") for task in pipeline.get("tasks") or []}
    for task_status in statuses:
        if task_status.get("name") not in tasks:
            raise bad_request(f"Invalid task name {task_status.get('name')}")
