"""The CSV example connector: its input, records, bad rows, bad files, test connection,
sourceConfig (filters, deletions), runs.

Each test writes the small CSV file it needs; ``data/sample.csv`` is only used end to end.
Tests of one run's records use ``NoServer`` and turn ``markDeletedTables`` off (there is
no server to compare with); deletions are tested end to end against the stand-in.
"""

from __future__ import annotations

import csv
import errno
import importlib.util
import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from local_harness import ConfigError, RunResult, StandIn, run, run_local
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.table import Column, DataType, Table
from metadata.generated.schema.entity.services.databaseService import (
    DatabaseConnection,
    DatabaseServiceType,
)
from metadata.generated.schema.entity.services.ingestionPipelines.status import (
    StackTraceError,
)
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import SourceConnectionException
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database import (
    {{ cookiecutter.module_name }}_csv as csv_connector,
)
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser
from metadata.utils.importer import import_from_module

from .conftest import PROJECT, project_config, workflow_config

CONFIG = "csv_example.yaml"
MODULE = "metadata.ingestion.source.database.{{ cookiecutter.module_name }}_csv"
SOURCE_CLASS = csv_connector.{{ cookiecutter.class_name }}Csv
HEADER_LINE = "name,column_names,column_types\n"
SERVICE = project_config(CONFIG)["source"]["serviceName"]
NO_DELETION = {"markDeletedTables": False}
"""The sourceConfig of tests that look at the records of one run, without a server."""


def source_config(
    csv_path: Path | None = None, pipeline: dict[str, Any] | None = None, **options: str
) -> dict[str, Any]:
    """The ``source`` of ``csv_example.yaml``; ``pipeline`` replaces its sourceConfig."""
    config = project_config(CONFIG)["source"]
    connection_options = config["serviceConnection"]["config"]["connectionOptions"]
    if csv_path is not None:
        connection_options["source_directory"] = str(csv_path)
    connection_options.update(options)
    if pipeline is not None:
        config["sourceConfig"] = {"config": {"type": "DatabaseMetadata", **pipeline}}
    return config


def write_csv(tmp_path: Path, content: str | bytes, name: str = "tables.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def make_source(
    metadata: Any,
    csv_path: Path,
    prepare: bool = True,
    pipeline: dict[str, Any] = NO_DELETION,
    **options: str,
) -> csv_connector.{{ cookiecutter.class_name }}Csv:
    source = SOURCE_CLASS.create(source_config(csv_path, pipeline, **options), metadata)
    if prepare:
        source.prepare()
    return source


def split(results: list[Either]) -> tuple[list[CreateTableRequest], list[StackTraceError]]:
    """The tables and the errors among ``_iter``'s results, after the three parents."""
    assert all(isinstance(result, Either) for result in results)
    parents = [type(result.right) for result in results[:3]]
    assert parents == [
        CreateDatabaseServiceRequest,
        CreateDatabaseRequest,
        CreateDatabaseSchemaRequest,
    ]
    tables = [result.right for result in results[3:] if result.right is not None]
    errors = [result.left for result in results[3:] if result.left is not None]
    assert all(isinstance(table, CreateTableRequest) for table in tables)
    assert len(tables) + len(errors) == len(results) - 3
    return tables, errors


def table_names(tables: list[CreateTableRequest]) -> list[str]:
    return [table.name.root for table in tables]


def assert_server_ready(fields: dict[str, Any]) -> None:
    """What the server requires of a column's type is there, and nothing it refuses."""
    Column(name="c", **fields)
    data_type = fields["dataType"]
    if data_type in (DataType.CHAR, DataType.VARCHAR, DataType.BINARY, DataType.VARBINARY):
        assert isinstance(fields["dataLength"], int)
    if data_type is DataType.ARRAY:
        assert isinstance(fields["arrayDataType"], DataType)
    if data_type is DataType.STRUCT:
        assert isinstance(fields["children"], list)
    if "scale" in fields:
        assert 0 <= fields["scale"] <= fields["precision"]
    if "precision" in fields:
        assert fields["precision"] >= 1
    for child in fields.get("children", []):
        assert_server_ready({key: value for key, value in child.items() if key != "name"})


