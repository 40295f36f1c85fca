"""The records of your system, as the connector reads them, and where they are.

Each ``Resource`` is a collection of your system: its path (with ``{placeholders}`` for
the records it hangs under) and the model of one record. The client fetches them
(``client.py``); ``metadata.py`` maps them onto OpenMetadata's entities. Change the
models to what your system returns: unknown fields are ignored, a missing required field
or a wrong type makes that one record fail, with a message naming the field.
"""

from __future__ import annotations

from typing import Literal

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


class RemoteFeatureSource(BaseModel):
    """What a feature is computed from: a column, say. ``table`` is the fully qualified
    name of the OpenMetadata table it comes from (``warehouse.analytics.sales.orders``),
    which must exist in OpenMetadata already."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: (
        Literal["integer", "number", "string", "array", "date", "timestamp", "object", "boolean"]
        | None
    ) = None
    description: str | None = None
    table: str | None = None


class RemoteFeature(BaseModel):
    """A feature the model is trained on, and how it is computed (``algorithm``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: Literal["numerical", "categorical"] | None = None
    description: str | None = None
    algorithm: str | None = None
    labels: tuple[str, ...] = ()
    sources: tuple[RemoteFeatureSource, ...] = ()


class RemoteHyperParameter(BaseModel):
    """A hyper-parameter the model was trained with."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    value: str | int | float | bool | None = None
    description: str | None = None


class RemoteMlModel(Record):
    """A trained model: its algorithm, features, hyper-parameters and target, where it is
    stored (``storage``, ``image_repository``) and served (``server``, a URL)."""

    algorithm: str = "mlmodel"  # what OpenMetadata records when the system does not say
    target: str | None = None
    features: tuple[RemoteFeature, ...] = ()
    hyper_parameters: tuple[RemoteHyperParameter, ...] = ()
    storage: str | None = None
    image_repository: str | None = None
    server: str | None = None


MODELS = Resource("models", RemoteMlModel)
