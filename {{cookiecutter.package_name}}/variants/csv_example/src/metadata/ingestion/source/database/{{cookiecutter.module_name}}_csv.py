{%- set C = cookiecutter.class_name -%}
"""{{ cookiecutter.module_name }}_csv: the CSV example connector (OpenMetadata's demo, made robust).

It reads the same input as OpenMetadata's demo custom connector: one table per CSV row,
under the header ``name,column_names,column_types``, with the column names and types of
a table separated by ``;``::

    name,column_names,column_types
    orders,order_id;amount;ordered_at,"bigint;decimal(10,2);timestamp"

and yields a database service, a database named after ``business_unit``, one schema
named ``default`` (``DEFAULT_SCHEMA``) and one table per row. ``connectionOptions``:

- ``source_directory``: the CSV file (the demo's name for it). A relative path is
  resolved against the current directory: the repository root under ``make``.
- ``business_unit``: the name of the database the tables go in.

The file is streamed: only the names of the tables already sent are kept, to refuse a
table defined twice. Each bad row becomes one error in the run's status, naming the file
and line; the rows around it are still ingested. A file that cannot be used at all
(missing, unreadable, not UTF-8, wrong header) stops the run in ``prepare`` with one
message, and fails Test Connection with the same message.

Data types are matched case-insensitively against common SQL spellings (``_ALIASES``)
and every name of OpenMetadata's ``DataType``; the original spelling is kept in
``dataTypeDisplay``. The server requires more for some types, taken from the spelling:

- ``char``/``varchar``/``binary``/``varbinary`` need a length: ``varchar(20)`` gives 20;
  without one, ``DEFAULT_DATA_LENGTH`` (1, the value OpenMetadata's own connectors use
  when a source states no length).
- ``decimal``/``numeric``/``number`` take ``(precision)`` or ``(precision,scale)``;
  zero precision, or a scale greater than the precision, makes the row bad.
- ``array<int>`` gives arrayDataType INT; ``array`` alone gives arrayDataType UNKNOWN.
- Numbers after any other type (``timestamp(3)``, ``int(11)``) are only displayed.

What to change when you adapt it: ``HEADER`` and ``_table_request`` for another file
layout, ``_ALIASES`` for the type spellings of your system. A type spelling with commas,
such as ``decimal(10,2)``, must be inside a quoted CSV field.
"""

from __future__ import annotations

