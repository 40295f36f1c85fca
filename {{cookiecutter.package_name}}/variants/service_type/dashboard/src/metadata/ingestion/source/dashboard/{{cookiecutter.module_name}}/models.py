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
    """A column of a data model: its type as the system spells it (``decimal(10,2)``...)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    type: str = Field(min_length=1)
    description: str | None = None
    labels: tuple[str, ...] = ()


class RemoteDataModel(Record):
    """A data model (dataset, semantic model): the columns dashboards are built from.

    ``upstream`` names the tables it reads by their full OpenMetadata FQN
    (``service.database.schema.table``), in the database service that holds them.
    """

    project: str | None = None
    sql: str | None = None
    columns: tuple[RemoteColumn, ...] = Field(min_length=1)
    upstream: tuple[str, ...] = ()


class RemoteDashboard(Record):
    """A dashboard; ``data_models`` names the data models it is built from."""

    project: str | None = None
    url: str | None = None
    data_models: tuple[str, ...] = ()


class RemoteChart(Record):
    """A chart of a dashboard; ``chart_type`` is one of OpenMetadata's (``Line``, ``Bar``,
    ``Table``...), anything else is ``Other``."""

    chart_type: str | None = None
    url: str | None = None


DATA_MODELS = Resource("dataModels", RemoteDataModel)
DASHBOARDS = Resource("dashboards", RemoteDashboard)
CHARTS = Resource("dashboards/{dashboard}/charts", RemoteChart)
