"""Figure: the SQL statements the SQLAlchemy client runs to reflect a schema.

Runs in a virtualenv with openmetadata-ingestion and a generated ``sqlalchemy`` project
installed::

    python -m benchmarks.sql_reflection --module metadata.ingestion.source.database.bench_sql \
        --prefix BenchSql --tables 10,1000 --workdir DIR --out FILE

For each size it builds a SQLite database of that many tables (five columns each, every
tenth with a composite primary key) and one view per hundred tables, then reads it as
the connector does (``DATABASES``, ``SCHEMAS``, then the one schema's ``TABLES``) and
counts every statement with a SQLAlchemy ``before_cursor_execute`` listener. From two
sizes: the statements a schema costs whatever its size, and what each table adds.
SQLAlchemy 2 reflects a schema with ``Inspector.get_multi_*``; SQLite's dialect has no
bulk queries behind them (it runs its PRAGMAs table by table), so per-table statements
remain on SQLite with either SQLAlchemy; dialects with real bulk reflection (PostgreSQL,
Oracle) run a fixed number per schema. The statement kinds show which is which.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine

from benchmarks.measure import log

QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|\b\d+\b")


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def build_database(path: Path, tables: int) -> Path:
    """``tables`` tables (every tenth with a composite key) and a view per hundred."""
    path.unlink(missing_ok=True)
    statements = []
    for index in range(tables):
        key = "PRIMARY KEY (id, version)" if index % 10 == 0 else "PRIMARY KEY (id)"
        statements.append(
            f"CREATE TABLE t{index:05d} (id BIGINT NOT NULL, version INTEGER NOT NULL, "
            f"name VARCHAR(80), amount DECIMAL(10, 2), updated_at TIMESTAMP, {key});"
        )
        if index % 100 == 99:
            statements.append(f"CREATE VIEW v{index:05d} AS SELECT id, name FROM t{index:05d};")
    with sqlite3.connect(path) as connection:
        connection.executescript("\n".join(statements))
    return path


class StatementCounter:
    """Every statement run by any engine while installed, by kind (names blanked out)."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.kinds[QUOTED.sub("?", " ".join(statement.split()))[:60]] += 1

    def __enter__(self) -> StatementCounter:
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def read_schema(module: str, prefix: str, database: Path) -> dict[str, Any]:
    """The connector's reads of one database, with their statements counted per phase."""
    client_class = getattr(importlib.import_module(f"{module}.client"), f"{prefix}Client")
    options_class = getattr(importlib.import_module(f"{module}.connection"), f"{prefix}Options")
    models = importlib.import_module(f"{module}.models")
    client = client_class(options_class.model_validate({"url": f"sqlite:///{database}"}))
    phases: dict[str, Any] = {}
    with StatementCounter() as counted:
        [database_record] = [item.right for item in client.records(models.DATABASES)]
        schemas = [item.right for item in client.records(models.SCHEMAS, database=database_record.name)]
    phases["databases_and_schemas"] = counted.total
    with StatementCounter() as counted:
        start = time.perf_counter()
        fetched = list(client.records(models.TABLES, database=database_record.name, schema=schemas[0].name))
        seconds = time.perf_counter() - start
    client.close()
    lefts = [item.left.error for item in fetched if item.left is not None]
    if lefts:
        raise RuntimeError(f"the client failed on tables: {lefts[:3]}")
    phases["schema_tables"] = counted.total
    return {
        "records": len(fetched),
        "statements": phases,
        "statement_kinds": dict(counted.kinds.most_common()),
        "seconds": round(seconds, 3),
    }


def measure(module: str, prefix: str, sizes: list[int], workdir: Path) -> dict[str, Any]:
    results: dict[str, Any] = {"sizes": {}}
    for tables in sizes:
        log(f"SQLAlchemy {sqlalchemy.__version__}: reflecting a schema of {tables} tables")
        database = build_database(workdir / f"reflection-{tables}.db", tables)
        results["sizes"][str(tables)] = {"tables": tables, **read_schema(module, prefix, database)}
    small, large = (results["sizes"][str(size)] for size in (min(sizes), max(sizes)))
    per_record = (large["statements"]["schema_tables"] - small["statements"]["schema_tables"]) / (
        large["records"] - small["records"]
    )
    results["per_table_or_view"] = round(per_record, 2)
    results["per_schema_fixed"] = round(small["statements"]["schema_tables"] - per_record * small["records"], 1)
    results["bulk_reflection"] = hasattr(sqlalchemy.engine.reflection.Inspector, "get_multi_columns")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--module", required=True, help="the generated connector package")
    parser.add_argument("--prefix", required=True, help="its classes' prefix: <prefix>Client, <prefix>Options")
    parser.add_argument("--tables", type=_numbers, default=[10, 100, 1000])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from importlib.metadata import version

    figure = measure(args.module, args.prefix, args.tables, args.workdir)
    figure["versions"] = {
        "openmetadata-ingestion": version("openmetadata-ingestion"),
        "sqlalchemy": sqlalchemy.__version__,
    }
    args.out.write_text(json.dumps(figure, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