class NoServer:
    """A metadata client that fails the test if the source asks the server anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the source called the server: OpenMetadata.{name}")


# Configuration and loading


def test_workflow_config_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config(CONFIG))


def test_source_class_imports_from_the_database_folder() -> None:
    class_path = source_config()["serviceConnection"]["config"]["sourcePythonClass"]

    source_class = import_from_module(class_path)

    assert source_class is SOURCE_CLASS
    assert issubclass(source_class, Source)
    assert source_class.__module__ == MODULE


def test_unknown_connection_option_is_refused_by_name_without_its_value(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE)
    with pytest.raises(InvalidSourceException, match="not_an_option") as raised:
        make_source(NoServer(), csv_path, not_an_option="s3cr3t-value")
    assert "s3cr3t-value" not in str(raised.value)


def test_missing_business_unit_is_refused_by_name(tmp_path: Path) -> None:
    config = source_config(write_csv(tmp_path, HEADER_LINE))
    del config["serviceConnection"]["config"]["connectionOptions"]["business_unit"]
    with pytest.raises(InvalidSourceException, match="business_unit"):
        SOURCE_CLASS.create(config, NoServer())


@pytest.mark.parametrize("business_unit", ["x" * 300, 'say "hi"'], ids=["too-long", "quote"])
def test_a_business_unit_that_cannot_name_a_database_is_refused_by_name(
    tmp_path: Path, business_unit: str
) -> None:
    with pytest.raises(InvalidSourceException, match="business_unit"):
        make_source(NoServer(), write_csv(tmp_path, HEADER_LINE), business_unit=business_unit)


def test_a_service_name_that_cannot_be_an_fqn_is_refused_by_name(tmp_path: Path) -> None:
    config = source_config(write_csv(tmp_path, HEADER_LINE))
    config["serviceName"] = 'acme "prod"'
    with pytest.raises(InvalidSourceException, match="serviceName"):
        SOURCE_CLASS.create(config, NoServer())


@pytest.mark.parametrize("pattern_field", csv_connector.FILTER_PATTERNS)
@pytest.mark.parametrize("side", ["includes", "excludes"])
def test_an_invalid_filter_pattern_is_refused_naming_the_field(
    tmp_path: Path, pattern_field: str, side: str
) -> None:
    pipeline = {pattern_field: {side: ["^fine$", "skip_(.*"]}}
    with pytest.raises(InvalidSourceException) as raised:
        make_source(NoServer(), write_csv(tmp_path, HEADER_LINE), pipeline=pipeline)
    assert f"sourceConfig.config.{pattern_field}.{side}[1]" in str(raised.value)
    assert "'skip_(.*' is not a valid regular expression" in str(raised.value)


def test_a_source_config_of_another_service_type_is_refused(tmp_path: Path) -> None:
    config = source_config(write_csv(tmp_path, HEADER_LINE))
    config["sourceConfig"] = {"config": {"type": "DashboardMetadata"}}
    with pytest.raises(InvalidSourceException, match=r"sourceConfig\.config: expected type"):
        SOURCE_CLASS.create(config, NoServer())


# Records


def test_iter_yields_service_database_schema_then_exact_tables(tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path,
        HEADER_LINE
        + 'orders,order_id;amount;ordered_at;status,"bigint;decimal(10,2);timestamp;varchar(20)"\n'
        + "tags,id;labels;codes;code;raw,INTEGER;array<varchar(8)>;array;char;VarBinary(16)\n",
    )
    source = make_source(NoServer(), csv_path, business_unit="finance")

    results = list(source._iter())

    assert [result.left for result in results] == [None] * len(results)
    schema_fqn = f"{SERVICE}.finance.default"
    assert [result.right for result in results] == [
        CreateDatabaseServiceRequest(
            name=SERVICE,
            serviceType=DatabaseServiceType.CustomDatabase,
            connection=DatabaseConnection(config=source.service_connection),
            displayName=csv_connector.SERVICE_DISPLAY_NAME,
            description=csv_connector.SERVICE_DESCRIPTION,
        ),
        CreateDatabaseRequest(name="finance", service=SERVICE),
        CreateDatabaseSchemaRequest(name="default", database=f"{SERVICE}.finance"),
        CreateTableRequest(
            name="orders",
            databaseSchema=schema_fqn,
            columns=[
                Column(name="order_id", dataType=DataType.BIGINT, dataTypeDisplay="bigint"),
                Column(
                    name="amount",
                    dataType=DataType.DECIMAL,
                    precision=10,
                    scale=2,
                    dataTypeDisplay="decimal(10,2)",
                ),
                Column(name="ordered_at", dataType=DataType.TIMESTAMP, dataTypeDisplay="timestamp"),
                Column(
                    name="status",
                    dataType=DataType.VARCHAR,
                    dataLength=20,
                    dataTypeDisplay="varchar(20)",
                ),
            ],
        ),
        CreateTableRequest(
            name="tags",
            databaseSchema=schema_fqn,
            columns=[
                Column(name="id", dataType=DataType.INT, dataTypeDisplay="INTEGER"),
                Column(
                    name="labels",
                    dataType=DataType.ARRAY,
                    arrayDataType=DataType.VARCHAR,
                    dataTypeDisplay="array<varchar(8)>",
                ),
                Column(
                    name="codes",
                    dataType=DataType.ARRAY,
                    arrayDataType=DataType.UNKNOWN,
                    dataTypeDisplay="array",
                ),
                Column(
                    name="code",
                    dataType=DataType.CHAR,
                    dataLength=csv_connector.DEFAULT_DATA_LENGTH,
                    dataTypeDisplay="char",
                ),
                Column(
                    name="raw",
                    dataType=DataType.VARBINARY,
                    dataLength=16,
                    dataTypeDisplay="VarBinary(16)",
                ),
            ],
        ),
    ]


def test_a_sql_server_row_with_varchar_max_is_accepted(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE + "notes,id;body,bigint;varchar(max)\n")

    tables, errors = split(list(make_source(NoServer(), csv_path)._iter()))

    assert errors == []
    assert tables[0].columns == [
        Column(name="id", dataType=DataType.BIGINT, dataTypeDisplay="bigint"),
        Column(
            name="body",
            dataType=DataType.VARCHAR,
            dataLength=csv_connector.DEFAULT_DATA_LENGTH,
            dataTypeDisplay="varchar(max)",
        ),
    ]


@pytest.mark.parametrize(
    ("service", "business_unit", "expected"),
    [
        pytest.param(
            "plain", "emea.sales", ("plain", 'plain."emea.sales"'), id="dotted-business-unit"
        ),
        pytest.param(
            "acme.prod", "sales", ('"acme.prod"', '"acme.prod".sales'), id="dotted-service"
        ),
        pytest.param(
            "acme.prod",
            "emea.sales",
            ('"acme.prod"', '"acme.prod"."emea.sales"'),
            id="both-dotted",
        ),
    ],
)
def test_every_reference_sent_is_a_quoted_fqn_built_locally(
    tmp_path: Path, service: str, business_unit: str, expected: tuple[str, str]
) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE + "t,id,int\n")
    config = source_config(csv_path, NO_DELETION, business_unit=business_unit)
    config["serviceName"] = service
    source = SOURCE_CLASS.create(config, NoServer())  # NoServer: nothing is looked up

    service_request, database, schema, table = (result.right for result in source._iter())

    service_fqn, database_fqn = expected
    assert (service_request.name.root, database.name.root) == (service, business_unit)
    assert database.service.root == service_fqn
    assert schema.database.root == database_fqn
    assert table.databaseSchema.root == f"{database_fqn}.default"


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("int", {"dataType": DataType.INT}),
        ("INTEGER", {"dataType": DataType.INT}),
        ("bigint", {"dataType": DataType.BIGINT}),
        ("smallint", {"dataType": DataType.SMALLINT}),
        ("varchar(20)", {"dataType": DataType.VARCHAR, "dataLength": 20}),
        ("VARCHAR (20)", {"dataType": DataType.VARCHAR, "dataLength": 20}),
        ("varchar(max)", {"dataType": DataType.VARCHAR, "dataLength": 1}),
        ("nvarchar(MAX)", {"dataType": DataType.VARCHAR, "dataLength": 1}),
        ("varbinary(max)", {"dataType": DataType.VARBINARY, "dataLength": 1}),
        ("character varying", {"dataType": DataType.VARCHAR, "dataLength": 1}),
        ("character varying(64)", {"dataType": DataType.VARCHAR, "dataLength": 64}),
        ("character(2)", {"dataType": DataType.CHAR, "dataLength": 2}),
        ("varchar2(20)", {"dataType": DataType.VARCHAR, "dataLength": 20}),
        ("text", {"dataType": DataType.TEXT}),
        ("string", {"dataType": DataType.STRING}),
        ("timestamp", {"dataType": DataType.TIMESTAMP}),
        ("timestamptz", {"dataType": DataType.TIMESTAMP}),
        ("timestamp with time zone", {"dataType": DataType.TIMESTAMP}),
        ("timestamp(3) with time zone", {"dataType": DataType.TIMESTAMP, "dataLength": 3}),
        ("timestampz", {"dataType": DataType.TIMESTAMPZ}),
        ("datetime", {"dataType": DataType.DATETIME}),
        ("date", {"dataType": DataType.DATE}),
        ("time", {"dataType": DataType.TIME}),
        ("bool", {"dataType": DataType.BOOLEAN}),
        ("Boolean", {"dataType": DataType.BOOLEAN}),
        ("float", {"dataType": DataType.FLOAT}),
        ("double", {"dataType": DataType.DOUBLE}),
        ("double precision", {"dataType": DataType.DOUBLE}),
        ("real", {"dataType": DataType.FLOAT}),
        ("decimal", {"dataType": DataType.DECIMAL}),
        ("decimal(10,2)", {"dataType": DataType.DECIMAL, "precision": 10, "scale": 2}),
        ("DECIMAL( 10 , 2 )", {"dataType": DataType.DECIMAL, "precision": 10, "scale": 2}),
        ("numeric(5)", {"dataType": DataType.NUMERIC, "precision": 5}),
        ("number(38,0)", {"dataType": DataType.NUMBER, "precision": 38, "scale": 0}),
        ("char(3)", {"dataType": DataType.CHAR, "dataLength": 3}),
        ("char", {"dataType": DataType.CHAR, "dataLength": 1}),
        ("binary(16)", {"dataType": DataType.BINARY, "dataLength": 16}),
        ("varbinary", {"dataType": DataType.VARBINARY, "dataLength": 1}),
        ("array<int>", {"dataType": DataType.ARRAY, "arrayDataType": DataType.INT}),
        ("ARRAY<varchar(10)>", {"dataType": DataType.ARRAY, "arrayDataType": DataType.VARCHAR}),
        ("array<double precision>", {"dataType": DataType.ARRAY, "arrayDataType": DataType.DOUBLE}),
        ("array", {"dataType": DataType.ARRAY, "arrayDataType": DataType.UNKNOWN}),
        ("map<string,int>", {"dataType": DataType.MAP}),
        ("union<int,string>", {"dataType": DataType.UNION}),
        (
            "struct<a:int,b:array<string>>",
            {
                "dataType": DataType.STRUCT,
                "children": [
                    {"name": "a", "dataType": DataType.INT, "dataTypeDisplay": "int"},
                    {
                        "name": "b",
                        "dataType": DataType.ARRAY,
                        "arrayDataType": DataType.STRING,
                        "dataTypeDisplay": "array<string>",
                    },
                ],
            },
        ),
        (
            "array<struct<a:int>>",
            {
                "dataType": DataType.ARRAY,
                "arrayDataType": DataType.STRUCT,
                "children": [{"name": "a", "dataType": DataType.INT, "dataTypeDisplay": "int"}],
            },
        ),
        ("struct", {"dataType": DataType.STRUCT, "children": []}),
        ("json", {"dataType": DataType.JSON}),
        ("jsonb", {"dataType": DataType.JSON}),
        ("uuid", {"dataType": DataType.UUID}),
        ("uniqueidentifier", {"dataType": DataType.UUID}),
        ("int(11)", {"dataType": DataType.INT, "dataLength": 11}),
    ],
)
def test_type_spellings_map_to_data_types(spelling: str, expected: dict[str, Any]) -> None:
    fields = csv_connector.parse_data_type(spelling)

    assert fields == expected
    assert_server_ready(fields)


def test_every_data_type_name_is_accepted_in_any_case() -> None:
    """OpenMetadata's parser decides where it knows the name; other names are the type."""
    for member in DataType:
        for spelling in (member.name, member.name.lower(), member.value, member.value.title()):
            by_openmetadata = ColumnTypeParser._parse_primitive_datatype_string(spelling)
            known = by_openmetadata["dataType"] != DataType.UNKNOWN.value

            fields = csv_connector.parse_data_type(spelling)

            assert fields["dataType"].value == (
                by_openmetadata["dataType"] if known else member.value
            ), spelling
            assert_server_ready(fields)


