{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The SQLAlchemy client and its option, against the example SQLite database: what it
reflects, how faithfully the connector ingests it, and how each problem is said."""

from __future__ import annotations

import json
import socket
import sqlite3
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from local_harness import ConfigError, StandIn, run
from local_harness.connection import connection_steps
from metadata.generated.schema.entity.data.table import Table
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.client import (
    AccessError,
    {{ prefix }}Client,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.connection import (
    {{ prefix }}Options,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.models import (
    DATABASES,
    SCHEMAS,
    STORED_PROCEDURES,
    TABLES,
    RemoteTable,
)
from metadata.utils import fqn
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .conftest import PROJECT, TEST_SERVICE, project_config, workflow_config
from .example_system import EXAMPLE_SCRIPT


def client_for(connection_options: dict[str, str]) -> {{ prefix }}Client:
    options = {{ prefix }}Options.model_validate(connection_options)
    return {{ prefix }}Client(options)


def rights(fetched: Iterator[Either]) -> list[Any]:
    items = list(fetched)
    assert [item.left for item in items if item.left] == []
    return [item.right for item in items]


def example_tables(connection_options: dict[str, str]) -> dict[str, RemoteTable]:
    client = client_for(connection_options)
    [database] = rights(client.records(DATABASES))
    [schema] = rights(client.records(SCHEMAS, database=database.name))
    tables = rights(client.records(TABLES, database=database.name, schema=schema.name))
    client.close()
    return {table.name: table for table in tables}


def sqlite_file(connection_options: dict[str, str]) -> str:
    return connection_options["url"].removeprefix("sqlite:///")


def statement(name: str) -> str:
    """A CREATE statement of the example script, as written (without its semicolon)."""
    script = EXAMPLE_SCRIPT.read_text(encoding="utf-8")
    start = script.index(f"CREATE VIEW {name} AS")
    return script[start : script.index(";", start)]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- What it reflects ----------------------------------------------------------------------


def test_the_database_is_named_after_the_file_and_has_sqlite_s_one_schema(
    connection_options: dict[str, str],
) -> None:
    client = client_for(connection_options)
    [database] = rights(client.records(DATABASES))
    schemas = rights(client.records(SCHEMAS, database=database.name))

    assert database.name == EXAMPLE_SCRIPT.stem
    assert [schema.name for schema in schemas] == ["main"]


def test_tables_and_views_arrive_with_names_as_written(connection_options: dict[str, str]) -> None:
    tables = example_tables(connection_options)

    assert {name: table.kind for name, table in tables.items()} == {
        "customers": "table",
        "orders": "table",
        "order lines": "table",
        "sales.targets 2026": "table",
        "tmp_orders_load": "table",
        "daily_revenue": "view",
        "big spenders": "view",
    }


def test_columns_keep_their_types_nullability_and_keys(connection_options: dict[str, str]) -> None:
    tables = example_tables(connection_options)
    orders = {column.name: column for column in tables["orders"].columns}

    assert [column.name for column in tables["orders"].columns] == [
        "order_id",
        "customer_id",
        "amount",
        "status",
        "ordered_at",
    ]
    assert orders["amount"].type == "decimal(10,2)" and orders["amount"].nullable
    assert orders["status"].type == "varchar(20)"
    assert orders["customer_id"].type == "integer" and not orders["customer_id"].nullable
    assert tables["orders"].primary_key == ("order_id",)
    assert tables["order lines"].primary_key == ("order_id", "line_number")
    assert tables["sales.targets 2026"].primary_key == ("region.name", "quarter")
    assert tables["tmp_orders_load"].primary_key == ()


def test_types_are_spelled_as_openmetadata_s_parser_reads_them(
    connection_options: dict[str, str],
) -> None:
    tables = example_tables(connection_options)
    spelled = {column.type for table in tables.values() for column in table.columns}
    mapped = {spelling: connector.column_type(spelling)["dataType"] for spelling in spelled}

    assert mapped["decimal(10,2)"] == "DECIMAL" and mapped["varchar(320)"] == "VARCHAR"
    assert connector.column_type("varchar(320)")["dataLength"] == 320
    assert mapped["null"] == "NULL", "a view's computed column: SQLite gives it no type"


def test_view_definitions_are_kept_verbatim_with_their_comments(
    connection_options: dict[str, str],
) -> None:
    tables = example_tables(connection_options)

    assert tables["daily_revenue"].view_definition == statement("daily_revenue")
    assert "-- revenue per day" in (tables["daily_revenue"].view_definition or "")
    assert tables["big spenders"].view_definition == statement('"big spenders"')
    assert tables["orders"].view_definition is None


def test_views_read_the_tables_their_definitions_name(connection_options: dict[str, str]) -> None:
    tables = example_tables(connection_options)

    assert tables["daily_revenue"].upstream == ("main.orders",)
    assert sorted(tables["big spenders"].upstream) == ["main.customers", "main.orders"]
    assert tables["orders"].upstream == ()


def test_sqlite_has_no_comments_and_no_stored_procedures(
    connection_options: dict[str, str],
) -> None:
    tables = example_tables(connection_options)
    client = client_for(connection_options)
    parents = {"database": EXAMPLE_SCRIPT.stem, "schema": "main"}

    assert all(table.description is None for table in tables.values())
    assert list(client.records(STORED_PROCEDURES, **parents)) == []


# --- Problems, each said once -----------------------------------------------------------------


def test_a_failing_table_is_one_left_naming_it_and_the_others_arrive(
    connection_options: dict[str, str],
) -> None:
    with sqlite3.connect(sqlite_file(connection_options)) as database:
        database.executescript(
            "CREATE TABLE gone (y INTEGER); CREATE VIEW broken AS SELECT y FROM gone;"
            "DROP TABLE gone;"
        )
    client = client_for(connection_options)
    parents = {"database": EXAMPLE_SCRIPT.stem, "schema": "main"}

    fetched = list(client.records(TABLES, **parents))

    [left] = [item.left for item in fetched if item.left]
    assert left.name == f"{EXAMPLE_SCRIPT.stem}.main.broken"
    assert "no such table: main.gone" in left.error
    assert len([item for item in fetched if item.right]) == 7


def test_a_missing_database_file_names_url_instead_of_creating_one(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    client = client_for({"url": f"sqlite:///{missing}"})

    with pytest.raises(AccessError, match=f"url sqlite:///{missing}: no SQLite database file"):
        client.check_access()
    assert not missing.exists()


def test_an_unreachable_host_names_url_with_the_password_hidden() -> None:
    url = f"mysql+pymysql://reader:s3cr3t-pw@127.0.0.1:{closed_port()}/sales"

    with pytest.raises(AccessError, match=r"url mysql\+pymysql://reader:\*\*\*@") as raised:
        client_for({"url": url}).check_access()
    assert "Can't connect" in str(raised.value) and "s3cr3t-pw" not in str(raised.value)


class RefusingMySql:
    """A loopback server that refuses every login as MySQL does (error 1045)."""

    MESSAGE = b"Access denied for user 'reader'@'localhost' (using password: YES)"

    def __enter__(self) -> RefusingMySql:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()

    def _serve(self) -> None:
        payload = b"\xff" + struct.pack("<H", 1045) + b"#28000" + self.MESSAGE
        packet = struct.pack("<I", len(payload))[:3] + b"\x00" + payload
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # closed: the test is over
                return
            with connection:
                connection.sendall(packet)


def test_a_refused_login_names_url_and_says_why() -> None:
    with RefusingMySql() as server:
        url = f"mysql+pymysql://reader:s3cr3t-pw@127.0.0.1:{server.port}/sales"
        with pytest.raises(AccessError, match="Access denied for user 'reader'") as raised:
            client_for({"url": url}).check_access()

    assert "url mysql+pymysql://reader:***@" in str(raised.value)
    assert "s3cr3t-pw" not in str(raised.value)


def test_an_unreachable_database_while_reading_is_one_left_naming_url() -> None:
    url = f"mysql+pymysql://reader:s3cr3t-pw@127.0.0.1:{closed_port()}/sales"
    client = client_for({"url": url})

    [fetched] = list(client.records(SCHEMAS, database="sales"))

    assert fetched.left is not None and "url mysql+pymysql://reader:***@" in fetched.left.error
    assert "s3cr3t-pw" not in fetched.left.error


# --- The option --------------------------------------------------------------------------------


def test_an_unset_environment_variable_is_named_with_its_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """connector.yaml reads url from the environment."""
    written = yaml.safe_load((PROJECT / "connector.yaml").read_text(encoding="utf-8"))
    variable = written["source"]["serviceConnection"]["config"]["connectionOptions"]["url"]
    variable = variable.strip("${}")
    monkeypatch.delenv(variable, raising=False)

    with pytest.raises(ConfigError, match=f"url: .*{variable}, .*is not set"):
        connection_steps(project_config("connector.yaml"))


def test_a_value_that_is_not_a_url_is_refused_without_being_shown() -> None:
    connection = SimpleNamespace(connectionOptions=SimpleNamespace(root={"url": "reader:s3cr3t"}))
    with pytest.raises(InvalidSourceException, match=r"url: .*not a SQLAlchemy URL") as raised:
        connector.get_connection(connection)
    assert "s3cr3t" not in str(raised.value)


def test_connection_steps_pass_on_the_example_system(connection_options: dict[str, str]) -> None:
    config = project_config("connector.yaml")
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = connection_options
    steps = connection_steps(config)
    assert steps and all(step["passed"] for step in steps)


def test_connection_steps_fail_naming_url(tmp_path: Path) -> None:
    config = project_config("connector.yaml")
    options = {"url": f"sqlite:///{tmp_path / 'nope.db'}"}
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = options
    [step] = connection_steps(config)
    assert not step["passed"] and "url sqlite:///" in step["error"]


# --- Through OpenMetadata's workflow -----------------------------------------------------------


def example_run(connection_options: dict[str, str], stand_in: StandIn, **source_config: Any) -> Any:
    """connector.yaml's run (its sourceConfig, and ``source_config``) on the example database."""
    source = project_config("connector.yaml")["source"]
    source["serviceName"] = TEST_SERVICE
    source["serviceConnection"]["config"]["connectionOptions"] = connection_options
    source["sourceConfig"]["config"].update(source_config)
    return run(workflow_config(source, stand_in), stand_in)


def table_fqn(name: str) -> str:
    return fqn.build(
        None,
        Table,
        service_name=TEST_SERVICE,
        database_name=EXAMPLE_SCRIPT.stem,
        schema_name="main",
        table_name=name,
        skip_es_search=True,
    )


def test_a_run_ingests_the_example_database_faithfully(
    connection_options: dict[str, str], stand_in: StandIn, om_client: OpenMetadata
) -> None:
    result = example_run(connection_options, stand_in)

    assert result.passed and result.failures == [], result.failures
    dotted = om_client.get_by_name(Table, table_fqn("sales.targets 2026"), fields=["columns"])
    assert dotted is not None
    assert dotted.fullyQualifiedName is not None
    assert dotted.fullyQualifiedName.root.endswith('.main."sales.targets 2026"')
    assert [column.name.root for column in dotted.columns] == ["region.name", "quarter", "target"]
    view = om_client.get_by_name(Table, table_fqn("daily_revenue"))
    assert view is not None and view.schemaDefinition is not None
    assert view.schemaDefinition.root == statement("daily_revenue")
    assert om_client.get_by_name(Table, table_fqn("tmp_orders_load")) is None, "tableFilterPattern"
    stored = json.dumps(stand_in.store.entities())
    assert connection_options["url"] not in stored, "url is a secret: never sent to OpenMetadata"


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement any engine runs during the test."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(sql)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def test_a_schema_the_filters_leave_out_is_never_reflected(
    connection_options: dict[str, str], stand_in: StandIn, statements: list[str]
) -> None:
    result = example_run(connection_options, stand_in, schemaFilterPattern={"excludes": ["^main$"]})

    assert result.passed
    assert result.status["source"]["filtered"] == 1
    assert not [sql for sql in statements if "table_xinfo" in sql or "table_info" in sql]
