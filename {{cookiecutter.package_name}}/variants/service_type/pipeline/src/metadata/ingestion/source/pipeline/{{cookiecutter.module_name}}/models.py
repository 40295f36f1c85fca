"""The records of your system, as the connector reads them, and where they are.

Each ``Resource`` is a collection of your system: its path (with ``{placeholders}`` for
the records it hangs under) and the model of one record. The client fetches them
(``client.py``); ``metadata.py`` maps them onto OpenMetadata's entities. Change the
models to what your system returns: unknown fields are ignored, a missing required field
or a wrong type makes that one record fail, with a message naming the field.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from .records import Resource


class Record(BaseModel):
    """What every record of the system has: a name, and optionally a description, an
    owner (the name of an OpenMetadata user or team) and labels (tags in OpenMetadata)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    owner: str | None = None
    labels: tuple[str, ...] = ()


class RemoteTask(BaseModel):
    """A task of a pipeline; ``downstream`` names the tasks of the same pipeline that run
    after it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    type: str | None = None
    downstream: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


class RemotePipeline(Record):
    """A pipeline (job, DAG, flow) and its tasks.

    ``inputs`` and ``outputs`` name the tables it reads and writes by their full
    OpenMetadata FQN (``service.database.schema.table``), in the database services that
    hold them.
    """

    url: str | None = None
    schedule: str | None = None
    tasks: tuple[RemoteTask, ...] = ()
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()


class RemoteTaskRun(BaseModel):
    """How one task went in a run; ``state`` as your system says it (see ``RUN_STATES``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    state: str = Field(min_length=1)
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None


class RemoteRun(BaseModel):
    """A recent run of a pipeline: when it started (with a time zone), how it went and how
    each task went."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    started_at: AwareDatetime
    state: str = Field(min_length=1)
    tasks: tuple[RemoteTaskRun, ...] = ()


PIPELINES = Resource("pipelines", RemotePipeline)
RUNS = Resource("pipelines/{pipeline}/runs", RemoteRun)