@pytest.mark.parametrize(
    ("spelling", "problem"),
    [
        ("frobnicate", "unknown data type 'frobnicate'"),
        ("array<frob>", "unknown data type 'frob'"),
        ("decimal(4,6)", "scale 6 is greater than precision 4"),
        ("decimal(0)", "precision must be at least 1"),
        ("numeric(0,0)", "precision must be at least 1"),
        ("decimal(1,2,3)", "takes a precision and an optional scale"),
        ("decimal(max)", "takes a precision and an optional scale"),
        ("varchar(10,2)", "takes a length"),
        ("int<x>", "takes no <...>"),
        ("varchar(20", "cannot read it as a data type"),
        ("map<string>", "map<key_type,value_type>"),
        ("struct<a>", "field_name:field_type"),
        ("struct<a:frob>", "field 'a' has a data type OpenMetadata does not know"),
        ("struct<a:int,a:int>", "a field name appears twice"),
        ('struct<a"b:int>', "cannot hold a double quote"),
    ],
)
def test_type_spellings_that_are_refused(spelling: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        csv_connector.parse_data_type(spelling)


# Bad rows


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        pytest.param(b"broken,c1;c2\n", "expected 3 fields", id="too-few-fields"),
        pytest.param(b"broken,c1,INT,extra\n", "found 4", id="too-many-fields"),
        pytest.param(
            b"broken,c1;c2,INT\n", "2 column names but 1 column types", id="lengths-differ"
        ),
        pytest.param(
            b"broken,c1;c2,INT;frobnicate\n", "unknown data type 'frobnicate'", id="unknown-type"
        ),
        pytest.param(
            b"broken,tags,array<frob>\n", "unknown data type 'frob'", id="unknown-element"
        ),
        pytest.param(b",c1,INT\n", "empty table name", id="empty-name"),
        pytest.param(b"   ,c1,INT\n", "empty table name", id="blank-name"),
        pytest.param(b'"br""oken",c1,INT\n', "Invalid name", id="quote-in-name"),
        pytest.param(b"first,c1,INT\n", "'first' was already defined", id="duplicate-name"),
        pytest.param(b"caf\xe9,c1,INT\n", "not UTF-8", id="latin-1-bytes"),
        pytest.param(
            b'broken,c1,"decimal(4,6)"\n', "scale 6 is greater than precision 4", id="scale"
        ),
        pytest.param(
            b"broken,c1,numeric(0)\n", "precision must be at least 1", id="zero-precision"
        ),
        pytest.param(
            b"broken,c1;;c3,INT;INT;INT\n", "column 2 has an empty name", id="empty-column"
        ),
        pytest.param(b"broken,c1;c2,INT;\n", "column 'c2' has no data type", id="no-type"),
        pytest.param(b"broken,c1;c1,INT;INT\n", "a column name appears twice", id="same-column"),
        pytest.param(b'broken,"c""1",INT\n', "cannot hold a double quote", id="quote-in-column"),
        pytest.param(b"x" * 300 + b",c1,INT\n", "at most 256 characters", id="name-too-long"),
    ],
)
def test_a_bad_row_is_one_error_naming_file_and_line_without_a_traceback(
    tmp_path: Path, bad_line: bytes, problem: str
) -> None:
    csv_path = write_csv(
        tmp_path, HEADER_LINE.encode() + b"first,id,INT\n" + bad_line + b"last,id,INT\n"
    )

    tables, errors = split(list(make_source(NoServer(), csv_path)._iter()))

    assert table_names(tables) == ["first", "last"]
    assert len(errors) == 1
    assert str(csv_path) in errors[0].error
    assert "line 3:" in errors[0].error
    assert problem in errors[0].error
    assert errors[0].stackTrace is None  # bad data, not a bug


