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

Every reference it sends (service, database, schema) is a fully qualified name built
locally with OpenMetadata's ``metadata.utils.fqn``: a dotted name is quoted
(``"acme.prod"."emea.sales".default``), and nothing is looked up on the server.

The file is streamed: only the names of the tables already sent are kept, to refuse a
table defined twice. Each bad row becomes one error in the run's status, naming the file
and line, without a Python traceback (a traceback means a bug, not bad data); the rows
around it are still ingested. A file that cannot be used at all (missing, unreadable,
not UTF-8, wrong header) stops the run in ``prepare`` with one message, and fails Test
Connection with the same message.

``sourceConfig.config`` (``DatabaseMetadata``) is honoured as built-in connectors honour
it: ``databaseFilterPattern`` applies to the ``business_unit`` database,
``schemaFilterPattern`` to the ``default`` schema, ``tableFilterPattern`` to the tables
(each left out is counted as filtered in the status), and ``useFqnForFiltering``
matches them against FQNs. With ``markDeletedTables`` (on by default), the tables of the
schema that the file no longer lists are soft-deleted at the end of the run, as
built-in connectors do: a table the file still lists, even in a bad row, is kept; a
table newly left out by ``tableFilterPattern`` is soft-deleted, like any table the
source no longer reports; a filtered-out database or schema is never touched; and
nothing is deleted when a row does not say which table it is, or when the file lists no
table (a mistake more likely than a wish; OpenMetadata 2.0's server ignores it too).

Data types are mapped by OpenMetadata's own ``ColumnTypeParser``, as its connectors map
them (``varchar(max)``, ``character varying(64)``, ``struct<a:int>``...). A spelling it
does not know is looked up in ``_ALIASES`` and the names of ``DataType``; one found in
neither makes the row bad. The original spelling is kept in ``dataTypeDisplay``. The
server requires more for some types, and refuses some values; what is sent:

- ``char``/``varchar``/``binary``/``varbinary``: a ``dataLength``, from the spelling
  (``varchar(20)`` gives 20), else ``DEFAULT_DATA_LENGTH`` (1, what OpenMetadata's own
  connectors send without a length or for ``(max)``).
- ``decimal``/``numeric``/``number``: ``(precision)`` or ``(precision,scale)``; zero
  precision, or a scale greater than the precision, makes the row bad.
- ``array<int>`` gives arrayDataType INT; ``array`` alone gives arrayDataType UNKNOWN.
- ``struct<a:int,b:string>`` gives the fields as children; ``struct`` alone, none.
- Numbers after any other type (``timestamp(3)``, ``int(11)``) give its ``dataLength``.

What to change when you adapt it: ``HEADER`` and ``_table_request`` for another file
layout, ``_ALIASES`` for the type spellings of your system. A type spelling with commas,
such as ``decimal(10,2)``, must be inside a quoted CSV field.
"""

from __future__ import annotations

import csv
import re
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

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
from metadata.generated.schema.entity.data.table import Column, DataType, Table
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
from metadata.generated.schema.metadataIngestion.databaseServiceMetadataPipeline import (
    DatabaseServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.filterPattern import FilterPattern
from metadata.ingestion.api.delete import delete_entity_from_source
from metadata.ingestion.api.models import Either, StackTraceError
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import (
    SourceConnectionException,
    TestConnectionStep,
    _test_connection_steps,
    raise_test_connection_exception,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser
from metadata.utils import fqn
from metadata.utils.filters import filter_by_database, filter_by_schema, filter_by_table
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
"""dataLength of a char/varchar/binary/varbinary spelled without a length, or ``(max)``."""
TYPE_CACHE_SIZE = 4096
"""At most this many distinct type spellings are kept parsed (memory stays bounded)."""
FILTER_PATTERNS = ("databaseFilterPattern", "schemaFilterPattern", "tableFilterPattern")
"""The filters of ``sourceConfig.config`` this connector applies."""

LENGTH_TYPES = frozenset({DataType.CHAR, DataType.VARCHAR, DataType.BINARY, DataType.VARBINARY})
PRECISION_TYPES = frozenset({DataType.DECIMAL, DataType.NUMERIC, DataType.NUMBER})
NESTED_TYPES = frozenset({DataType.ARRAY, DataType.MAP, DataType.STRUCT, DataType.UNION})

_ALIASES: dict[str, DataType] = {
    # Spellings OpenMetadata's ColumnTypeParser does not know, in some supported release.
    "serial": DataType.INT,
    "character": DataType.CHAR,
    "varchar2": DataType.VARCHAR,
    "nvarchar2": DataType.VARCHAR,
    "timestamp with local time zone": DataType.TIMESTAMP,
    "uniqueidentifier": DataType.UUID,
}
# Every DataType by name and value too: timestampz, measure hidden, unknown...
_DATA_TYPES: dict[str, DataType] = {
    spelling.lower(): member for member in DataType for spelling in (member.name, member.value)
} | _ALIASES

_WORDS = r"[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*"
_SPELLING = re.compile(
    rf"(?P<head>{_WORDS})(?:\((?P<args>[^()]*)\))?(?: (?P<tail>{_WORDS}))?(?:<(?P<element>.*)>)?",
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


def pipeline_settings(config: WorkflowSource) -> DatabaseServiceMetadataPipeline:
    """``sourceConfig.config``, typed; an invalid filter stops the run here, naming the field.

    OpenMetadata compiles the regular expressions only when it applies them: checked up
    front, a typo fails the run before anything is sent, not in the middle of it.
    """
    settings = config.sourceConfig.config if config.sourceConfig else None
    if settings is None:
        return DatabaseServiceMetadataPipeline()
    if not isinstance(settings, DatabaseServiceMetadataPipeline):
        raise InvalidSourceException(
            f"sourceConfig.config: expected type DatabaseMetadata, got {type(settings).__name__}"
        )
    for name in FILTER_PATTERNS:
        pattern: FilterPattern | None = getattr(settings, name)
        for side in ("includes", "excludes"):
            for position, regex in enumerate(getattr(pattern, side, None) or []):
                try:
                    re.compile(regex)
                except re.error as err:
                    raise InvalidSourceException(
                        f"sourceConfig.config.{name}.{side}[{position}]: {regex!r} is not a "
                        f"valid regular expression ({err})"
                    ) from None
    return settings


def build_fqn(entity_type: type[BaseModel], **parts: Any) -> str:
    """The FQN OpenMetadata gives an entity, built with ``metadata.utils.fqn`` (dotted names
    quoted), never looked up: a parent yielded a moment ago may not be on the server yet.

    Raises ``RowError`` when a name cannot be part of an FQN (one with a double quote).
    """
    try:
        for name in parts.values():
            if isinstance(name, str):
                fqn.quote_name(name)  # what the server does with each name: refuses a quote
        built = fqn.build(None, entity_type, **parts)
    except Exception as err:  # OpenMetadata's FQN errors differ from release to release
        raise RowError(f"cannot name a {entity_type.__name__} so: {err}") from None
    if not built:
        raise RowError(f"cannot name a {entity_type.__name__} from {parts}")
    return str(built)


# --- Data types --------------------------------------------------------------------------


def parse_data_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields a type spelling gives: ``dataType`` and, where the server
    needs them, ``dataLength``, ``precision``/``scale``, ``arrayDataType`` or ``children``.

    Raises ``ValueError`` saying what is wrong with the spelling.
    """
    text = _normalised(spelling)
    match = _SPELLING.fullmatch(text)
    if match is None:
        raise ValueError("cannot read it as a data type")
    base = " ".join(part for part in (match["head"], match["tail"]) if part).lower()
    args, element = match["args"], match["element"]
    parsed = _by_openmetadata(text)
    if parsed["dataType"] == DataType.UNKNOWN.value:
        known = _DATA_TYPES.get(base)
        if known is None:
            raise ValueError(f"unknown data type {base!r}")
        parsed = {"dataType": known.value, "dataLength": parsed.get("dataLength") if args else None}
    data_type = DataType(parsed["dataType"])
    if element is not None and data_type not in NESTED_TYPES:
        raise ValueError(f"{base} takes no <...>")
    if data_type in LENGTH_TYPES and args is not None and args.lower() != "max":
        _numbers(args, base, 1)  # the parser reads "varchar(10,2)" as varchar: refuse it
    if data_type in PRECISION_TYPES and args is not None:  # 1.5's parser drops the scale
        precision, *scale = _numbers(args, base, 2)
        parsed = {**parsed, "precision": precision, "scale": scale[0] if scale else None}
    if data_type is DataType.ARRAY and element and parsed.get("arrayDataType") in (None, "UNKNOWN"):
        # The parser drops the spaces of "array<double precision>": resolve the element here.
        parsed = {**parsed, "arrayDataType": parse_data_type(element)["dataType"].value}
    return _server_ready(parsed)


def _normalised(spelling: str) -> str:
    """One space between words, none inside brackets: ``DECIMAL( 10 , 2 )`` -> ``DECIMAL(10,2)``."""
    text = re.sub(r" ?([(,<:]) ?", r"\1", " ".join(spelling.split()))
    return re.sub(r" ([)>])", r"\1", text)


def _by_openmetadata(text: str) -> dict[str, Any]:
    """What OpenMetadata's ``ColumnTypeParser`` makes of a spelling (UNKNOWN if nothing)."""
    try:
        if "<" not in text:  # its grammar of single types, on the spelling as written
            return ColumnTypeParser._parse_primitive_datatype_string(text)
        # Arrays, maps, structs, unions: its nested grammar, which drops every space.
        parsed = ColumnTypeParser._parse_datatype_string(text)
    except ValueError:
        raise
    except Exception as err:  # e.g. a union inside a struct: the parser's bug, not the row's
        raise ValueError(f"OpenMetadata's type parser fails on it ({err!r})") from None
    if not isinstance(parsed, dict):  # union<...> gives the list of its members
        return {"dataType": ColumnTypeParser.get_column_type(text)}
    return parsed


def _server_ready(parsed: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of one parsed type that the server requires, and none that it refuses."""
    data_type = DataType(parsed["dataType"])
    fields: dict[str, Any] = {"dataType": data_type}
    length = _whole_number(parsed.get("dataLength"))  # 1.5's parser gives "20", or "max"
    if data_type in LENGTH_TYPES:
        fields["dataLength"] = DEFAULT_DATA_LENGTH if length is None else length
    elif data_type in PRECISION_TYPES:  # a dataLength here is a misplaced precision (1.5)
        if parsed.get("precision") is not None:
            fields.update(_precision_and_scale(parsed["precision"], parsed.get("scale")))
    elif length is not None:
        fields["dataLength"] = length
    if data_type is DataType.ARRAY:
        fields["arrayDataType"] = DataType(parsed.get("arrayDataType") or DataType.UNKNOWN.value)
    children = parsed.get("children")
    if children or data_type is DataType.STRUCT:  # the server requires them for a struct
        fields["children"] = _fields_of(children or [])
    return fields


def _fields_of(children: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The fields of a struct as the parser gives them, server-ready."""
    fields = []
    for child in children:
        if child.get("dataType") in (None, DataType.UNKNOWN.value):
            raise ValueError(
                f"field {child.get('name')!r} has a data type OpenMetadata does not know"
            )
        if '"' in str(child.get("name")):  # the server refuses it in a name
            raise ValueError(f"field {child.get('name')!r}: a name cannot hold a double quote")
        ready = _server_ready(child)
        fields.append(
            {"name": child.get("name"), **ready, "dataTypeDisplay": child.get("dataTypeDisplay")}
        )
    names = [field["name"] for field in fields]
    if len(set(names)) != len(names):
        raise ValueError("a field name appears twice")
    return fields


def _whole_number(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _numbers(args: str, base: str, at_most: int) -> list[int]:
    """The whole numbers in ``(...)`` of a spelling: a length, or a precision and a scale."""
    parts = [part.strip() for part in args.split(",")]
    if len(parts) > at_most or not all(part.isascii() and part.isdigit() for part in parts):
        wanted = "a length" if at_most == 1 else "a precision and an optional scale"
        raise ValueError(f"{base} takes {wanted} in (...), got ({args})")
    return [int(part) for part in parts]


def _precision_and_scale(precision: int, scale: int | None) -> dict[str, int]:
    if precision < 1:
        raise ValueError(f"precision must be at least 1, got {precision}")
    if scale is None:
        return {"precision": precision}
    if scale > precision:
        raise ValueError(f"scale {scale} is greater than precision {precision}")
    return {"precision": precision, "scale": scale}


# --- The CSV file ------------------------------------------------------------------------


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


# --- The source --------------------------------------------------------------------------


class {{ C }}Csv(Source):
    """Yields the service, the database, the schema, one table per row of the file, then
    the soft deletion of the tables the file no longer lists."""

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__()
        self.config = config
        self.metadata = metadata
        self.service_connection: CustomDatabaseConnection = config.serviceConnection.root.config  # type: ignore[union-attr,assignment]
        self.options = parse_options(self.service_connection)
        self.source_config = pipeline_settings(config)
        self.client = get_connection(self.service_connection)
        self.service_fqn, self.database_fqn, self.schema_fqn = self._parent_fqns()
        try:
            self.parent_requests = self._parent_requests()
        except ValidationError as err:
            raise InvalidSourceException(f"Cannot name the service: {_problem(err)}") from None
        self._opened: OpenedCsv | None = None
        # FQN of every table the file lists (never deleted) -> whether it was sent (a
        # second row for a sent table is an error): one string per row, nothing more.
        self._listed: dict[str, bool] = {}
        self._unnamed_rows = 0  # rows that do not say which table they are
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
        service, database, schema = self.parent_requests
        yield Either(right=service)
        business_unit = self.options.business_unit
        if not self._keep(
            filter_by_database, "databaseFilterPattern", business_unit, self.database_fqn
        ):
            return
        yield Either(right=database)
        if not self._keep(filter_by_schema, "schemaFilterPattern", DEFAULT_SCHEMA, self.schema_fqn):
            return
        yield Either(right=schema)
        opened, self._opened = self._opened, None
        try:
            opened = opened or self.client.open()
        except CsvFileError as err:
            yield _left(str(self.client.path), str(err))
            return
        with opened:
            read_to_the_end = yield from self._tables(opened.reader)
        if read_to_the_end:  # a file read in part lists part of its tables: delete nothing
            yield from self._mark_deleted_tables()

    def _parent_fqns(self) -> tuple[str, str, str]:
        """The FQNs of the service, the database and the schema; errors name the setting."""
        try:
            service_fqn = fqn.quote_name(self.service_name)
        except ValueError as err:
            raise InvalidSourceException(f"source.serviceName: {err}") from None
        parts = {"service_name": self.service_name, "database_name": self.options.business_unit}
        try:
            database_fqn = build_fqn(Database, **parts)
            schema_fqn = build_fqn(DatabaseSchema, **parts, schema_name=DEFAULT_SCHEMA)
        except RowError as err:
            raise InvalidSourceException(f"connectionOptions.business_unit: {err}") from None
        return service_fqn, database_fqn, schema_fqn

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
            CreateDatabaseRequest(name=self.options.business_unit, service=self.service_fqn),
            CreateDatabaseSchemaRequest(name=DEFAULT_SCHEMA, database=self.database_fqn),
        ]

    def _keep(
        self,
        filtered_out: Callable[[FilterPattern | None, str], bool],
        pattern_field: str,
        name: str,
        entity_fqn: str,
    ) -> bool:
        """Whether ``name`` passes the sourceConfig filter ``pattern_field``, by OpenMetadata's
        rule; one left out is counted in the status under its FQN, as built-ins count it."""
        matched = entity_fqn if self.source_config.useFqnForFiltering else name
        if not filtered_out(getattr(self.source_config, pattern_field), matched):
            return True
        kind = pattern_field.removesuffix("FilterPattern").capitalize()
        self.status.filter(entity_fqn, f"{kind} Filtered Out")  # "Table Filtered Out"
        return False

    def _tables(self, reader: _reader) -> Generator[Either, None, bool]:
        """One ``Either`` per row that is not filtered out, read one row at a time.

        Returns whether the file was read to its end.
        """
        last_line = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return True
            except csv.Error as err:  # e.g. a field over csv.field_size_limit()
                first, last_line = last_line + 1, reader.line_num
                self._unnamed_rows += 1
                yield self._row_left("", first, last_line, f"cannot be read as CSV: {err}")
                if last_line < first:  # the reader did not move on: stop rather than loop
                    return False
                continue
            first, last_line = last_line + 1, reader.line_num
            if _is_row(row):
                yield from self._table(row, first, last_line)

    def _table(self, row: list[str], first: int, last: int) -> Iterator[Either]:
        """The table of one row, unless filtered out; a bad row is one error."""
        try:
            name, table_fqn = self._table_name(row[0])
        except RowError as err:
            self._unnamed_rows += 1
            yield self._row_left(row[0], first, last, str(err))
            return
        if not self._keep(filter_by_table, "tableFilterPattern", name, table_fqn):
            return
        sent = self._listed.setdefault(table_fqn, False)
        try:
            request = self._table_request(name, row, sent)
        except Exception as err:  # a bad row, or anything unexpected: never end the run
            yield self._row_left(row[0], first, last, _problem(err), _stack(err))
        else:
            self._listed[table_fqn] = True
            yield Either(right=request)

    def _table_name(self, field: str) -> tuple[str, str]:
        """The table a row names, and its FQN; raises ``RowError`` if it names none."""
        if _not_utf8([field]):
            raise RowError("holds bytes that are not UTF-8 (is the file UTF-8?)")
        name = field.strip()
        if not name:
            raise RowError("empty table name")
        table_fqn = build_fqn(
            Table,
            service_name=self.service_name,
            database_name=self.options.business_unit,
            schema_name=DEFAULT_SCHEMA,
            table_name=name,
            skip_es_search=True,
        )
        return name, table_fqn

    def _table_request(self, name: str, row: list[str], sent: bool) -> CreateTableRequest:
        """The table of one row; raises ``RowError`` saying what is wrong with the row
        (``sent``: an earlier row of the file defined the table already)."""
        if _not_utf8(row):
            raise RowError("holds bytes that are not UTF-8 (is the file UTF-8?)")
        if len(row) != len(HEADER):
            raise RowError(f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(row)}")
        _, column_names, column_types = row
        if sent:
            raise RowError(f"table {name!r} was already defined by an earlier row of this file")
        return CreateTableRequest(
            name=name,
            databaseSchema=self.schema_fqn,
            columns=self._columns(
                column_names.split(LIST_SEPARATOR), column_types.split(LIST_SEPARATOR)
            ),
        )

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
            elif '"' in name:
                problems.append(f"column {name!r}: a name cannot hold a double quote")
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

    def _mark_deleted_tables(self) -> Iterator[Either]:
        """Soft-delete the tables of the schema that the file no longer lists.

        Only when ``markDeletedTables`` is on, and only in the schema this run processed,
        with OpenMetadata's ``delete_entity_from_source``, as built-in connectors do.
        """
        if self.source_config.markDeletedTables is False:
            return
        unsure = None
        if self._unnamed_rows:
            unsure = f"{self._unnamed_rows} row(s) of {self.client.shown} do not name their table"
        elif not self._listed:  # OpenMetadata 2.0's server ignores an empty list too
            unsure = f"{self.client.shown} lists no table"
        if unsure:
            self.status.warning(self.schema_fqn, f"markDeletedTables skipped: {unsure}")
            return
        yield from _flush_sink("the tables of this run are on the server before the deletion")
        # The 4th parameter is not passed: it is mark_deleted_entity before 2.0, recursive in 2.0.
        yield from delete_entity_from_source(
            metadata=self.metadata,
            entity_type=Table,
            # Only membership and iteration are used (every release): the keys, not a copy.
            entity_source_state=cast("set[str]", self._listed.keys()),
            params={"databaseSchema": self.schema_fqn},
        )

    def _row_left(
        self, name: str, first: int, last: int, problem: str, stack: str | None = None
    ) -> Either:
        """One bad row: named after its table (or file:line), the message names file and line."""
        lines = f"line {first}" if first >= last else f"lines {first}-{last}"
        shown = _printable(name.strip()) or f"{self.client.path}:{first}"
        return _left(shown, f"{self.client.shown}, {lines}: {problem}", stack)

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None


def _flush_sink(reason: str) -> Iterator[Either]:
    """Make the ``metadata-rest`` sink write what it buffered (2.0 buffers creates).

    ``Barrier`` exists from 1.12 on; before, the sink writes each record when yielded.
    """
    try:
        from metadata.ingestion.models.barrier import Barrier
    except ImportError:
        return
    yield Either(right=Barrier(reason=reason))


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


def _stack(err: Exception) -> str | None:
    """A bad row is a data error, without a traceback; anything else is a bug, with one."""
    if isinstance(err, (RowError, ValidationError)):
        return None
    return "".join(traceback.format_exception(err))


def _left(name: str, error: str, stack: str | None = None) -> Either:
    return Either(left=StackTraceError(name=name, error=error, stackTrace=stack))
