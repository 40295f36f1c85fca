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


class RemoteColumn(BaseModel):
    """A column of the data a container holds: its type as the files spell it
    (``string``, ``bigint``, ``timestamp``, ``decimal(10,2)``, ``array<string>``...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str | None = None
    labels: tuple[str, ...] = ()


class RemoteContainer(Record):
    """A bucket, or a folder (prefix) of one: containers hold other containers.

    ``columns`` describe the data of its files, when they are structured (its data model
    in OpenMetadata); ``partitioned`` says that the data is split into folders by a
    column (``day=2024-06-01/``). ``size`` is in kilobytes, as OpenMetadata shows it.
    ``file_formats`` are OpenMetadata's names: ``csv``, ``tsv``, ``json``, ``parquet``,
    ``avro``, ``zip``, ``gz``, ``zstd``.
    """

    prefix: str | None = None
    file_formats: tuple[str, ...] = ()
    number_of_objects: int | None = Field(default=None, ge=0)
    size: float | None = Field(default=None, ge=0)
    columns: tuple[RemoteColumn, ...] = ()
    partitioned: bool = False


CONTAINERS = Resource("containers", RemoteContainer)
"""The top-level containers (buckets)."""
CHILD_CONTAINERS = Resource("containers/{container}/containers", RemoteContainer)
"""The containers inside one: ``{container}`` is its path from the top, names joined by
``/`` (``landing/orders``)."""