import csv
import re
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Column, DataType
from metadata.generated.schema.entity.services.connections.database.customDatabaseConnection import (
    CustomDatabaseConnection,
)
from metadata.generated.schema.entity.services.connections.testConnectionResult import (
    TestConnectionResult,
)
from metadata.generated.schema.entity.services.databaseService import (
    DatabaseConnection,
    DatabaseServiceType,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.ingestion.api.models import Either, StackTraceError
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import (
    SourceConnectionException,
    TestConnectionStep,
    _test_connection_steps,
    raise_test_connection_exception,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils import fqn
from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from _csv import _reader

{{ cookiecutter.connector_name | python_constant("CONNECTOR_NAME") }}
SERVICE_DISPLAY_NAME = f"{CONNECTOR_NAME} (CSV example)"
SERVICE_DESCRIPTION = f"Tables listed in a CSV file: the CSV example of {CONNECTOR_NAME}."

HEADER = ("name", "column_names", "column_types")
LIST_SEPARATOR = ";"
DEFAULT_SCHEMA = "default"
DEFAULT_DATA_LENGTH = 1
"""dataLength of a char/varchar/binary/varbinary spelled without a length."""
TYPE_CACHE_SIZE = 4096
"""At most this many distinct type spellings are kept parsed (memory stays bounded)."""

LENGTH_TYPES = frozenset({DataType.CHAR, DataType.VARCHAR, DataType.BINARY, DataType.VARBINARY})
PRECISION_TYPES = frozenset({DataType.DECIMAL, DataType.NUMERIC, DataType.NUMBER})
NESTED_TYPES = frozenset({DataType.ARRAY, DataType.MAP, DataType.STRUCT, DataType.UNION})

_ALIASES: dict[str, DataType] = {
    # integers
    "int": DataType.INT,
    "integer": DataType.INT,
    "int4": DataType.INT,
    "int32": DataType.INT,
    "mediumint": DataType.INT,
    "serial": DataType.INT,
    "smallint": DataType.SMALLINT,
    "int2": DataType.SMALLINT,
    "int16": DataType.SMALLINT,
    "smallserial": DataType.SMALLINT,
    "bigint": DataType.BIGINT,
    "int8": DataType.BIGINT,
    "int64": DataType.BIGINT,
    "bigserial": DataType.BIGINT,
    # other numbers
    "dec": DataType.DECIMAL,
    "float4": DataType.FLOAT,
    "real": DataType.FLOAT,
    "float8": DataType.DOUBLE,
    "float64": DataType.DOUBLE,
    "double precision": DataType.DOUBLE,
    # text
    "character varying": DataType.VARCHAR,
    "varchar2": DataType.VARCHAR,
    "nvarchar": DataType.VARCHAR,
    "nvarchar2": DataType.VARCHAR,
    "character": DataType.CHAR,
    "nchar": DataType.CHAR,
    "bpchar": DataType.CHAR,
    "tinytext": DataType.TEXT,
    "longtext": DataType.TEXT,
    # binary
    "binary varying": DataType.VARBINARY,
    # dates and times
    "time without time zone": DataType.TIME,
    "time with time zone": DataType.TIME,
    "timetz": DataType.TIME,
    "timestamp without time zone": DataType.TIMESTAMP,
    "timestamp_ntz": DataType.TIMESTAMP,
    "timestamptz": DataType.TIMESTAMPZ,
    "timestamp with time zone": DataType.TIMESTAMPZ,
    "timestamp with local time zone": DataType.TIMESTAMPZ,
    "timestamp_tz": DataType.TIMESTAMPZ,
    "timestamp_ltz": DataType.TIMESTAMPZ,
    "datetimeoffset": DataType.TIMESTAMPZ,
    "datetime2": DataType.DATETIME,
    "smalldatetime": DataType.DATETIME,
    # others
    "bool": DataType.BOOLEAN,
    "jsonb": DataType.JSON,
    "uniqueidentifier": DataType.UUID,
}
# Every DataType by name and value too: int, varchar, timestamp, json, uuid, measure hidden...
_DATA_TYPES: dict[str, DataType] = {
    spelling.lower(): member for member in DataType for spelling in (member.name, member.value)
} | _ALIASES

_WORDS = r"[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*"
_SPELLING = re.compile(
    rf"(?P<head>{_WORDS}) ?(?:\((?P<args>[^()]*)\))?(?: ?(?P<tail>{_WORDS}))? ?(?:<(?P<element>.*)>)?",
    re.IGNORECASE,
)


class CsvFileError(InvalidSourceException):
    """The CSV file cannot be used at all; the message names the file and the problem."""


class RowError(ValueError):
    """One row of the CSV file cannot be ingested; the message says why."""


class {{ C }}CsvOptions(BaseModel):
    """The ``connectionOptions`` of ``csv_example.yaml``, typed; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    source_directory: str = Field(min_length=1, description="The CSV file (the demo's name).")
    business_unit: str = Field(
        min_length=1, max_length=256, description="The database the tables go in."
    )


def parse_options(
    connection: CustomDatabaseConnection,
) -> {{ C }}CsvOptions:
    """Validate ``connectionOptions``; errors name the option, never its value."""
    options = connection.connectionOptions.root if connection.connectionOptions else {}
    try:
        return {{ C }}CsvOptions.model_validate(options)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'connectionOptions'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidSourceException(f"Invalid connectionOptions: {problems}") from None


def parse_data_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields a type spelling gives: ``dataType`` and, where the server
    needs them, ``dataLength``, ``precision``/``scale`` or ``arrayDataType``.

    Raises ``ValueError`` saying what is wrong with the spelling.
    """
    match = _SPELLING.fullmatch(" ".join(spelling.split()))
    if match is None:
        raise ValueError("cannot read it as a data type")
    base = match["head"].lower() + (f" {match['tail'].lower()}" if match["tail"] else "")
    data_type = _DATA_TYPES.get(base)
    if data_type is None:
        raise ValueError(f"unknown data type {base!r}")
    fields: dict[str, Any] = {"dataType": data_type}
    args, element = match["args"], match["element"]
    if data_type in LENGTH_TYPES:
        fields["dataLength"] = DEFAULT_DATA_LENGTH if args is None else _numbers(args, base, 1)[0]
    elif data_type in PRECISION_TYPES and args is not None:
        fields.update(_precision_and_scale(_numbers(args, base, 2)))
    if element is not None and data_type not in NESTED_TYPES:
        raise ValueError(f"{base} takes no <...>")
    if data_type is DataType.ARRAY:
        element_type = parse_data_type(element)["dataType"] if element and element.strip() else None
        fields["arrayDataType"] = element_type or DataType.UNKNOWN
    return fields


def _numbers(args: str, base: str, at_most: int) -> list[int]:
    """The whole numbers in ``(...)`` of a spelling: a length, or a precision and a scale."""
    parts = [part.strip() for part in args.split(",")]
    if len(parts) > at_most or not all(part.isascii() and part.isdigit() for part in parts):
        wanted = "a length" if at_most == 1 else "a precision and an optional scale"
        raise ValueError(f"{base} takes {wanted} in (...), got ({args})")
    return [int(part) for part in parts]


def _precision_and_scale(numbers: list[int]) -> dict[str, int]:
    precision, *scale = numbers
    if precision < 1:
        raise ValueError(f"precision must be at least 1, got {precision}")
    if scale and scale[0] > precision:
        raise ValueError(f"scale {scale[0]} is greater than precision {precision}")
    return {"precision": precision, "scale": scale[0]} if scale else {"precision": precision}


class OpenedCsv:
    """The CSV file, open and read up to (and including) its header."""

    def __init__(self, file: TextIO, reader: _reader) -> None:
        self.file = file
        self.reader = reader

    def __enter__(self) -> OpenedCsv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.file.close()


class {{ C }}CsvFile:
    """The "client" of this connector: the CSV file named by ``source_directory``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def shown(self) -> str:
        """How messages name the file."""
        return f"CSV file {self.path}"

    def open(self) -> OpenedCsv:
        """Open the file and check its header; raises ``CsvFileError`` naming the problem."""
        try:
            if not self.path.exists():
                raise CsvFileError(
                    f"{self.shown} does not exist (looked for {self.path.absolute()})"
                )
            if self.path.is_dir():
                raise CsvFileError(f"{self.shown} is a directory, not a file")
            # surrogateescape: bytes that are not UTF-8 become markers found per row.
            file = self.path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
        except PermissionError:
            raise CsvFileError(f"{self.shown} cannot be read: permission denied") from None
        except OSError as err:
            raise CsvFileError(f"{self.shown} cannot be read: {err.strerror or err}") from None
        reader = csv.reader(file)
        try:
            self._check_header(reader)
        except BaseException:
            file.close()
            raise
        return OpenedCsv(file, reader)

    def check(self) -> None:
        """Test Connection's step: the file exists, is readable, UTF-8, with the header."""
        self.open().close()

    def _check_header(self, reader: _reader) -> None:
        expected = ",".join(HEADER)
        try:
            header = next((row for row in reader if _is_row(row)), None)
        except (csv.Error, OSError, UnicodeError) as err:
            raise CsvFileError(f"{self.shown} cannot be read as CSV: {err}") from None
        if header is None:
            problem = "is empty" if reader.line_num == 0 else "has only blank lines"
            raise CsvFileError(f"{self.shown} {problem}: expected the header {expected!r}")
        line = reader.line_num
        if _not_utf8(header):
            raise CsvFileError(
                f"{self.shown} is not UTF-8: line {line} holds bytes that are not UTF-8 "
                "(a UTF-16 or Latin-1 file?); save it as UTF-8"
            )
        if any("\x00" in field for field in header):
            raise CsvFileError(
                f"{self.shown} is not UTF-8: line {line} holds NUL characters "
                "(a UTF-16 file?); save it as UTF-8"
            )
        if tuple(field.strip().lower() for field in header) != HEADER:
            found = ",".join(header)
            found = found if len(found) <= 80 else f"{found[:77]}..."
            raise CsvFileError(
                f"{self.shown}, line {line}: wrong header {found!r}, expected {expected!r}"
            )


def _is_row(row: list[str]) -> bool:
    """Blank lines (empty or spaces only) are not rows."""
    return bool(row) and (len(row) > 1 or bool(row[0].strip()))


def _not_utf8(row: list[str]) -> bool:
    """Whether the row held bytes that are not UTF-8 (read as surrogate escapes)."""
    text = "".join(row)
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    """``text`` with bytes that were not UTF-8 shown as replacement characters."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def get_connection(
    connection: CustomDatabaseConnection,
) -> {{ C }}CsvFile:
    """Build the client from the service connection (also used by Test Connection)."""
    path = Path(parse_options(connection).source_directory)
    return {{ C }}CsvFile(path)


def test_connection(
    metadata: OpenMetadata,
    client: {{ C }}CsvFile,
    service_connection: CustomDatabaseConnection,
    automation_workflow: Any | None = None,
) -> TestConnectionResult:
    """Run the connection checks; the UI shows each step's outcome."""
    steps = [
        TestConnectionStep(
            name="CheckCsvFile",
            description="The CSV file exists, is readable, is UTF-8 and has the expected header.",
            function=client.check,
            error_message=f"Cannot use the CSV file; check source_directory ({client.path}).",
            mandatory=True,
            short_circuit=True,
        ),
    ]
    return _test_connection_steps(metadata, steps, automation_workflow)


class {{ C }}Csv(Source):
    """Yields the service, the database, the schema, then one table per row of the file."""

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__()
        self.config = config
        self.metadata = metadata
        self.service_connection: CustomDatabaseConnection = config.serviceConnection.root.config  # type: ignore[union-attr,assignment]
        self.options = parse_options(self.service_connection)
        self.client = get_connection(self.service_connection)
        self.database_fqn = fqn.build(
            None, Database, service_name=self.service_name, database_name=self.options.business_unit
        )
        self.schema_fqn = fqn.build(
            None,
            DatabaseSchema,
            service_name=self.service_name,
            database_name=self.options.business_unit,
            schema_name=DEFAULT_SCHEMA,
        )
        try:
            self.parent_requests = self._parent_requests()
        except ValidationError as err:
            raise InvalidSourceException(f"Cannot name the service: {_problem(err)}") from None
        self._opened: OpenedCsv | None = None
        self._seen: set[str] = set()  # table names already sent: a second one is an error
        self._types: dict[str, dict[str, Any] | str] = {}  # spelling -> Column fields | problem

    @classmethod
    def create(
        cls,
        config_dict: dict[str, Any],
        metadata: OpenMetadata,
        pipeline_name: str | None = None,
    ) -> {{ C }}Csv:
        config = WorkflowSource.model_validate(config_dict)
        connection = config.serviceConnection.root.config if config.serviceConnection else None
        if not isinstance(connection, CustomDatabaseConnection):
            raise InvalidSourceException(
                f"Expected CustomDatabaseConnection, but got {type(connection).__name__}"
            )
        return cls(config, metadata)

    @property
    def service_name(self) -> str:
        return str(self.config.serviceName)

    def prepare(self) -> None:
        """Open the file and check its header: a file that cannot be used stops the run here."""
        self.close()
        self._opened = self.client.open()

    def test_connection(self) -> None:
        result = test_connection(self.metadata, self.client, self.service_connection)
        try:
            raise_test_connection_exception(result)
        except SourceConnectionException as exc:
            details = "; ".join(step.errorLog or "" for step in result.steps if not step.passed)
            raise SourceConnectionException(f"{exc}: {details}") from None

    def _iter(self) -> Iterable[Either]:
        for request in self.parent_requests:
            yield Either(right=request)
        opened, self._opened = self._opened, None
        try:
            opened = opened or self.client.open()
        except CsvFileError as err:
            yield _left(str(self.client.path), str(err), traceback.format_exc())
            return
        with opened:
            yield from self._tables(opened.reader)

    def _parent_requests(self) -> list[BaseModel]:
        """The service, the database and the schema, built (and checked) up front."""
        return [
            CreateDatabaseServiceRequest(
                name=self.service_name,
                serviceType=DatabaseServiceType.CustomDatabase,
                connection=DatabaseConnection(config=self.service_connection),
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            ),
            CreateDatabaseRequest(name=self.options.business_unit, service=self.service_name),
            CreateDatabaseSchemaRequest(name=DEFAULT_SCHEMA, database=self.database_fqn),
        ]

    def _tables(self, reader: _reader) -> Iterator[Either]:
        """One ``Either`` per row, read one row at a time."""
        last_line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:  # e.g. a field over csv.field_size_limit()
                first, last_line = last_line + 1, reader.line_num
                problem = f"cannot be read as CSV: {err}"
                yield self._row_left("", first, last_line, problem, traceback.format_exc())
                if last_line < first:  # the reader did not move on: stop rather than loop
                    return
                continue
            first, last_line = last_line + 1, reader.line_num
            if not _is_row(row):
                continue
            try:
                yield Either(right=self._table_request(row))
            except Exception as err:  # a bad row, or anything unexpected: never end the run
                problem = _problem(err)
                yield self._row_left(row[0], first, last_line, problem, traceback.format_exc())

    def _table_request(self, row: list[str]) -> CreateTableRequest:
        """The table of one row; raises ``RowError`` saying what is wrong with the row."""
        if _not_utf8(row):
            raise RowError("holds bytes that are not UTF-8 (is the file UTF-8?)")
        if len(row) != len(HEADER):
            raise RowError(f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(row)}")
        name, column_names, column_types = row
        name = name.strip()
        if not name:
            raise RowError("empty table name")
        if name in self._seen:
            raise RowError(f"table {name!r} was already defined by an earlier row of this file")
        request = CreateTableRequest(
            name=name,
            databaseSchema=self.schema_fqn,
            columns=self._columns(
                column_names.split(LIST_SEPARATOR), column_types.split(LIST_SEPARATOR)
            ),
        )
        self._seen.add(name)
        return request

    def _columns(self, names: list[str], spellings: list[str]) -> list[Column]:
        if len(names) != len(spellings):
            raise RowError(f"{len(names)} column names but {len(spellings)} column types")
        columns: list[Column] = []
        problems: list[str] = []
        for position, (raw_name, raw_spelling) in enumerate(
            zip(names, spellings, strict=True), start=1
        ):
            name, spelling = raw_name.strip(), raw_spelling.strip()
            fields = self._types.get(spelling)
            if fields is None:
                fields = self._parse(spelling)
            if not name:
                problems.append(f"column {position} has an empty name")
            elif not spelling:
                problems.append(f"column {name!r} has no data type")
            elif isinstance(fields, str):
                problems.append(f"column {name!r} has data type {spelling!r}: {fields}")
            else:
                columns.append(Column(name=name, dataTypeDisplay=spelling, **fields))
        if not problems and len({column.name.root for column in columns}) != len(columns):
            problems.append("a column name appears twice")
        if problems:
            raise RowError("; ".join(problems))
        return columns

    def _parse(self, spelling: str) -> dict[str, Any] | str:
        """Parse a type spelling once; later rows find it in ``self._types``."""
        try:
            fields: dict[str, Any] | str = parse_data_type(spelling)
        except ValueError as err:
            fields = str(err)
        if len(self._types) < TYPE_CACHE_SIZE:
            self._types[spelling] = fields
        return fields

    def _row_left(self, name: str, first: int, last: int, problem: str, stack: str) -> Either:
        """One bad row: named after its table (or file:line), the message names file and line."""
        lines = f"line {first}" if first >= last else f"lines {first}-{last}"
        shown = _printable(name.strip()) or f"{self.client.path}:{first}"
        return _left(shown, f"{self.client.shown}, {lines}: {problem}", stack)

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None


def _problem(err: Exception) -> str:
    """What is wrong, in one line: the ``RowError`` message, or the fields a model refused."""
    if isinstance(err, RowError):
        return str(err)
    if isinstance(err, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in err.errors()
        )
    return f"unexpected error: {err!r}"


def _left(name: str, error: str, stack: str) -> Either:
    return Either(left=StackTraceError(name=name, error=error, stackTrace=stack))
