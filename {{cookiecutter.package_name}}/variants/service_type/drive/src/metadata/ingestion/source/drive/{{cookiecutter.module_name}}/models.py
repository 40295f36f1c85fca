"""The records of your system, as the connector reads them, and where they are.

Each ``Resource`` is a collection of your system: its path (with ``{placeholders}`` for
the records it hangs under) and the model of one record. The client fetches them
(``client.py``); ``metadata.py`` maps them onto OpenMetadata's entities. Change the
models to what your system returns: unknown fields are ignored, a missing required field
or a wrong type makes that one record fail, with a message naming the field.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .records import Resource


class Record(BaseModel):
    """What every record of the system has: a name, and optionally a description, an
    owner (the name of an OpenMetadata user or team) and labels (tags in OpenMetadata)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    owner: str | None = None
    labels: tuple[str, ...] = ()


class RemoteDirectory(Record):
    """A folder of the drive: directories hold files and other directories."""


class RemoteFile(Record):
    """A file of a directory. ``file_type`` is one of OpenMetadata's: ``Document``,
    ``Spreadsheet``, ``Presentation``, ``Image``, ``Video``, ``Audio``, ``PDF``,
    ``Archive``, ``Code``, ``Data``, ``CSV``, ``Text``, ``Other``; ``size`` is in bytes."""

    file_type: str | None = None
    mime_type: str | None = None
    size: int | None = Field(default=None, ge=0)


class RemoteColumn(BaseModel):
    """A column of a worksheet: its type as the system spells it (``string``, ``date``,
    ``decimal(12,2)``...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str | None = None
    labels: tuple[str, ...] = ()


class RemoteSpreadsheet(Record):
    """A spreadsheet (a workbook) of the drive. ``mime_type`` is one of the spreadsheet
    types OpenMetadata knows (``application/vnd.google-apps.spreadsheet``,
    ``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``, ``text/csv``...);
    ``size`` is in bytes."""

    mime_type: str | None = None
    size: int | None = Field(default=None, ge=0)


class RemoteWorksheet(Record):
    """A sheet (a tab) of a spreadsheet, with the columns of its header row."""

    columns: tuple[RemoteColumn, ...] = ()
    row_count: int | None = Field(default=None, ge=0)


DIRECTORIES = Resource("directories", RemoteDirectory)
"""The top-level directories of the drive."""
SUBDIRECTORIES = Resource("directories/{directory}/directories", RemoteDirectory)
"""The directories inside one: ``{directory}`` is its path from the top, names joined by
``/`` (``finance/reports``)."""
FILES = Resource("directories/{directory}/files", RemoteFile)
SPREADSHEETS = Resource("spreadsheets", RemoteSpreadsheet)
WORKSHEETS = Resource("spreadsheets/{spreadsheet}/worksheets", RemoteWorksheet)
