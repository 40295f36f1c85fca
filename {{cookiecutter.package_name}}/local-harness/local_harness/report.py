"""How a local run shows what it sent: a tree on the terminal, and a JSON report.

The tree lists every entity the run created or changed, children under their parents,
each with what a reviewer checks: tags, owners, lineage edges (upstream and downstream),
pipeline statuses, sample data; soft-deleted entities are marked ``(deleted)``. With
``--columns`` it also lists each table's, data model's and worksheet's columns: name,
type (length, precision and scale), constraint and tags. Entities a fresh server already
has (``admin``, the ``PII`` tags...) are left out unless the run changed them.

The JSON report (``--report``)::

    {"passed": bool, "status": {...}, "failures": [{"step", "name", "error"}],
     "entities": [{"type", "fqn", "deleted", "entity"}],   # entity: as the stand-in stored it
     "lineage": [{"from", "fromType", "to", "toType", "source", "columns"}],
     "deleted": [fqn, ...],                                 # soft deletions, in order
     "error": str}                                           # only when the config is unusable
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from local_harness.store import Record, Store

Redact = Callable[[str], str]
Json = dict[str, Any]
COLUMN_PATHS = {
    "Table": "columns",
    "DashboardDataModel": "columns",
    "Container": "dataModel.columns",
    "Worksheet": "columns",
    "File": "columns",
}


class Row(NamedTuple):
    """One entity of the tree: ``details`` are ``label: value`` lines, ``columns`` its
    column lines (indented for struct children)."""

    depth: int
    kind: str
    fqn: str
    deleted: bool = False
    details: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()


def entity_tree(store: Store) -> list[Row]:
    """Every entity the run created or changed, children under their parents, in
    creation order."""
    records = store.records()
    ids = {record.id for record in records}
    children: dict[str | None, list[Record]] = {}
    for record in records:
        parent = record.parent_id if record.parent_id in ids else None
        children.setdefault(parent, []).append(record)
    fqns = {record.id: record.fqn for record in store.records(with_seeds=True)}
    rows: list[Row] = []

    def walk(parent: str | None, depth: int) -> None:
        for record in children.get(parent, []):
            rows.append(
                Row(
                    depth,
                    record.kind.name,
                    record.fqn,
                    record.deleted,
                    _details(store, record, fqns),
                    tuple(_column_lines(record)),
                )
            )
            walk(record.id, depth + 1)

    walk(None, 0)
    return rows


def _details(store: Store, record: Record, fqns: dict[str, str]) -> tuple[str, ...]:
    entity = record.entity
    details = []
    tags = [label["tagFQN"] for label in entity.get("tags") or []]
    if tags:
        details.append(f"tags: {', '.join(tags)}")
    owners = [owner.get("name") or owner.get("id") for owner in entity.get("owners") or []]
    if owners:
        details.append(f"owners: {', '.join(map(str, owners))}")
    edges = store.lineage.edges()
    upstream = [fqns.get(e.from_id, e.from_id) for e in edges if e.to_id == record.id]
    downstream = [fqns.get(e.to_id, e.to_id) for e in edges if e.from_id == record.id]
    if upstream:
        details.append(f"upstream: {', '.join(upstream)}")
    if downstream:
        details.append(f"downstream: {', '.join(downstream)}")
    carried = [  # edges a pipeline or stored procedure carries as lineageDetails.pipeline
        f"{fqns.get(e.from_id, e.from_id)} -> {fqns.get(e.to_id, e.to_id)}"
        for e in edges
        if (e.details.get("pipeline") or {}).get("id") == record.id
    ]
    if carried:
        details.append(f"lineage: {', '.join(carried)}")
    runs = store.statuses.count(record.fqn) if record.kind.name == "Pipeline" else 0
    if runs:
        latest = store.statuses.latest(record.fqn) or {}
        details.append(f"pipeline statuses: {runs} (latest {latest.get('executionStatus')})")
    sample = entity.get("sampleData") or {}
    if sample.get("rows") is not None:
        details.append(f"sample data: {len(sample['rows'])} rows")
    elif sample.get("messages") is not None:
        details.append(f"sample data: {len(sample['messages'])} messages")
    return tuple(details)


def _column_lines(record: Record) -> list[str]:
    path = COLUMN_PATHS.get(record.kind.name)
    if path is None:
        return []
    node: Any = record.entity
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    lines: list[str] = []

    def walk(columns: list[Json], depth: int) -> None:
        for column in columns or []:
            lines.append("  " * depth + describe_column(column))
            walk(column.get("children") or [], depth + 1)

    walk(node or [], 0)
    return lines


def describe_column(column: Json) -> str:
    """``name TYPE(length|precision,scale) CONSTRAINT [tags]``."""
    data_type = str(column.get("dataType"))
    if column.get("dataLength") is not None and data_type in (
        "CHAR",
        "VARCHAR",
        "BINARY",
        "VARBINARY",
    ):
        data_type += f"({column['dataLength']})"
    elif column.get("precision") is not None:
        scale = f",{column['scale']}" if column.get("scale") is not None else ""
        data_type += f"({column['precision']}{scale})"
    if column.get("arrayDataType"):
        data_type += f"<{column['arrayDataType']}>"
    parts = [str(column.get("name")), data_type]
    if column.get("constraint"):
        parts.append(str(column["constraint"]))
    tags = [label["tagFQN"] for label in column.get("tags") or []]
    if tags:
        parts.append(f"[{', '.join(tags)}]")
    return " ".join(parts)


def report_entities(store: Store) -> list[Json]:
    """The report's ``entities``: type, FQN, deleted flag and the entity as stored."""
    return [
        {"type": row.kind, "fqn": row.fqn, "deleted": row.deleted, "entity": _entity(store, row)}
        for row in entity_tree(store)
    ]


