"""The records of your system, as the connector reads them, and where they are.

Each ``Resource`` is a collection of your system: its path (with ``{placeholders}`` for
the records it hangs under) and the model of one record. The client fetches them
(``client.py``); ``metadata.py`` maps them onto OpenMetadata's entities. Change the
models to what your system returns: unknown fields are ignored, a missing required field
or a wrong type makes that one record fail, with a message naming the field.
"""

from __future__ import annotations

from typing import Any

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


class RemoteIndexField(BaseModel):
    """A field of an index's mapping: its type as the system spells it (``keyword``,
    ``text``, ``long``, ``nested``...; ``object`` when a field only has fields, as in
    Elasticsearch), and its own fields."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = "object"
    description: str | None = None
    labels: tuple[str, ...] = ()
    fields: tuple[RemoteIndexField, ...] = ()


class RemoteSearchIndex(Record):
    """A search index: the fields of its mapping and its settings, as the system reports
    them (``number_of_shards``, ``analysis``...)."""

    fields: tuple[RemoteIndexField, ...] = ()
    settings: dict[str, Any] = Field(default_factory=dict)


class RemoteDocument(BaseModel):
    """A document of an index, for its sample data."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    document: dict[str, Any]


INDEXES = Resource("indexes", RemoteSearchIndex)
DOCUMENTS = Resource("indexes/{index}/documents", RemoteDocument)
