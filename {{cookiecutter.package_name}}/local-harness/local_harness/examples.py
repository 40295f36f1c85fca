"""The example systems a local run serves when the user has not pointed the config at
their own: the example API (``rest_api``) or an SQLite database (``sqlite``).

- ``rest_api``: the records file served by ``ExampleApi`` on loopback, with a fresh
  bearer token; the variables get its URL and the token.
- ``sqlite``: the SQL script run into a new database file in a temporary folder, named
  after the script (``example_database.sql`` -> ``example_database.db``: the database's
  name in OpenMetadata); the variable gets its SQLAlchemy URL.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from local_harness.example_api import ExampleApi
from local_harness.settings import ExampleSystem


def create_sqlite_database(script: Path, database: Path) -> Path:
    """Run the SQL ``script`` into a new SQLite file ``database``; returns its path."""
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    try:
        connection.executescript(script.read_text(encoding="utf-8"))
        connection.commit()
    finally:
        connection.close()
    return database


@contextlib.contextmanager
def serve_example_system(system: ExampleSystem) -> Iterator[dict[str, str]]:
    """Start the example system; yields the environment variables that point at it."""
    if system.kind == "rest_api":
        token = secrets.token_urlsafe(24)
        with ExampleApi.from_file(system.source, token) as api:
            provided = {system.variable: api.url}
            if system.token_variable:
                provided[system.token_variable] = token
            yield provided
    elif system.kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="local-harness-") as folder:
            database = Path(folder) / f"{system.source.stem}.db"
            create_sqlite_database(system.source, database)
            yield {system.variable: f"sqlite:///{database}"}
    else:
        raise ValueError(f"unknown example system kind {system.kind!r} in [tool.local-harness]")
