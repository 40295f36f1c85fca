"""The example system the connector's tests run against: a SQLite database created from
``example_database.sql``, the script ``make run-local`` uses too
(``[tool.local-harness.example-system]`` of pyproject.toml says where it is).

To test against your database instead, make ``connection_options`` return its URL (a
test instance, or a SQLite/DuckDB copy of its structure); the tests of
``test_connector`` then check your connector against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from local_harness.examples import create_sqlite_database
from local_harness.settings import load_settings

SYSTEM = load_settings(Path(__file__).resolve().parent).example_system
assert SYSTEM is not None, "pyproject.toml has no [tool.local-harness.example-system]"
EXAMPLE_SCRIPT = SYSTEM.source
EXAMPLE_SYSTEM_LACKS = frozenset({"labels", "stored procedures"})
"""What the example system cannot hold that the connector's tests look for: SQL tables
have no labels, and SQLite has no stored procedures."""


@pytest.fixture
def connection_options(tmp_path: Path) -> dict[str, str]:
    """``connectionOptions`` for a fresh copy of the example database."""
    database = create_sqlite_database(EXAMPLE_SCRIPT, tmp_path / f"{EXAMPLE_SCRIPT.stem}.db")
    return {"url": f"sqlite:///{database}"}