def test_an_unexpected_error_in_a_row_carries_its_traceback_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_parser(spelling: str) -> dict[str, Any]:
        if spelling == "int":
            raise KeyError("a bug")
        return {"dataType": DataType.STRING}

    monkeypatch.setattr(csv_connector, "parse_data_type", broken_parser)
    csv_path = write_csv(tmp_path, HEADER_LINE + "first,id,string\nbroken,id,int\nlast,id,text\n")

    tables, errors = split(list(make_source(NoServer(), csv_path)._iter()))

    assert table_names(tables) == ["first", "last"]
    [error] = errors
    assert "line 3: unexpected error: KeyError('a bug')" in error.error
    assert error.stackTrace is not None and "KeyError: 'a bug'" in error.stackTrace


def test_blank_lines_are_skipped_and_counted_in_line_numbers(tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path,
        HEADER_LINE + "\nfirst,id,INT\n\n   \nbroken,id\n" + 'multi,"a;\nb",INT\nlast,id,INT\n',
    )

    tables, errors = split(list(make_source(NoServer(), csv_path)._iter()))

    assert table_names(tables) == ["first", "last"]
    assert ["line 6:" in errors[0].error, "lines 7-8:" in errors[1].error] == [True, True]
    assert [error.name for error in errors] == ["broken", "multi"]