def _entity(store: Store, row: Row) -> Json:
    kind = store.kinds[row.kind]
    record = store.record_by_name(kind, row.fqn)
    return dict(record.entity) if record else {}


def report_lineage(store: Store) -> list[Json]:
    """The report's ``lineage``: every edge, by FQN."""
    fqns = {record.id: record.fqn for record in store.records(with_seeds=True)}
    return [
        {
            "from": fqns.get(edge.from_id, edge.from_id),
            "fromType": edge.from_type,
            "to": fqns.get(edge.to_id, edge.to_id),
            "toType": edge.to_type,
            "source": edge.details.get("source"),
            "columns": len(edge.details.get("columnsLineage") or []),
        }
        for edge in store.lineage.edges()
    ]


def print_tree(tree: list[Row], redact: Redact, show_columns: bool = False) -> None:
    """The entities as a tree under their services, with their details (and columns)."""
    out = sys.stdout
    print("\nEntities sent to OpenMetadata (stand-in server):", file=out)
    for row in tree:
        indent = "  " * (row.depth + 1)
        marker = "  (deleted)" if row.deleted else ""
        print(redact(f"{indent}{row.kind:<18} {row.fqn}{marker}"), file=out)
        for detail in row.details:
            print(redact(f"{indent}{'':<18}   {detail}"), file=out)
        if show_columns:
            for line in row.columns:
                print(redact(f"{indent}{'':<18}   | {line}"), file=out)
    if not tree:
        print("  (none)", file=out)


def print_result(
    tree: list[Row],
    status: dict[str, Any],
    failures: list[dict[str, str]],
    passed: bool,
    error: str | None,
    redact: Redact,
    show_columns: bool = False,
) -> None:
    """The tree, then the status and every failure, then the verdict."""
    out = sys.stdout
    if error:
        print(redact(f"Invalid workflow config: {error}"), file=out)
        return
    print_tree(tree, redact, show_columns)
    print("\nStatus:", file=out)
    for step, numbers in status.items():
        if isinstance(numbers, dict):
            summary = ", ".join(f"{key} {value}" for key, value in numbers.items())
            print(f"  {step}: {summary}", file=out)
    for failure in failures:
        print(
            redact(f"  FAILED [{failure['step']}] {failure['name']}: {failure['error']}"), file=out
        )
    verdict = "passed" if passed else "FAILED (below successThreshold)"
    print(f"\nRun {verdict}.", file=out)


def write_report(path: Path, report: dict[str, Any], redact: Redact) -> None:
    """The report as JSON, secrets masked."""
    path.write_text(redact(json.dumps(report, indent=2)) + "\n", encoding="utf-8")
