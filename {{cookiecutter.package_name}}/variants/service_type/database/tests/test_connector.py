"""The database connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_records``),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.storedProcedure import StoredProcedure
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.databaseService import DatabaseService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.database.{{ cookiecutter.module_name }}.models import (
    DATABASES,
    SCHEMAS,
    STORED_PROCEDURES,
    TABLES,
    RemoteStoredProcedure,
    RemoteTable,
)
from metadata.utils import fqn

from .conftest import TEST_SERVICE
from .example_system import EXAMPLE_SYSTEM_LACKS
from .support import (
    edit_records,
    ingest,
    read,
    rights,
    run_twice,
    run_twice_with_a_failing_record,
    run_twice_with_an_unreadable_page,
    system_client,
    tag_fqns,
    tags_of,
    without,
)


def system_records(
    connection_options: dict[str, str],
) -> tuple[list[tuple[str, str, RemoteTable]], list[tuple[str, str, RemoteStoredProcedure]]]:
    """Every table and stored procedure the client reads: (database, schema, record)."""
    tables, procedures = [], []
    with system_client(connection_options) as client:
        for database in rights(client.records(DATABASES)):
            for schema in rights(client.records(SCHEMAS, database=database.name)):
                parents = {"database": database.name, "schema": schema.name}
                for table in rights(client.records(TABLES, **parents)):
                    tables.append((database.name, schema.name, table))
                for procedure in rights(client.records(STORED_PROCEDURES, **parents)):
                    procedures.append((database.name, schema.name, procedure))
    assert tables, "the example system has tables"
    return tables, procedures


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


def read_table(om_client: OpenMetadata, table: str, include: str = "non-deleted") -> Any:
    fields = "columns,tags,owners,tableConstraints,extension"
    return read(
        om_client, f"/tables/name/{quote(table, safe='')}?fields={fields}&include={include}"
    )


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_table_under_its_schema(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)

    result = ingest(stand_in, connection_options)

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
    assert ingest(stand_in, connection_options).passed
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
    assert ingest(stand_in, connection_options).passed
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
    labelled = any(table.labels or any(c.labels for c in table.columns) for _, _, table in tables)
    assert labelled or "labels" in EXAMPLE_SYSTEM_LACKS, "the example system has labels"

    assert ingest(stand_in, connection_options).passed

    classification = om_client.get_by_name(Classification, connector.CLASSIFICATION)
    assert (classification is not None) == labelled
    for database, schema, table in tables:
        stored = read_table(om_client, table_fqn(database, schema, table.name))
        assert tag_fqns(stored) == tags_of(table.labels)
        for column, record in zip(stored["columns"], table.columns, strict=True):
            assert tag_fqns(column) == tags_of(record.labels)


def test_no_tags_when_include_tags_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    assert ingest(stand_in, connection_options, includeTags=False).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None


def test_views_have_lineage_from_the_tables_they_read(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    tables, _ = system_records(connection_options)
    views = [(d, s, t) for d, s, t in tables if t.kind == "view" and t.upstream]
    assert views, "the example system has a view built from a table"

    assert ingest(stand_in, connection_options).passed

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
    assert procedures or "stored procedures" in EXAMPLE_SYSTEM_LACKS, "the system has some"
    assert ingest(stand_in, connection_options).passed
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

    result = ingest(stand_in, connection_options, includeOwners=True)

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

    result = ingest(stand_in, connection_options, tableFilterPattern=pattern)

    assert result.passed
    assert read_table(om_client, table_fqn(database, schema, skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    others = [t for t in tables if t[2].name != skipped.name]
    assert all(read_table(om_client, table_fqn(d, s, t.name)) for d, s, t in others)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(ConfigError, match=r"tableFilterPattern\.excludes\[0\].*regular expression"):
        ingest(stand_in, connection_options, tableFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_a_table_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, gone = tables[-1]
    gone_fqn = table_fqn(database, schema, gone.name)

    second = run_twice(stand_in, connection_options, monkeypatch, TABLES, without(gone.name))

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

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        TABLES,
        without(gone.name),
        markDeletedTables=False,
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

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, schemaFilterPattern=pattern)

    assert second.passed
    for d, s, table in tables:
        if s == schema:
            assert read_table(om_client, table_fqn(d, s, table.name)) is not None
    assert stand_in.store.deletions() == []


# --- Errors -----------------------------------------------------------------------------------


def with_a_column_twice(broken: RemoteTable) -> Callable[[RemoteTable], RemoteTable]:
    """A change of the system: ``broken`` has a column twice, which the connector refuses."""
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    return lambda table: duplicated if table.name == broken.name else table


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables, _ = system_records(connection_options)
    database, schema, broken = tables[0]
    edit_records(monkeypatch, TABLES, with_a_column_twice(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_table(om_client, table_fqn(database, schema, broken.name)) is None
    assert all(read_table(om_client, table_fqn(d, s, t.name)) for d, s, t in tables[1:])


def test_a_table_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its table stays as the last run left it."""
    tables, _ = system_records(connection_options)
    database, schema, broken = tables[0]

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        TABLES,
        with_a_column_twice(broken),
        failing=broken.name,
        error="a column name appears twice",
    )

    assert read_table(om_client, table_fqn(database, schema, broken.name)) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a table the system no longer has stays."""
    tables, _ = system_records(connection_options)
    database, schema, gone = tables[-1]

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, TABLES, without(gone.name)
    )

    assert read_table(om_client, table_fqn(database, schema, gone.name)) is not None