def test_a_name_refused_once_can_still_be_defined_by_a_later_good_row(tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path, HEADER_LINE + "orders,id,frobnicate\norders,id,int\norders,id,int\n"
    )

    tables, errors = split(list(make_source(NoServer(), csv_path)._iter()))

    assert table_names(tables) == ["orders"]
    assert ["line 2:" in errors[0].error, "line 4:" in errors[1].error] == [True, True]


def test_the_run_status_counts_tables_and_bad_rows_without_tracebacks(tmp_path: Path) -> None:
    csv_path = write_csv(
        tmp_path,
        HEADER_LINE + "a,id,int\nb,id\nc,id,int\nd,id,frobnicate\ne,id,int\n",
    )
    source = make_source(NoServer(), csv_path)

    sent = [record for record in source.run() if record is not None]

    status = source.get_status()
    assert len(sent) == len(status.records) == 3 + 3
    assert [failure.name for failure in status.failures] == ["b", "d"]
    assert all(str(csv_path) in failure.error for failure in status.failures)
    assert [failure.stackTrace for failure in status.failures] == [None, None]


def test_the_type_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_connector, "TYPE_CACHE_SIZE", 5)
    rows = "".join(f"t{n},id,varchar({n})\n" for n in range(1, 21))
    source = make_source(NoServer(), write_csv(tmp_path, HEADER_LINE + rows))

    tables, errors = split(list(source._iter()))

    assert (len(tables), errors) == (20, [])
    assert [table.columns[0].dataLength for table in tables] == list(range(1, 21))
    assert len(source._types) == 5


# sourceConfig: filters and deletions, within one run


def test_a_table_filter_leaves_tables_out_and_counts_each_under_its_fqn(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE + "keep,id,int\nskip_me,id,int\nSKIP_2,id,int\n")
    pipeline = {**NO_DELETION, "tableFilterPattern": {"excludes": ["^skip_.*"]}}
    source = make_source(NoServer(), csv_path, pipeline=pipeline, business_unit="sales")

    tables, errors = split(list(source._iter()))

    assert (table_names(tables), errors) == (["keep"], [])
    schema = f"{SERVICE}.sales.default"
    assert source.status.filtered == [
        {f"{schema}.skip_me": "Table Filtered Out"},
        {f"{schema}.SKIP_2": "Table Filtered Out"},
    ]


def test_use_fqn_for_filtering_matches_the_patterns_against_fqns(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE + "keep,id,int\nother,id,int\n")
    schema = re.escape(f"{SERVICE}.sales.default")
    pipeline = {
        **NO_DELETION,
        "useFqnForFiltering": True,
        "databaseFilterPattern": {"includes": [f"^{re.escape(SERVICE)}\\.sales$"]},
        "schemaFilterPattern": {"includes": [f"^{schema}$"]},
        "tableFilterPattern": {"includes": [f"^{schema}\\.keep$"]},
    }
    source = make_source(NoServer(), csv_path, pipeline=pipeline, business_unit="sales")

    tables, _ = split(list(source._iter()))

    assert table_names(tables) == ["keep"]
    assert len(source.status.filtered) == 1


@pytest.mark.parametrize(
    ("pattern_field", "excluded", "sent", "filtered"),
    [
        pytest.param(
            "databaseFilterPattern",
            "^sales$",
            [CreateDatabaseServiceRequest],
            {f"{SERVICE}.sales": "Database Filtered Out"},
            id="database",
        ),
        pytest.param(
            "schemaFilterPattern",
            "^default$",
            [CreateDatabaseServiceRequest, CreateDatabaseRequest],
            {f"{SERVICE}.sales.default": "Schema Filtered Out"},
            id="schema",
        ),
    ],
)
def test_a_filtered_out_database_or_schema_is_not_read_nor_touched(
    tmp_path: Path, pattern_field: str, excluded: str, sent: list[type], filtered: dict[str, str]
) -> None:
    """Deletion on, and NoServer: asking the server anything would fail the test."""
    csv_path = write_csv(tmp_path, HEADER_LINE + "t1,id,int\nt2,id,frobnicate\n")
    pipeline = {"markDeletedTables": True, pattern_field: {"excludes": [excluded]}}
    source = make_source(NoServer(), csv_path, pipeline=pipeline, business_unit="sales")

    results = list(source._iter())

    assert [type(result.right) for result in results] == sent
    assert source.status.filtered == [filtered]


def test_deletion_asks_openmetadata_about_the_schema_with_every_table_the_file_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filtered table is not listed (built-ins delete it); a bad row keeps its table."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def delete_entity_from_source(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        yield Either(right="deletions")

    monkeypatch.setattr(csv_connector, "delete_entity_from_source", delete_entity_from_source)
    csv_path = write_csv(tmp_path, HEADER_LINE + "t.1,id,int\nskip_me,id,int\nbad,id,frobnicate\n")
    pipeline = {"tableFilterPattern": {"excludes": ["^skip_"]}}
    metadata = NoServer()
    source = make_source(metadata, csv_path, pipeline=pipeline, business_unit="emea.sales")

    results = list(source._iter())

    schema = f'{SERVICE}."emea.sales".default'
    assert calls == [
        (
            (),
            {
                "metadata": metadata,
                "entity_type": Table,
                "entity_source_state": {f'{schema}."t.1"', f"{schema}.bad"},
                "params": {"databaseSchema": schema},
            },
        )
    ]
    # From 1.12 on, a Barrier first: the sink writes the tables it buffered before the deletion.
    barrier = importlib.util.find_spec("metadata.ingestion.models.barrier") is not None
    rights = [type(result.right).__name__ for result in results if result.right is not None]
    assert rights[-2:] == ["Barrier" if barrier else "CreateTableRequest", "str"]


