"""Input of the CSV example figures: the demo's layout (``name,column_names,column_types``,
lists split by ``;``), five columns a row, type spellings as real catalogues write them."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

COLUMNS_PER_ROW = 5
HEADER = ("name", "column_names", "column_types")
SEPARATOR = ";"
PREFIXES = ("sales_orders", "crm_contacts", "web_events", "finance_ledger", "hr_people", "inventory_items")
COLUMN_NAMES = (
    "id",
    "customer_id",
    "amount",
    "created_at",
    "status",
    "email",
    "updated_at",
    "country_code",
    "payload",
    "is_active",
    "description",
    "unit_price",
    "quantity",
)
TYPE_SPELLINGS = (
    "bigint",
    "INTEGER",
    "varchar(255)",
    "decimal(10,2)",
    "timestamp",
    "text",
    "boolean",
    "date",
    "character varying",
    "timestamp with time zone",
    "numeric(12,4)",
    "uuid",
    "double precision",
    "char(3)",
    "jsonb",
    "smallint",
    "array<varchar(32)>",
    "float",
    "datetime",
    "VARCHAR(64)",
)

Row = tuple[str, list[str], list[str]]


def rows(count: int) -> Iterator[Row]:
    """``count`` distinct tables: (name, column names, type spellings), deterministic."""
    for index in range(count):
        names = [COLUMN_NAMES[(index + offset) % len(COLUMN_NAMES)] for offset in range(COLUMNS_PER_ROW)]
        types = [TYPE_SPELLINGS[(index * 7 + offset * 3) % len(TYPE_SPELLINGS)] for offset in range(COLUMNS_PER_ROW)]
        yield f"{PREFIXES[index % len(PREFIXES)]}_{index:06d}", names, types


def write(path: Path, count: int) -> Path:
    """Write a CSV file of ``count`` tables (quoted where a spelling holds a comma)."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for name, names, types in rows(count):
            writer.writerow((name, SEPARATOR.join(names), SEPARATOR.join(types)))
    return path
