"""The CSV example connector: its input, records, bad rows, bad files, test connection, runs.

Each test writes the small CSV file it needs; ``data/sample.csv`` is only used end to end.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from local_harness import run_local
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.table import Column, DataType
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
from metadata.utils.importer import import_from_module

from .conftest import PROJECT, project_config

CONFIG = "csv_example.yaml"
MODULE = "metadata.ingestion.source.database.{{ cookiecutter.module_name }}_csv"
SOURCE_CLASS = csv_connector.{{ cookiecutter.class_name }}Csv
HEADER_LINE = "name,column_names,column_types\n"
SERVICE = project_config(CONFIG)["source"]["serviceName"]


def source_config(csv_path: Path | None = None, **options: str) -> dict[str, Any]:
    config = project_config(CONFIG)["source"]
    connection_options = config["serviceConnection"]["config"]["connectionOptions"]
    if csv_path is not None:
        connection_options["source_directory"] = str(csv_path)
    connection_options.update(options)
    return config


def write_csv(tmp_path: Path, content: str | bytes, name: str = "tables.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def make_source(
    metadata: Any, csv_path: Path, prepare: bool = True, **options: str
) -> csv_connector.{{ cookiecutter.class_name }}Csv:
    source = SOURCE_CLASS.create(source_config(csv_path, **options), metadata)
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


def test_a_business_unit_that_cannot_name_a_database_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidSourceException, match="business_unit"):
        make_source(NoServer(), write_csv(tmp_path, HEADER_LINE), business_unit="x" * 300)


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


def test_parent_fqns_are_built_locally_and_quoted(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, HEADER_LINE + "t,id,int\n")
    source = make_source(NoServer(), csv_path, business_unit="emea.sales")

    _, database, schema, table = (result.right for result in source._iter())

    assert database.name.root == "emea.sales"
    assert schema.database.root == f'{SERVICE}."emea.sales"'
    assert table.databaseSchema.root == f'{SERVICE}."emea.sales".default'


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("int", {"dataType": DataType.INT}),
        ("INTEGER", {"dataType": DataType.INT}),
        ("bigint", {"dataType": DataType.BIGINT}),
        ("smallint", {"dataType": DataType.SMALLINT}),
        ("varchar(20)", {"dataType": DataType.VARCHAR, "dataLength": 20}),
        ("VARCHAR (20)", {"dataType": DataType.VARCHAR, "dataLength": 20}),
        ("character varying", {"dataType": DataType.VARCHAR, "dataLength": 1}),
        ("character varying(64)", {"dataType": DataType.VARCHAR, "dataLength": 64}),
        ("text", {"dataType": DataType.TEXT}),
        ("string", {"dataType": DataType.STRING}),
        ("timestamp", {"dataType": DataType.TIMESTAMP}),
        ("timestamptz", {"dataType": DataType.TIMESTAMPZ}),
        ("timestamp(3) with time zone", {"dataType": DataType.TIMESTAMPZ}),
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
        ("array", {"dataType": DataType.ARRAY, "arrayDataType": DataType.UNKNOWN}),
        ("map<string,int>", {"dataType": DataType.MAP}),
        ("struct<a:int,b:array<string>>", {"dataType": DataType.STRUCT}),
        ("json", {"dataType": DataType.JSON}),
        ("jsonb", {"dataType": DataType.JSON}),
        ("uuid", {"dataType": DataType.UUID}),
        ("int(11)", {"dataType": DataType.INT}),
    ],
)
def test_type_spellings_map_to_data_types(spelling: str, expected: dict[str, Any]) -> None:
    assert csv_connector.parse_data_type(spelling) == expected


def test_every_data_type_name_is_accepted_in_any_case() -> None:
    for member in DataType:
        for spelling in (member.name, member.name.lower(), member.value, member.value.title()):
            fields = csv_connector.parse_data_type(spelling)
            assert fields["dataType"] is member, spelling
            # What the server requires for this type is always there.
            Column(name="c", **fields)
            if member in (DataType.CHAR, DataType.VARCHAR, DataType.BINARY, DataType.VARBINARY):
                assert fields["dataLength"] == csv_connector.DEFAULT_DATA_LENGTH
            if member is DataType.ARRAY:
                assert fields["arrayDataType"] is DataType.UNKNOWN


@pytest.mark.parametrize(
    ("spelling", "problem"),
    [
        ("frobnicate", "unknown data type 'frobnicate'"),
        ("array<frob>", "unknown data type 'frob'"),
        ("decimal(4,6)", "scale 6 is greater than precision 4"),
        ("decimal(0)", "precision must be at least 1"),
        ("numeric(0,0)", "precision must be at least 1"),
        ("decimal(1,2,3)", "takes a precision and an optional scale"),
        ("varchar(10,2)", "takes a length"),
        ("varchar(max)", "takes a length"),
        ("int<x>", "takes no <...>"),
        ("varchar(20", "cannot read it as a data type"),
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
        pytest.param(b"x" * 300 + b",c1,INT\n", "at most 256 characters", id="name-too-long"),
    ],
)
def test_a_bad_row_is_one_error_naming_file_and_line(
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
    assert errors[0].stackTrace


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


def test_the_run_status_counts_tables_and_bad_rows(tmp_path: Path) -> None:
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


def test_the_type_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_connector, "TYPE_CACHE_SIZE", 5)
    rows = "".join(f"t{n},id,varchar({n})\n" for n in range(1, 21))
    source = make_source(NoServer(), write_csv(tmp_path, HEADER_LINE + rows))

    tables, errors = split(list(source._iter()))

    assert (len(tables), errors) == (20, [])
    assert [table.columns[0].dataLength for table in tables] == list(range(1, 21))
    assert len(source._types) == 5


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

    tables, errors = split(list(make_source(NoServer(), csv_path, prepare=False)._iter()))

    assert tables == []
    assert len(errors) == 1 and str(csv_path) in errors[0].error


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


def test_csv_example_yaml_runs_and_creates_every_table_of_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(PROJECT)  # source_directory is relative to the repository root
    with (PROJECT / "data" / "sample.csv").open(encoding="utf-8", newline="") as file:
        sample_tables = [row[0] for row in list(csv.reader(file))[1:] if row]
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
        *[("Table", f"{schema}.{name}") for name in sample_tables],
    ]
    assert report["failures"] == []
    assert report["status"]["source"]["failures"] == 0
    assert len(sample_tables) >= 5


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
    assert result.passed  # 15 of 16 records: above the default successThreshold of 90%


def test_a_run_on_a_missing_file_stops_with_the_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = tmp_path / "missing.csv"

    result = run_local(_config_for(tmp_path, csv_path))

    assert not result.passed
    assert result.error is not None
    assert str(csv_path) in result.error and "does not exist" in result.error
    assert "Traceback" not in capsys.readouterr().out
