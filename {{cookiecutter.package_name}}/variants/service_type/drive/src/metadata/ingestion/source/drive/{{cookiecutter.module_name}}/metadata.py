{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom drive connector (OpenMetadata 1.9 and newer).

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. per directory the filters keep, depth first: the directory, its files (type, MIME
   type, size), then the directories inside it (``_directories``);
3. per spreadsheet the filters keep: the spreadsheet, then its worksheets with their
   columns (``_spreadsheets``);
4. the soft deletion of what the system no longer has (``mark_deleted``, per ``deletions``).

Tags and owners go on every entity (``includeTags``, ``includeOwners``); the ``include*``
settings leave out a kind of entity altogether (without directories, no files either).
Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar, cast

from metadata.generated.schema.api.data.createDirectory import CreateDirectoryRequest
from metadata.generated.schema.api.data.createFile import CreateFileRequest
from metadata.generated.schema.api.data.createSpreadsheet import (
    CreateSpreadsheetRequest,
)
from metadata.generated.schema.api.data.createWorksheet import CreateWorksheetRequest
from metadata.generated.schema.api.services.createDriveService import (
    CreateDriveServiceRequest,
)
from metadata.generated.schema.entity.data.directory import Directory, DirectoryType
from metadata.generated.schema.entity.data.file import File, FileType
from metadata.generated.schema.entity.data.spreadsheet import (
    Spreadsheet,
    SpreadsheetMimeType,
)
from metadata.generated.schema.entity.data.table import Column
from metadata.generated.schema.entity.data.worksheet import Worksheet
from metadata.generated.schema.entity.services.connections.drive.customDriveConnection import (
    CustomDriveConnection,
)
from metadata.generated.schema.entity.services.driveService import (
    DriveConnection,
    DriveServiceType,
)
from metadata.generated.schema.metadataIngestion.driveServiceMetadataPipeline import (
    DriveServiceMetadataPipeline,
)
from metadata.ingestion.api.models import Either
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser

from .connection import get_connection, test_connection
from .models import (
    DIRECTORIES,
    FILES,
    SPREADSHEETS,
    SUBDIRECTORIES,
    WORKSHEETS,
    RemoteColumn,
    RemoteDirectory,
    RemoteFile,
    RemoteSpreadsheet,
    RemoteWorksheet,
)
from .records import RecordError, entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
TYPE_SPELLINGS: dict[str, str] = {}
"""Column types your system spells in a way OpenMetadata's parser does not know,
lowercase, mapped to one it knows: ``{"currency": "decimal(18,2)"}``."""
LENGTH_TYPES = frozenset({"CHAR", "VARCHAR", "BINARY", "VARBINARY"})
DEFAULT_DATA_LENGTH = 1
"""dataLength of a char/varchar/binary/varbinary without one (or ``(max)``): the server
requires one, and this is the value OpenMetadata's own connectors send."""

E = TypeVar("E", bound=Enum)


class {{ cookiecutter.class_name }}(ConnectorSource[DriveServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom drive service."""

    connection_class = CustomDriveConnection
    pipeline_model = DriveServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # The scopes of OpenMetadata's own drive sources: directories, files and spreadsheets
    # across the whole service (a directory the filter now leaves out is deleted, with
    # what it holds), worksheets within each spreadsheet the run reads. From OpenMetadata
    # 2.0 on the server compares, and deletes nothing in a scope where the run saw nothing
    # (a spreadsheet with no worksheet left): it cannot tell an empty system from a failed
    # read.
    deletions = (
        ("markDeletedDirectories", True, Directory),
        ("markDeletedFiles", True, File),
        ("markDeletedSpreadsheets", True, Spreadsheet),
        ("markDeletedWorksheets", True, Worksheet),
    )

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        yield from self._directories()
        yield from self._spreadsheets()
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateDriveServiceRequest(
                name=self.service_name,
                serviceType=DriveServiceType.CustomDrive,
                connection=DriveConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Directories, their files, and the directories inside them ------------------------

    def _directories(self) -> Iterator[Either]:
        if not self.settings.enabled("includeDirectories", True):
            return
        # Deletions compare the whole service, as OpenMetadata's own drive sources do;
        # only the kinds of entity this run reads.
        self.seen.scope(Directory, "service", self.service_name)
        if self.settings.enabled("includeFiles", True):
            self.seen.scope(File, "service", self.service_name)
        for directory in self.fetch(DIRECTORIES):
            yield from guarded(directory.name, self._directory(directory, (directory.name,), None))

    def _directory(
        self, directory: RemoteDirectory, path: tuple[str, ...], parent_fqn: str | None
    ) -> Iterator[Either]:
        """A directory (``path``: its names from the top), its files, then its directories.

        A directory the filter leaves out is not read further: nothing inside it is sent.
        """
        directory_fqn = entity_fqn(Directory, service_name=self.service_name, directory_path=path)
        if not self.settings.keep("directoryFilterPattern", directory.name, directory_fqn):
            return
        self.seen.add(Directory, "service", self.service_name, directory_fqn)
        yield from self.classification.tags(directory.labels)
        yield Either(
            right=CreateDirectoryRequest(
                name=directory.name,
                description=directory.description,
                service=self.service_fqn,
                parent=parent_fqn,
                directoryType=DirectoryType.Folder,
                path="/" + "/".join(path),
                owners=self.owners.of(directory.owner, directory_fqn),
                tags=self.classification.labels_of(directory.labels),
            )
        )
        yield from self._files(path, directory_fqn)
        yield from self._subdirectories(path, directory_fqn)

    def _subdirectories(self, path: tuple[str, ...], directory_fqn: str) -> Iterator[Either]:
        """The directories inside ``path``, each naming its parent.

        The server resolves the parent of every directory of a bulk write before it stores
        any: the parent must be written before its children are sent.
        """
        flushed = False
        for child in self.fetch(SUBDIRECTORIES, directory="/".join(path)):
            if not flushed:
                yield from flush_sink("a directory exists before the directories inside it")
                flushed = True
            yield from guarded(
                f"{directory_fqn}.{child.name}",
                self._directory(child, (*path, child.name), directory_fqn),
            )

    def _files(self, path: tuple[str, ...], directory_fqn: str) -> Iterator[Either]:
        if not self.settings.enabled("includeFiles", True):
            return
        for file in self.fetch(FILES, directory="/".join(path)):
            yield from guarded(
                f"{directory_fqn}.{file.name}", self._file(file, path, directory_fqn)
            )

    def _file(
        self, file: RemoteFile, path: tuple[str, ...], directory_fqn: str
    ) -> Iterator[Either]:
        file_fqn = entity_fqn(
            File, service_name=self.service_name, directory_path=path, file_name=file.name
        )
        if not self.settings.keep("fileFilterPattern", file.name, file_fqn):
            return
        self.seen.add(File, "service", self.service_name, file_fqn)  # there, even if it fails
        request = CreateFileRequest(  # fails before any yield
            name=file.name,
            description=file.description,
            service=self.service_fqn,
            directory=directory_fqn,
            fileType=member(FileType, file.file_type, "file_type") if file.file_type else None,
            mimeType=file.mime_type,
            size=file.size,
            path="/" + "/".join((*path, file.name)),
            owners=self.owners.of(file.owner, file_fqn),
            tags=self.classification.labels_of(file.labels),
        )
        yield from self.classification.tags(file.labels)
        yield Either(right=request)

    # --- Spreadsheets and their worksheets ------------------------------------------------

    def _spreadsheets(self) -> Iterator[Either]:
        if not self.settings.enabled("includeSpreadsheets", True):
            return
        self.seen.scope(Spreadsheet, "service", self.service_name)
        for spreadsheet in self.fetch(SPREADSHEETS):
            yield from guarded(spreadsheet.name, self._spreadsheet(spreadsheet))

    def _spreadsheet(self, spreadsheet: RemoteSpreadsheet) -> Iterator[Either]:
        spreadsheet_fqn = entity_fqn(
            Spreadsheet, service_name=self.service_name, spreadsheet_name=spreadsheet.name
        )
        if not self.settings.keep("spreadsheetFilterPattern", spreadsheet.name, spreadsheet_fqn):
            return
        # There, even if it fails.
        self.seen.add(Spreadsheet, "service", self.service_name, spreadsheet_fqn)
        mime_type = spreadsheet.mime_type
        request = CreateSpreadsheetRequest(  # fails before any yield
            name=spreadsheet.name,
            description=spreadsheet.description,
            service=self.service_fqn,
            mimeType=member(SpreadsheetMimeType, mime_type, "mime_type") if mime_type else None,
            size=spreadsheet.size,
            owners=self.owners.of(spreadsheet.owner, spreadsheet_fqn),
            tags=self.classification.labels_of(spreadsheet.labels),
        )
        yield from self.classification.tags(spreadsheet.labels)
        yield Either(right=request)
        yield from self._worksheets(spreadsheet, spreadsheet_fqn)

    def _worksheets(self, spreadsheet: RemoteSpreadsheet, spreadsheet_fqn: str) -> Iterator[Either]:
        if not self.settings.enabled("includeWorksheets", True):
            return
        # Worksheets are compared within each spreadsheet the run reads.
        self.seen.scope(Worksheet, "spreadsheet", spreadsheet_fqn)
        for worksheet in self.fetch(WORKSHEETS, spreadsheet=spreadsheet.name):
            yield from guarded(
                f"{spreadsheet_fqn}.{worksheet.name}",
                self._worksheet(worksheet, spreadsheet, spreadsheet_fqn),
            )

    def _worksheet(
        self, worksheet: RemoteWorksheet, spreadsheet: RemoteSpreadsheet, spreadsheet_fqn: str
    ) -> Iterator[Either]:
        worksheet_fqn = entity_fqn(
            Worksheet,
            service_name=self.service_name,
            spreadsheet_name=spreadsheet.name,
            worksheet_name=worksheet.name,
        )
        if not self.settings.keep("worksheetFilterPattern", worksheet.name, worksheet_fqn):
            return
        # There, even if it fails.
        self.seen.add(Worksheet, "spreadsheet", spreadsheet_fqn, worksheet_fqn)
        request = self._worksheet_request(worksheet, spreadsheet_fqn, worksheet_fqn)
        yield from self.classification.tags(
            [*worksheet.labels, *(label for column in worksheet.columns for label in column.labels)]
        )
        yield Either(right=request)

    def _worksheet_request(
        self, worksheet: RemoteWorksheet, spreadsheet_fqn: str, worksheet_fqn: str
    ) -> CreateWorksheetRequest:
        names = [column.name for column in worksheet.columns]
        if len(set(names)) != len(names):
            raise RecordError("a column name appears twice")
        return CreateWorksheetRequest(
            name=worksheet.name,
            description=worksheet.description,
            spreadsheet=spreadsheet_fqn,
            service=self.service_fqn,
            columns=[self._column(column) for column in worksheet.columns] or None,
            rowCount=worksheet.row_count,
            columnCount=len(worksheet.columns) or None,
            owners=self.owners.of(worksheet.owner, worksheet_fqn),
            tags=self.classification.labels_of(worksheet.labels),
        )

    def _column(self, column: RemoteColumn) -> Column:
        """A column, its type mapped by OpenMetadata's own parser (``ColumnTypeParser``)."""
        return Column(
            name=column.name,
            description=column.description,
            tags=self.classification.labels_of(column.labels),
            **column_type(column.type),
        )

    # --- What the system no longer has --------------------------------------------------


def member(enum: type[E], spelling: str, field: str) -> E:
    """The member of OpenMetadata's ``enum`` spelled ``spelling``, or a ``RecordError``."""
    try:
        return enum(spelling)
    except ValueError:
        known = ", ".join(str(item.value) for item in enum)
        raise RecordError(f"{field}: {spelling!r} is not one of {known}") from None


def column_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields of a type as your system spells it, by OpenMetadata's parser.

    ``ColumnTypeParser`` knows the spellings of the systems OpenMetadata supports
    (``string``, ``int``, ``date``, ``decimal(12,2)``, ``array<string>``...); what it does
    not know becomes ``UNKNOWN``, which the server accepts. What the server requires
    besides is added: a ``dataLength`` for character and binary types, an
    ``arrayDataType`` for arrays. The spelling is kept for display.
    """
    known = TYPE_SPELLINGS.get(spelling.strip().lower(), spelling.strip())
    if "<" in known:  # arrays, maps, structs: the parser's nested grammar
        parsed = cast("dict[str, Any]", ColumnTypeParser._parse_datatype_string(known))
    else:
        parsed = ColumnTypeParser._parse_primitive_datatype_string(known)
    return {**_server_ready(parsed), "dataTypeDisplay": spelling}


def _server_ready(parsed: dict[str, Any]) -> dict[str, Any]:
    fields = {
        key: value
        for key, value in parsed.items()
        if key in ("dataType", "arrayDataType", "precision", "scale", "name")
    }
    data_type = str(fields.get("dataType") or "UNKNOWN")
    fields["dataType"] = data_type
    length = parsed.get("dataLength")
    if str(length).isdigit() and int(str(length)) > 0:  # older parsers give "20", or "max"
        fields["dataLength"] = int(str(length))
    elif data_type in LENGTH_TYPES:
        fields["dataLength"] = DEFAULT_DATA_LENGTH
    if data_type == "ARRAY" and not fields.get("arrayDataType"):
        fields["arrayDataType"] = "UNKNOWN"
    children: list[dict[str, Any]] = parsed.get("children") or []
    if children:
        fields["children"] = [
            {**_server_ready(child), "dataTypeDisplay": child.get("dataTypeDisplay")}
            for child in children
        ]
    return fields
