"""The records of your system, as the connector reads them, and where they are.

Each ``Resource`` is a collection of your system: its path (with ``{placeholders}`` for
the records it hangs under) and the model of one record. The client fetches them
(``client.py``); ``metadata.py`` maps them onto OpenMetadata's entities. Change the
models to what your system returns: unknown fields are ignored, a missing required field
or a wrong type makes that one record fail, with a message naming the field.

A topic's message schema is a list of fields here. If your system gives only the
schema's text (Avro, Protobuf, JSON Schema), OpenMetadata's own parsers
(``metadata.parsers.schema_parsers``) turn it into fields.
"""

from __future__ import annotations

from typing import Any, Literal

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


class RemoteField(BaseModel):
    """A field of a message schema: its type as the schema spells it (``string``,
    ``long``, ``record``, ``integer``...), and its own fields for records and arrays."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str | None = None
    labels: tuple[str, ...] = ()
    fields: tuple[RemoteField, ...] = ()


class RemoteMessageSchema(BaseModel):
    """The schema of a topic's messages: its kind, its text if any, and its fields."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    type: Literal["Avro", "Protobuf", "JSON", "Other"] = "JSON"
    text: str | None = None
    fields: tuple[RemoteField, ...] = ()


class RemoteTopic(Record):
    """A topic and its configuration (retention in milliseconds, sizes in bytes)."""

    partitions: int
    replication_factor: int | None = None
    retention_ms: float | None = None
    retention_bytes: float | None = None
    max_message_bytes: int | None = None
    min_insync_replicas: int | None = None
    cleanup_policies: tuple[Literal["delete", "compact"], ...] = ()
    message_schema: RemoteMessageSchema | None = None


class RemoteMessage(BaseModel):
    """A message of a topic, for its sample data: a string, or a JSON document."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    value: Any


TOPICS = Resource("topics", RemoteTopic)
MESSAGES = Resource("topics/{topic}/messages", RemoteMessage)
