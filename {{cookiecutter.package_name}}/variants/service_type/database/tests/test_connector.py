{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The database connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_tables``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn, run
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.storedProcedure import StoredProcedure
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.connections.database.customDatabaseConnection import (
    CustomDatabaseConnection,
)
from metadata.generated.schema.entity.services.databaseService import DatabaseService
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import Source
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.models import (
    DATABASES,
    SCHEMAS,
    STORED_PROCEDURES,
    TABLES,
    RemoteStoredProcedure,
    RemoteTable,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.records import Resource
from metadata.utils import fqn
from metadata.utils.importer import import_from_module

from .conftest import TEST_SERVICE, project_config, workflow_config

SOURCE_CLASS = f"{connector.__name__}.{connector.{{ cookiecutter.class_name }}.__name__}"


def source(connection_options: dict[str, str], **source_config: Any) -> dict[str, Any]:
    """The ``source`` of a workflow config for the example system."""
    return {
        "type": "customDatabase",
        "serviceName": TEST_SERVICE,
        "serviceConnection": {
            "config": {
                "type": "CustomDatabase",
                "sourcePythonClass": SOURCE_CLASS,
                "connectionOptions": connection_options,
            }
        },
        "sourceConfig": {"config": {"type": "DatabaseMetadata", **source_config}},
    }


def system_records(
    connection_options: dict[str, str],
) -> tuple[list[tuple[str, str, RemoteTable]], list[tuple[str, str, RemoteStoredProcedure]]]:
    """Every table and stored procedure the client reads: (database, schema, record)."""
    client = connector.get_connection(
        CustomDatabaseConnection(
            type="CustomDatabase",
            sourcePythonClass=SOURCE_CLASS,
            connectionOptions=connection_options,
        )
    )
    tables, procedures = [], []
    for database in rights(client.records(DATABASES)):
        for schema in rights(client.records(SCHEMAS, database=database.name)):
            parents = {"database": database.name, "schema": schema.name}
            for table in rights(client.records(TABLES, **parents)):
                tables.append((database.name, schema.name, table))
            for procedure in rights(client.records(STORED_PROCEDURES, **parents)):
                procedures.append((database.name, schema.name, procedure))
    client.close()
    assert tables, "the example system has tables"
    return tables, procedures


def rights(fetched: Iterator[Either]) -> Iterator[Any]:
    for item in fetched:
        assert item.left is None, item.left
        yield item.right


def table_fqn(database: str, schema: str, table: str) -> str:
    return fqn.build(
        None,
        Table,
        service_name=TEST_SERVICE,
        database_name=database,
        schema_name=schema,
        table_name=table,
        skip_es_search=True,
    )


def read(om_client: OpenMetadata, path: str) -> Any:
    """A GET on OpenMetadata's REST API (through the real client), ``None`` for a 404."""
    from metadata.ingestion.ometa.client import APIError

    try:
        return om_client.client.get(path)
    except APIError as err:
        if err.status_code == 404:
            return None
        raise


def read_table(om_client: OpenMetadata, table: str, include: str = "non-deleted") -> Any:
    fields = "columns,tags,owners,tableConstraints,extension"
    return read(
        om_client, f"/tables/name/{quote(table, safe='')}?fields={fields}&include={include}"
    )


def edit_records(
    monkeypatch: pytest.MonkeyPatch,
    resource: Resource[Any],
    change: Callable[[Any], Any | None],
) -> None:
    """Make the system answer ``resource`` with each record changed (None drops it)."""
    original = {{ prefix }}Client.records

    def records(
        self: {{ prefix }}Client,
        asked: Resource[Any],
        **parents: str,
    ) -> Iterator[Either]:
        for fetched in original(self, asked, **parents):
            if asked is resource and fetched.right is not None:
                changed = change(fetched.right)
                if changed is not None:
                    yield Either(right=changed)
            else:
                yield fetched

    monkeypatch.setattr({{ prefix }}Client, "records", records)


# --- Configuration and loading --------------------------------------------------------------


def test_connector_yaml_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config("connector.yaml"))


def test_source_class_of_connector_yaml_imports_through_openmetadata() -> None:
    config = project_config("connector.yaml")["source"]["serviceConnection"]["config"]
    source_class = import_from_module(config["sourcePythonClass"])
    assert source_class is connector.{{ cookiecutter.class_name }}
    assert issubclass(source_class, Source)


def test_openmetadata_finds_get_connection_and_test_connection_beside_the_source() -> None:
    module = import_from_module(SOURCE_CLASS.rpartition(".")[0] + ".test_connection")
    assert module is connector.test_connection
    assert callable(connector.get_connection)


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_table_under_its_schema(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(DatabaseService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None and service.description.root
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        assert stored is not None, table.name
        assert [column["name"] for column in stored["columns"]] == [c.name for c in table.columns]
        assert stored["tableType"] == ("View" if table.kind == "view" else "Regular")
        assert stored.get("description") == table.description


def test_column_types_are_mapped_to_what_the_server_accepts(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        for column, record in zip(stored["columns"], table.columns, strict=True):
            assert column["dataTypeDisplay"] == record.type
            if column["dataType"] in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
                assert column["dataLength"] >= 1
            if column["dataType"] == "ARRAY":
                assert column["arrayDataType"]


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("bigint", {"dataType": "BIGINT"}),
        ("varchar(20)", {"dataType": "VARCHAR", "dataLength": 20}),
        ("VARCHAR (20)", {"dataType": "VARCHAR", "dataLength": 20}),
        ("varchar(max)", {"dataType": "VARCHAR", "dataLength": 1}),
        ("nvarchar(max)", {"dataType": "VARCHAR", "dataLength": 1}),
        ("character varying(64)", {"dataType": "VARCHAR", "dataLength": 64}),
        ("varchar", {"dataType": "VARCHAR", "dataLength": 1}),
        ("timestamp with time zone", {"dataType": "TIMESTAMP"}),
        ("double precision", {"dataType": "DOUBLE"}),
        ("array<int>", {"dataType": "ARRAY", "arrayDataType": "INT"}),
        ("array", {"dataType": "ARRAY", "arrayDataType": "UNKNOWN"}),
        ("union<int,string>", {"dataType": "UNION"}),
        ("frobnicate", {"dataType": "UNKNOWN"}),
    ],
)
def test_type_spellings_use_openmetadata_s_parser(spelling: str, expected: dict[str, Any]) -> None:
    fields = connector.column_type(spelling)
    assert {key: fields.get(key) for key in expected} == expected
    assert fields["dataTypeDisplay"] == spelling


def test_primary_keys_and_nullability_become_constraints(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        constraints = {column["name"]: column.get("constraint") for column in stored["columns"]}
        if len(table.primary_key) == 1:
            assert constraints[table.primary_key[0]] == "PRIMARY_KEY"
        elif table.primary_key:
            keys = [c["columns"] for c in stored.get("tableConstraints") or []]
            assert list(table.primary_key) in keys
        for column in table.columns:
            if not column.nullable and column.name not in table.primary_key:
                assert constraints[column.name] == "NOT_NULL"


def test_labels_become_tags_of_the_connector_s_classification(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    assert any(table.labels or any(c.labels for c in table.columns) for _, _, table in tables)

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        tags = {tag["tagFQN"] for tag in stored.get("tags") or []}
        assert tags == {f"{connector.CLASSIFICATION}.{label}" for label in table.labels}
        for column, record in zip(stored["columns"], table.columns, strict=True):
            column_tags = {tag["tagFQN"] for tag in column.get("tags") or []}
            assert column_tags == {f"{connector.CLASSIFICATION}.{label}" for label in record.labels}


def test_no_tags_when_include_tags_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    config = workflow_config(source(connection_options, includeTags=False), stand_in)
    assert run(config, stand_in).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None


def test_views_have_lineage_from_the_tables_they_read(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    views = [(d, s, t) for d, s, t in tables if t.kind == "view" and t.upstream]
    assert views, "the example system has a view built from a table"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    for database, schema, view in views:
        view_fqn = table_fqn(database, schema, view.name)
        lineage = om_client.get_lineage_by_name(Table, view_fqn, up_depth=1, down_depth=0)
        assert lineage is not None
        upstream_ids = {edge["fromEntity"] for edge in lineage.get("upstreamEdges") or []}
        for name in view.upstream:
            upstream_schema, _, upstream_table = name.rpartition(".")
            table = om_client.get_by_name(
                Table, table_fqn(database, upstream_schema, upstream_table)
            )
            assert table is not None and str(table.id.root) in upstream_ids


def test_stored_procedures_arrive_with_their_code(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    _, procedures = system_records(connection_options)
    assert procedures, "the example system has a stored procedure"
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    for database, schema, procedure in procedures:
        name = fqn.build(
            None,
            StoredProcedure,
            service_name=TEST_SERVICE,
            database_name=database,
            schema_name=schema,
            procedure_name=procedure.name,
        )
        stored = om_client.get_by_name(StoredProcedure, name)
        assert stored is not None
        assert stored.storedProcedureCode is not None
        assert stored.storedProcedureCode.code == procedure.code


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    tables, _ = system_records(connection_options)
    owners = {"admin", "nobody"}  # a user of every server, and no one
    names = iter(sorted(owners) * len(tables))
    edit_records(monkeypatch, TABLES, lambda table: table.model_copy(update={"owner": next(names)}))

    result = run(
        workflow_config(source(connection_options, includeOwners=True), stand_in), stand_in
    )

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_table_is_never_sent_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, skipped = tables[0]
    pattern = {"excludes": [f"^{skipped.name}$"]}

    result = run(
        workflow_config(source(connection_options, tableFilterPattern=pattern), stand_in), stand_in
    )

    assert result.passed
    assert read_table(om_client, table_fqn(database, schema, skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    others = [t for t in tables if t[2].name != skipped.name]
    assert all(read_table(om_client, table_fqn(d, s, t.name)) for d, s, t in others)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    config = workflow_config(
        source(connection_options, tableFilterPattern={"excludes": ["("]}), stand_in
    )
    with pytest.raises(ConfigError, match=r"tableFilterPattern\.excludes\[0\].*regular expression"):
        run(config, stand_in)
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def _run_twice_without(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    gone: str,
    **source_config: Any,
) -> Any:
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    edit_records(monkeypatch, TABLES, lambda table: None if table.name == gone else table)
    return run(workflow_config(source(connection_options, **source_config), stand_in), stand_in)


def test_a_table_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, gone = tables[-1]
    gone_fqn = table_fqn(database, schema, gone.name)

    second = _run_twice_without(stand_in, connection_options, monkeypatch, gone.name)

    assert second.passed
    assert read_table(om_client, gone_fqn) is None
    deleted = read_table(om_client, gone_fqn, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == gone_fqn] == [gone_fqn]
    for d, s, table in tables[:-1]:
        assert read_table(om_client, table_fqn(d, s, table.name)) is not None


def test_nothing_is_deleted_when_mark_deleted_tables_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, gone = tables[-1]

    second = _run_twice_without(
        stand_in, connection_options, monkeypatch, gone.name, markDeletedTables=False
    )

    assert second.passed
    assert read_table(om_client, table_fqn(database, schema, gone.name)) is not None
    assert stand_in.store.deletions() == []


def test_tables_of_a_schema_the_run_does_not_read_are_untouched(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    schema = tables[0][1]
    pattern = {"excludes": [f"^{schema}$"]}

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    second = run(
        workflow_config(source(connection_options, schemaFilterPattern=pattern), stand_in), stand_in
    )

    assert second.passed
    for d, s, table in tables:
        if s == schema:
            assert read_table(om_client, table_fqn(d, s, table.name)) is not None
    assert stand_in.store.deletions() == []


# --- Errors -----------------------------------------------------------------------------------


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, broken = tables[0]
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    edit_records(
        monkeypatch, TABLES, lambda table: duplicated if table.name == broken.name else table
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    [failure] = result.failures
    assert broken.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_table(om_client, table_fqn(database, schema, broken.name)) is None
    assert all(read_table(om_client, table_fqn(d, s, t.name)) for d, s, t in tables[1:])


def test_test_connection_as_openmetadata_calls_it(connection_options: dict[str, str]) -> None:
    connection = CustomDatabaseConnection(
        type="CustomDatabase",
        sourcePythonClass=SOURCE_CLASS,
        connectionOptions=connection_options,
    )
    client = connector.get_connection(connection)

    result = connector.test_connection(None, client, connection, automation_workflow=None)

    assert result.steps and all(step.passed for step in result.steps)