@pytest.mark.parametrize(
    ("rows", "tables_sent", "reason"),
    [
        pytest.param(b"t1,id,int\n,id,int\n", ["t1"], "1 row(s)", id="a-row-without-name"),
        pytest.param(b"t1,id,int\n\xff,id,int\n", ["t1"], "1 row(s)", id="a-name-not-utf8"),
        pytest.param(b"", [], "lists no table", id="no-table-at-all"),
    ],
)
def test_nothing_is_deleted_when_the_file_does_not_tell_which_tables_are_gone(
    tmp_path: Path, rows: bytes, tables_sent: list[str], reason: str
) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE.encode() + rows)
    source = make_source(NoServer(), csv_path, pipeline={"markDeletedTables": True})

    tables, _ = split(list(source._iter()))  # NoServer: deletion never asks the server

    assert table_names(tables) == tables_sent
    [warning] = source.status.warnings
    [(schema, message)] = warning.items()
    assert schema == f"{SERVICE}.sales.default"
    assert message.startswith("markDeletedTables skipped: ") and reason in message


# Streaming and cost


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_rows_are_yielded_as_they_are_read_not_after_the_whole_file(tmp_path: Path) -> None:
    """Through a pipe whose writer waits: a source that reads ahead to the end would block."""
    pipe = tmp_path / "tables.csv"
    os.mkfifo(pipe)
    first_table_seen = threading.Event()
    writer_done = threading.Event()

    def write() -> None:
        with pipe.open("w", encoding="utf-8") as file:  # waits for the source to open it
            file.write(HEADER_LINE + "first,id,int\n")
            file.flush()
            first_table_seen.wait(timeout=10)
            file.write("second,id,int\n")
        writer_done.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    source = make_source(NoServer(), pipe)
    tables = (
        result.right for result in source._iter() if isinstance(result.right, CreateTableRequest)
    )

    first = next(tables)
    done_before_first = writer_done.is_set()
    first_table_seen.set()
    rest = list(tables)
    writer.join(timeout=10)

    assert first.name.root == "first"
    assert not done_before_first, "the first table only came once the whole file was written"
    assert table_names(rest) == ["second"]


# File-level problems


MakeFile = Callable[[Path, pytest.MonkeyPatch], Path]


