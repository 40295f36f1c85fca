{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The client of your database, through SQLAlchemy: where the connector's records come from.

It reflects, with SQLAlchemy's inspector, the records ``models.py`` describes:

- ``DATABASES``: the URL's database (for SQLite, the file's name without its suffix;
  ``default`` when the URL names none), or, for dialects that list catalogs
  (``get_catalog_names``, as Trino's does), one per catalog, each read through the URL
  with that catalog as its database;
- ``SCHEMAS``: the schemas SQLAlchemy lists, but ``information_schema``;
- ``TABLES``: the tables and views of a schema, with their columns (types spelled as
  the database spells them, in lower case, for ``metadata.py``'s ``column_type``),
  nullability, primary key, comments where the dialect has them, each view's
  definition verbatim, and the tables it reads, found in that definition by
  OpenMetadata's SQL lineage parser. A schema is reflected in bulk (``Inspector.get_multi_*``,
  SQLAlchemy 2: a bounded number of queries per schema where the dialect implements
  them) or table by table (SQLAlchemy 1.4, which openmetadata-ingestion before 2.0
  ships); a table that cannot be reflected is one ``left`` naming it;
- ``STORED_PROCEDURES``: none. SQLAlchemy does not reflect them: read your database's
  catalog in ``_stored_procedures`` if you need them (``information_schema.routines``).

The Source applies the filter patterns: it asks for a schema's tables only when the
schema is kept. TODO: nothing, for a database SQLAlchemy has a dialect for: set the URL
and install the driver. Add here what your database has beyond the inspector (stored
procedures, labels), keeping the contract of the client:

- ``records(resource, **parents)`` yields one ``Either`` per record: ``right`` the
  record, ``left`` what could not be read, with what is wrong; never raises for one.
- ``check_access()`` raises, naming the option at fault, when the database cannot be used.
- ``close()`` releases the connection pools.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from metadata.ingestion.api.models import Either
from metadata.ingestion.lineage.models import Dialect
from metadata.ingestion.lineage.parser import LineageParser
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Engine
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.exc import CompileError, DBAPIError, NoSuchTableError, SQLAlchemyError
from sqlalchemy.types import NullType, TypeEngine

from .models import DATABASES, SCHEMAS, STORED_PROCEDURES, TABLES
from .records import M, Resource, failure, parse_record

if TYPE_CHECKING:
    from .connection import {{ prefix }}Options

SKIPPED_SCHEMAS = frozenset({"information_schema"})
DEFAULT_DATABASE = "default"
"""The database's name when the URL names none (MySQL's schemas are its databases)."""
LINEAGE_DIALECTS = {"postgresql": "postgres", "mssql": "tsql"}
"""SQLAlchemy's dialect names that OpenMetadata's SQL parser knows by another name."""

Raw = dict[str, Any]


class AccessError(Exception):
    """The database cannot be used with these options: the message names the option."""


class {{ prefix }}Client:
    """Reflects your database through SQLAlchemy's inspector."""

    def __init__(self, options: {{ prefix }}Options) -> None:
        self.options = options
        self.url = options.sqlalchemy_url
        self._engines: dict[str, Engine] = {}
        self._readers: dict[Resource[Any], Callable[..., Iterator[Either]]] = {
            DATABASES: self._databases,
            SCHEMAS: self._schemas,
            TABLES: self._tables,
            STORED_PROCEDURES: self._stored_procedures,
        }

    def check_access(self) -> None:
        """Connect and list the schemas; raises ``AccessError`` naming ``url``."""
        try:
            with self._engine(None).connect() as connection:
                inspect(connection).get_schema_names()
        except SQLAlchemyError as err:
            raise AccessError(f"Cannot connect {self._with_url(err)}") from None

    def records(self, resource: Resource[M], **parents: str) -> Iterator[Either]:
        """One ``Either`` per record of ``resource`` under ``parents``."""
        where = resource.at(**parents)
        reader = self._readers.get(resource)
        if reader is None:
            known = ", ".join(known.path for known in self._readers)
            yield failure(where, f"Cannot read {where}: this client reads {known}")
            return
        try:
            yield from reader(**parents)
        except AccessError as err:
            yield failure(where, f"Cannot read {where}: {err}")
        except SQLAlchemyError as err:
            yield failure(where, f"Cannot read {where}: {self._with_url(err)}")

    def close(self) -> None:
        """Release the connection pools."""
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()

    # --- Databases and schemas ----------------------------------------------------------

    def _databases(self) -> Iterator[Either]:
        engine = self._engine(None)
        if self._lists_catalogs(engine):
            with engine.connect() as connection:
                names = list(engine.dialect.get_catalog_names(connection))  # type: ignore[attr-defined]
        else:
            names = [database_name(self.url)]
        for position, name in enumerate(names):
            yield parse_record(DATABASES, {"name": name}, f"databases[{position}]")

    def _schemas(self, database: str) -> Iterator[Either]:
        with self._engine(database).connect() as connection:
            names = inspect(connection).get_schema_names()
        kept = [name for name in names if name.lower() not in SKIPPED_SCHEMAS]
        for position, name in enumerate(kept):
            yield parse_record(SCHEMAS, {"name": name}, f"{database}.schemas[{position}]")

    def _stored_procedures(self, database: str, schema: str) -> Iterator[Either]:
        """None: SQLAlchemy's inspector does not reflect stored procedures."""
        return iter(())

    # --- Tables and views ------------------------------------------------------------------

    def _tables(self, database: str, schema: str) -> Iterator[Either]:
        """The schema's tables then views, reflected before the first is yielded (the
        connection is back in the pool while the Source works on them)."""
        engine = self._engine(database)
        with engine.connect() as connection:
            inspector = inspect(connection)
            names = [(name, "table") for name in inspector.get_table_names(schema=schema)]
            names += [(name, "view") for name in inspector.get_view_names(schema=schema)]
            reflected = _in_bulk(inspector, schema, names)
        if reflected is None:  # SQLAlchemy 1.4, or a table spoiled the bulk reflection
            reflected = dict(_one_by_one(engine, schema, names))
        for name, _ in names:
            where = f"{database}.{schema}.{name}"
            table = reflected[name]
            if isinstance(table, SQLAlchemyError):
                yield failure(where, f"Cannot reflect {where}: {_reason(table)}")
            elif not table["columns"]:
                yield failure(where, f"Cannot reflect {where}: no such table, or no columns")
            else:
                if table["kind"] == "view":
                    definition, dialect = table["view_definition"], engine.dialect.name
                    table["upstream"] = view_upstream(definition, schema, dialect)
                yield parse_record(TABLES, table, where)

    # --- Engines ------------------------------------------------------------------------------

    def _engine(self, database: str | None) -> Engine:
        """The engine of ``database`` (the URL's own engine, or one per catalog)."""
        if "" not in self._engines:
            self._engines[""] = self._create_engine(self.url)
        base = self._engines[""]
        if database is None or not self._lists_catalogs(base):
            return base
        if database not in self._engines:
            self._engines[database] = self._create_engine(self.url.set(database=database))
        return self._engines[database]

    def _create_engine(self, url: URL) -> Engine:
        missing = _missing_sqlite_file(url)
        if missing:
            raise AccessError(f"url {self.options.shown_url}: no SQLite database file at {missing}")
        try:
            return create_engine(url)
        except (SQLAlchemyError, ImportError) as err:
            raise AccessError(
                f"url {self.options.shown_url}: cannot load the {url.drivername} driver "
                f"({err}); install it beside the connector"
            ) from None

    @staticmethod
    def _lists_catalogs(engine: Engine) -> bool:
        return callable(getattr(engine.dialect, "get_catalog_names", None))

    def _with_url(self, err: SQLAlchemyError) -> str:
        """The database's message, with the URL it used (password hidden, everywhere)."""
        reason = _reason(err)
        password = self.url.password
        if password:
            reason = reason.replace(str(password), "***")
        return f"with url {self.options.shown_url}: {reason}"


def database_name(url: URL) -> str:
    """The name the URL gives its database: a SQLite file's name without its suffix."""
    if url.get_backend_name() == "sqlite":
        return PurePath(url.database or "").stem if _sqlite_file(url) else "memory"
    return url.database or DEFAULT_DATABASE


def _sqlite_file(url: URL) -> bool:
    return bool(url.database) and url.database != ":memory:"


def _missing_sqlite_file(url: URL) -> str | None:
    """A SQLite file URL whose file does not exist: SQLite would create an empty database."""
    if url.get_backend_name() != "sqlite" or not url.database or not _sqlite_file(url):
        return None
    if url.database.startswith("file:") or url.query.get("uri"):
        return None  # a SQLite URI: its mode says what to do
    return None if Path(url.database).is_file() else url.database


def _in_bulk(
    inspector: Inspector, schema: str, names: list[tuple[str, str]]
) -> dict[str, Raw | SQLAlchemyError] | None:
    """Every table and view of the schema with ``Inspector.get_multi_*``; None on
    SQLAlchemy 1.4, or when one table spoils the bulk reflection."""
    if not hasattr(inspector, "get_multi_columns"):
        return None
    from sqlalchemy.engine.reflection import ObjectKind  # SQLAlchemy 2 only

    kind = ObjectKind.TABLE | ObjectKind.VIEW
    try:
        columns = _by_name(inspector.get_multi_columns(schema=schema, kind=kind))
        keys = _by_name(inspector.get_multi_pk_constraint(schema=schema, kind=kind))
        comments = (
            _by_name(inspector.get_multi_table_comment(schema=schema, kind=kind))
            if inspector.dialect.supports_comments
            else {}
        )
        return {
            name: _table_record(
                inspector,
                schema,
                name,
                kind_of,
                columns.get(name, []),
                keys.get(name),
                comments.get(name),
            )
            for name, kind_of in names
        }
    except (SQLAlchemyError, NotImplementedError):
        return None


def _by_name(reflected: dict[tuple[str | None, str], Any]) -> dict[str, Any]:
    """``get_multi_*`` answers keyed by (schema, name), keyed by name."""
    return {name: value for (_, name), value in reflected.items()}


def _one_by_one(
    engine: Engine, schema: str, names: list[tuple[str, str]]
) -> Iterator[tuple[str, Raw | SQLAlchemyError]]:
    """Each table on its own; after a failing one, a fresh connection (a failed
    statement can spoil the transaction of the connection it ran on)."""
    connection = engine.connect()
    inspector = inspect(connection)
    try:
        for name, kind in names:
            try:
                # A copy: SQLAlchemy 1.4's SQLite dialect sorts its cached list in place
                # while it reflects the primary key.
                columns = list(inspector.get_columns(name, schema=schema))
                key = inspector.get_pk_constraint(name, schema=schema) if columns else None
                comment = _table_comment(inspector, schema, name)
                yield name, _table_record(inspector, schema, name, kind, columns, key, comment)
            except SQLAlchemyError as err:
                yield name, err
                connection.close()
                connection = engine.connect()
                inspector = inspect(connection)
    finally:
        connection.close()


def _table_comment(inspector: Inspector, schema: str, name: str) -> Mapping[str, Any] | None:
    if not inspector.dialect.supports_comments:
        return None
    try:
        return inspector.get_table_comment(name, schema=schema)
    except NotImplementedError:  # a dialect that says it has comments, but cannot read them
        return None


def _table_record(
    inspector: Inspector,
    schema: str,
    name: str,
    kind: str,
    columns: list[Any],
    key: Mapping[str, Any] | None,
    comment: Mapping[str, Any] | None,
) -> Raw:
    """The raw record of ``models.RemoteTable`` for one reflected table or view."""
    dialect = inspector.dialect
    return {
        "name": name,
        "kind": kind,
        "description": (comment or {}).get("text"),
        "columns": [
            {
                "name": column["name"],
                "type": type_spelling(column["type"], dialect),
                "nullable": column.get("nullable", True),
                "description": column.get("comment"),
            }
            for column in columns
        ],
        "primary_key": (key or {}).get("constrained_columns") or [],
        "view_definition": inspector.get_view_definition(name, schema=schema)
        if kind == "view"
        else None,
    }


def view_upstream(definition: str | None, schema: str, dialect_name: str) -> list[str]:
    """The tables a view reads, as ``schema.table`` (an unqualified name is in the view's
    schema), found by OpenMetadata's SQL lineage parser; none when it cannot read the SQL."""
    if not definition:
        return []
    try:
        dialect = Dialect(LINEAGE_DIALECTS.get(dialect_name, dialect_name))
    except ValueError:
        dialect = Dialect.ANSI
    try:
        read = LineageParser(definition, dialect=dialect).source_tables
    except Exception:  # a third-party parser: a view it cannot read keeps no lineage
        return []
    upstream = []
    for table in read:
        table_schema = getattr(table, "schema", None)
        if table_schema is None:  # a function or a file location, not a table
            continue
        known = table_schema.raw_name != table_schema.unknown
        upstream.append(f"{table_schema.raw_name if known else schema}.{table.raw_name}")
    return upstream


def type_spelling(column_type: TypeEngine[Any], dialect: Any) -> str:
    """A column's type as the database spells it, in lower case without spaces after
    commas (``decimal(10,2)``), the form OpenMetadata's ``ColumnTypeParser`` reads; ``null``
    for a type SQLAlchemy cannot name (a view's computed column in SQLite)."""
    try:
        spelled = column_type.compile(dialect=dialect)
    except CompileError:
        spelled = "null" if isinstance(column_type, NullType) else type(column_type).__name__
    return re.sub(r",\s+", ",", spelled).lower()


def _reason(err: SQLAlchemyError) -> str:
    """The database's own message, without SQLAlchemy's statement and help link."""
    if isinstance(err, NoSuchTableError):
        return f"no such table: {err}"
    if isinstance(err, DBAPIError) and err.orig is not None:
        return str(err.orig)
    return str(err).split("\n", 1)[0]
