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


class RemoteDatabase(Record):
    """A database (catalog) of the system."""


class RemoteSchema(Record):
    """A schema of a database."""


class RemoteColumn(BaseModel):
    """A column: its type as the system spells it (``varchar(20)``, ``decimal(10,2)``...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str | None = None
    nullable: bool = True
    labels: tuple[str, ...] = ()


class RemoteTable(Record):
    """A table or a view. ``primary_key`` names its key columns; ``upstream`` names the
    tables it is built from, as ``schema.table`` of the same database (views)."""

    kind: str = "table"  # "table" or "view"
    columns: tuple[RemoteColumn, ...] = Field(min_length=1)
    primary_key: tuple[str, ...] = ()
    view_definition: str | None = None
    upstream: tuple[str, ...] = ()
    properties: dict[str, int | str] = Field(default_factory=dict)


class RemoteStoredProcedure(Record):
    """A stored procedure and its code."""

    language: str = "SQL"
    code: str = Field(min_length=1)


DATABASES = Resource("databases", RemoteDatabase)
SCHEMAS = Resource("databases/{database}/schemas", RemoteSchema)
TABLES = Resource("databases/{database}/schemas/{schema}/tables", RemoteTable)
STORED_PROCEDURES = Resource(
    "databases/{database}/schemas/{schema}/storedProcedures", RemoteStoredProcedure
)