def _missing(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return path


def _directory(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path.mkdir()
    return path


def _unreadable(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path.write_text(HEADER_LINE, encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: refuse the way the system would
        real_open = Path.open

        def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
            if self == path:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    return path


def _holding(content: str | bytes) -> MakeFile:
    return lambda path, monkeypatch: write_csv(path.parent, content, path.name)


FILE_PROBLEMS: dict[str, tuple[MakeFile, str]] = {
    "missing": (_missing, "does not exist"),
    "directory": (_directory, "is a directory"),
    "unreadable": (_unreadable, "permission denied"),
    "empty": (_holding(""), "is empty"),
    "bom-only": (_holding(b"\xef\xbb\xbf"), "is empty"),
    "blank-lines-only": (_holding("\n  \n\n"), "only blank lines"),
    "wrong-header": (
        _holding("table,columns,types\nt,id,int\n"),
        "wrong header 'table,columns,types'",
    ),
    "no-header": (_holding("orders,id,int\n"), "wrong header 'orders,id,int'"),
    "utf-16": (_holding(HEADER_LINE.encode("utf-16")), "not UTF-8"),
    "utf-16-without-bom": (_holding(HEADER_LINE.encode("utf-16-le")), "not UTF-8"),
    "latin-1-header": (_holding("nâme,column_names,column_types\n".encode("latin-1")), "not UTF-8"),
}


@pytest.mark.parametrize("case", FILE_PROBLEMS)
def test_a_file_that_cannot_be_used_gives_one_clear_message_everywhere(
    tmp_path: Path, om_client: OpenMetadata, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    make, problem = FILE_PROBLEMS[case]
    csv_path = make(tmp_path / "tables.csv", monkeypatch)
    source = make_source(om_client, csv_path, prepare=False)

    with pytest.raises(csv_connector.CsvFileError) as raised:
        source.prepare()
    assert isinstance(raised.value, InvalidSourceException)
    assert str(csv_path) in str(raised.value) and problem in str(raised.value)
    assert "Traceback" not in str(raised.value)

    connection = source.service_connection
    result = csv_connector.test_connection(
        om_client, csv_connector.get_connection(connection), connection
    )
    assert [step.passed for step in result.steps] == [False]
    assert str(csv_path) in (result.steps[0].errorLog or "")
    assert problem in (result.steps[0].errorLog or "")

    with pytest.raises(SourceConnectionException) as failed:
        source.test_connection()
    assert str(csv_path) in str(failed.value) and problem in str(failed.value)


def test_iter_without_prepare_reports_a_missing_file_as_one_error(tmp_path: Path) -> None:
    csv_path = tmp_path / "missing.csv"
    source = make_source(NoServer(), csv_path, prepare=False, pipeline={"markDeletedTables": True})

    tables, errors = split(list(source._iter()))  # NoServer: nothing is deleted either

    assert tables == []
    assert len(errors) == 1 and str(csv_path) in errors[0].error
    assert errors[0].stackTrace is None


def test_a_utf8_bom_is_accepted(tmp_path: Path, om_client: OpenMetadata) -> None:
    csv_path = write_csv(tmp_path, (HEADER_LINE + "orders,id,int\n").encode("utf-8-sig"))
    source = make_source(om_client, csv_path)

    tables, errors = split(list(source._iter()))

    assert (table_names(tables), errors) == (["orders"], [])
    source.test_connection()


def test_test_connection_passes_both_ways_on_a_good_file(
    tmp_path: Path, om_client: OpenMetadata
) -> None:
    source = make_source(om_client, write_csv(tmp_path, HEADER_LINE + "orders,id,int\n"))
    connection = source.service_connection

    result = csv_connector.test_connection(
        om_client, csv_connector.get_connection(connection), connection
    )

    assert result.steps and all(step.passed for step in result.steps)
    source.test_connection()


# End to end, through OpenMetadata's workflow and the stand-in server


def test_csv_example_yaml_runs_and_creates_every_table_of_the_sample_it_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)  # source_directory is relative to the repository root
    with (PROJECT / "data" / "sample.csv").open(encoding="utf-8", newline="") as file:
        sample_tables = [row[0] for row in list(csv.reader(file))[1:] if row]
    kept = [name for name in sample_tables if not name.startswith("tmp_")]
    report_path = tmp_path / "report.json"

    result = run_local(PROJECT / CONFIG, report_path)

    assert result.passed, result.failures or result.error
    report = json.loads(report_path.read_text())
    business_unit = source_config()["serviceConnection"]["config"]["connectionOptions"][
        "business_unit"
    ]
    schema = f"{SERVICE}.{business_unit}.default"
    assert [(entity["type"], entity["fqn"]) for entity in report["entities"]] == [
        ("DatabaseService", SERVICE),
        ("Database", f"{SERVICE}.{business_unit}"),
        ("DatabaseSchema", schema),
        *[("Table", f"{schema}.{name}") for name in kept],
    ]
    assert report["failures"] == []
    assert report["status"]["source"]["failures"] == 0
    assert report["status"]["source"]["filtered"] == len(sample_tables) - len(kept) == 1
    assert len(kept) >= 5


def _config_for(tmp_path: Path, csv_path: Path) -> Path:
    text = (PROJECT / CONFIG).read_text(encoding="utf-8")
    assert "source_directory: data/sample.csv" in text
    config = tmp_path / "config.yaml"
    config.write_text(
        text.replace(
            "source_directory: data/sample.csv", f"source_directory: {json.dumps(str(csv_path))}"
        ),
        encoding="utf-8",
    )
    return config


def test_a_run_with_one_bad_row_shows_exactly_one_source_failure(tmp_path: Path) -> None:
    good = "".join(f"table_{n},id;name,bigint;varchar(40)\n" for n in range(12))
    csv_path = write_csv(tmp_path, HEADER_LINE + good + 'broken,amount,"decimal(2,5)"\n')

    result = run_local(_config_for(tmp_path, csv_path))

    assert result.status["source"]["failures"] == 1
    assert result.status["openmetadata"]["failures"] == 0
    [failure] = result.failures
    assert failure["name"] == "broken"
    assert str(csv_path) in failure["error"] and "line 14" in failure["error"]
    assert sum(entity["type"] == "Table" for entity in result.entities) == 12
    assert result.passed  # one failure among the records: above the default successThreshold


def test_a_run_on_a_missing_file_stops_with_the_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = tmp_path / "missing.csv"

    result = run_local(_config_for(tmp_path, csv_path))

    assert not result.passed
    assert result.error is not None
    assert str(csv_path) in result.error and "does not exist" in result.error
    assert "Traceback" not in capsys.readouterr().out


def run_csv(
    server: StandIn,
    csv_path: Path,
    pipeline: dict[str, Any] | None = None,
    service: str = SERVICE,
    business_unit: str = "sales",
) -> RunResult:
    """One run of the CSV example on ``csv_path`` against ``server``."""
    source = source_config(csv_path, pipeline or {}, business_unit=business_unit)
    source["serviceName"] = service
    return run(workflow_config(source, server), server)


def live_tables(client: OpenMetadata, schema_fqn: str) -> list[str]:
    """The FQNs of the tables the server lists in a schema (soft-deleted ones are not)."""
    tables = client.list_all_entities(entity=Table, params={"databaseSchema": schema_fqn})
    return sorted(str(table.fullyQualifiedName.root) for table in tables)


def csv_of(*tables: str) -> str:
    return HEADER_LINE + "".join(f"{table},id;name,bigint;varchar(max)\n" for table in tables)


def test_dotted_names_reach_the_server_under_their_quoted_fqns(
    tmp_path: Path, stand_in: StandIn
) -> None:
    csv_path = write_csv(tmp_path, csv_of("orders.v1", "plain"))

    result = run_csv(stand_in, csv_path, service="acme.prod", business_unit="emea.sales")

    assert result.passed and result.failures == [], result.failures
    schema = '"acme.prod"."emea.sales".default'
    assert [(entity["type"], entity["fqn"]) for entity in result.entities] == [
        ("DatabaseService", '"acme.prod"'),
        ("Database", '"acme.prod"."emea.sales"'),
        ("DatabaseSchema", schema),
        ("Table", f'{schema}."orders.v1"'),
        ("Table", f"{schema}.plain"),
    ]


def test_an_invalid_filter_stops_the_run_before_anything_is_sent(
    tmp_path: Path, stand_in: StandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = write_csv(tmp_path, csv_of("t1"))
    pipeline = {"tableFilterPattern": {"excludes": ["skip_(.*"]}}

    with pytest.raises(ConfigError, match=r"tableFilterPattern\.excludes\[0\].*regular expression"):
        run_csv(stand_in, csv_path, pipeline)

    assert stand_in.store.entities() == []
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_a_filtered_table_is_never_sent_and_is_counted_as_filtered(
    tmp_path: Path, stand_in: StandIn
) -> None:
    csv_path = write_csv(tmp_path, csv_of("keep", "skip_me"))

    result = run_csv(stand_in, csv_path, {"tableFilterPattern": {"excludes": ["^skip_.*"]}})

    assert result.passed and result.failures == [], result.failures
    assert [entity["fqn"] for entity in result.entities if entity["type"] == "Table"] == [
        f"{SERVICE}.sales.default.keep"
    ]
    assert result.status["source"]["filtered"] == 1
    assert stand_in.store.deletions() == []


@pytest.mark.parametrize(
    ("service", "business_unit", "gone", "schema", "gone_fqn"),
    [
        pytest.param(
            SERVICE,
            "sales",
            "t_gone",
            f"{SERVICE}.sales.default",
            f"{SERVICE}.sales.default.t_gone",
            id="plain-names",
        ),
        pytest.param(
            "acme.prod",
            "emea.sales",
            "t.gone",
            '"acme.prod"."emea.sales".default',
            '"acme.prod"."emea.sales".default."t.gone"',
            id="dotted-names",
        ),
    ],
)
def test_a_table_the_file_no_longer_lists_is_soft_deleted_once(
    tmp_path: Path,
    stand_in: StandIn,
    om_client: OpenMetadata,
    service: str,
    business_unit: str,
    gone: str,
    schema: str,
    gone_fqn: str,
) -> None:
    names = {"service": service, "business_unit": business_unit}
    first = run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_keep2", gone)), **names)
    assert first.passed and first.failures == [], first.failures
    assert len(live_tables(om_client, schema)) == 3

    second = run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_keep2")), **names)
    third = run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_keep2")), **names)

    assert second.passed and second.failures == [], second.failures
    assert third.passed and third.failures == [], third.failures
    assert stand_in.store.deletions() == [gone_fqn]
    assert live_tables(om_client, schema) == [f"{schema}.t_keep1", f"{schema}.t_keep2"]


def test_a_table_newly_excluded_by_the_table_filter_is_soft_deleted_as_built_ins_do(
    tmp_path: Path, stand_in: StandIn, om_client: OpenMetadata
) -> None:
    """OpenMetadata's own connectors do the same: a filter is not a way to keep a table."""
    csv_path = write_csv(tmp_path, csv_of("keep", "skip_me"))
    assert run_csv(stand_in, csv_path).passed

    second = run_csv(stand_in, csv_path, {"tableFilterPattern": {"excludes": ["^skip_.*"]}})

    assert second.passed and second.failures == [], second.failures
    assert second.status["source"]["filtered"] == 1
    schema = f"{SERVICE}.sales.default"
    assert stand_in.store.deletions() == [f"{schema}.skip_me"]
    assert live_tables(om_client, schema) == [f"{schema}.keep"]


@pytest.mark.parametrize(
    ("pattern_field", "excluded"),
    [("databaseFilterPattern", "^sales$"), ("schemaFilterPattern", "^default$")],
)
def test_the_tables_of_a_filtered_out_schema_are_untouched(
    tmp_path: Path, stand_in: StandIn, om_client: OpenMetadata, pattern_field: str, excluded: str
) -> None:
    assert run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_gone"))).passed

    second = run_csv(
        stand_in, write_csv(tmp_path, csv_of("t_keep1")), {pattern_field: {"excludes": [excluded]}}
    )

    assert second.passed and second.failures == [], second.failures
    assert second.status["source"]["filtered"] == 1
    schema = f"{SERVICE}.sales.default"
    assert stand_in.store.deletions() == []
    assert live_tables(om_client, schema) == [f"{schema}.t_gone", f"{schema}.t_keep1"]


def test_nothing_is_deleted_when_mark_deleted_tables_is_off(
    tmp_path: Path, stand_in: StandIn, om_client: OpenMetadata
) -> None:
    assert run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_gone"))).passed

    second = run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1")), NO_DELETION)

    assert second.passed and second.failures == [], second.failures
    schema = f"{SERVICE}.sales.default"
    assert stand_in.store.deletions() == []
    assert live_tables(om_client, schema) == [f"{schema}.t_gone", f"{schema}.t_keep1"]


def test_a_bad_row_does_not_delete_the_table_it_names(
    tmp_path: Path, stand_in: StandIn, om_client: OpenMetadata
) -> None:
    assert run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1", "t_typo"))).passed

    second = run_csv(stand_in, write_csv(tmp_path, csv_of("t_keep1") + "t_typo,id,frobnicate\n"))

    assert [failure["name"] for failure in second.failures] == ["t_typo"]
    schema = f"{SERVICE}.sales.default"
    assert stand_in.store.deletions() == []
    assert live_tables(om_client, schema) == [f"{schema}.t_keep1", f"{schema}.t_typo"]
