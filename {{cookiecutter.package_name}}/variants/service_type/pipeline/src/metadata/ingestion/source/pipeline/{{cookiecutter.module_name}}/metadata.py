{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom pipeline connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. the pipelines the filter keeps, with their tasks, tags and owners (``_pipelines``);
3. once they exist on the server: the status of each pipeline's recent runs, task by
   task (``_statuses``), and the lineage from the tables each pipeline reads to the
   tables it writes (``_lineage``);
4. the soft deletion of the pipelines the system no longer has (``mark_deleted``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from metadata.generated.schema.api.data.createPipeline import CreatePipelineRequest
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createPipelineService import (
    CreatePipelineServiceRequest,
)
from metadata.generated.schema.entity.data.pipeline import (
    Pipeline,
    PipelineStatus,
    StatusType,
    Task,
    TaskStatus,
)
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.connections.pipeline.customPipelineConnection import (
    CustomPipelineConnection,
)
from metadata.generated.schema.entity.services.pipelineService import (
    PipelineConnection,
    PipelineServiceType,
)
from metadata.generated.schema.metadataIngestion.pipelineServiceMetadataPipeline import (
    PipelineServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.entityLineage import EntitiesEdge, LineageDetails
from metadata.generated.schema.type.entityLineage import Source as LineageSource
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.models import Either
from metadata.ingestion.models.pipeline_status import OMetaPipelineStatus
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils import fqn

from .connection import get_connection, test_connection
from .models import PIPELINES, RUNS, RemotePipeline, RemoteRun, RemoteTask
from .records import RecordError, entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
RUN_STATES: dict[str, StatusType] = {
    **{member.value.lower(): member for member in StatusType},
    "success": StatusType.Successful,
    "succeeded": StatusType.Successful,
    "error": StatusType.Failed,
    "running": StatusType.Pending,
    "queued": StatusType.Pending,
}
"""The states of runs and tasks in your system, lowercase, mapped to OpenMetadata's
(``Successful``, ``Failed``, ``Pending``, ``Skipped``). A state missing here fails its run."""


class {{ cookiecutter.class_name }}(ConnectorSource[PipelineServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom pipeline service."""

    connection_class = CustomPipelineConnection
    pipeline_model = PipelineServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    include_owners_by_default = True  # as PipelineServiceMetadataPipeline's includeOwners
    # The whole service is the scope, as in OpenMetadata's pipeline sources.
    deletions = (("markDeletedPipelines", True, Pipeline),)

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        self.pipelines: list[tuple[str, RemotePipeline]] = []  # (FQN, pipeline) of those sent
        self.found: dict[tuple[type[Any], str], Any] = {}

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        yield from self._pipelines()
        yield from flush_sink("the pipelines exist before their runs, lineage and deletions")
        yield from self._statuses()
        yield from self._lineage()
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreatePipelineServiceRequest(
                name=self.service_name,
                serviceType=PipelineServiceType.CustomPipeline,
                connection=PipelineConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Pipelines and their tasks --------------------------------------------------------

    def _pipelines(self) -> Iterator[Either]:
        self.seen.scope(Pipeline, "service", self.service_name)
        for pipeline in self.fetch(PIPELINES):
            yield from guarded(pipeline.name, self._pipeline(pipeline))

    def _pipeline(self, pipeline: RemotePipeline) -> Iterator[Either]:
        pipeline_fqn = entity_fqn(
            Pipeline, service_name=self.service_name, pipeline_name=pipeline.name
        )
        if not self.settings.keep("pipelineFilterPattern", pipeline.name, pipeline_fqn):
            return
        # There, even if it fails.
        self.seen.add(Pipeline, "service", self.service_name, pipeline_fqn)
        request = self._pipeline_request(pipeline_fqn, pipeline)  # fails before any yield
        self.pipelines.append((pipeline_fqn, pipeline))
        yield from self.classification.tags(
            [*pipeline.labels, *(label for task in pipeline.tasks for label in task.labels)]
        )
        yield Either(right=request)

    def _pipeline_request(
        self, pipeline_fqn: str, pipeline: RemotePipeline
    ) -> CreatePipelineRequest:
        names = [task.name for task in pipeline.tasks]
        if len(set(names)) != len(names):
            raise RecordError("a task name appears twice")
        unknown = sorted({name for task in pipeline.tasks for name in task.downstream} - set(names))
        if unknown:
            raise RecordError(f"downstream names tasks the pipeline does not have: {unknown}")
        return CreatePipelineRequest(
            name=pipeline.name,
            description=pipeline.description,
            sourceUrl=pipeline.url,
            scheduleInterval=pipeline.schedule,
            tasks=[self._task(task) for task in pipeline.tasks],
            service=self.service_fqn,
            owners=self.owners.of(pipeline.owner, pipeline_fqn),
            tags=self.classification.labels_of(pipeline.labels),
        )

    def _task(self, task: RemoteTask) -> Task:
        return Task(
            name=task.name,
            description=task.description,
            taskType=task.type,
            downstreamTasks=list(task.downstream),
            tags=self.classification.labels_of(task.labels),
        )

    # --- Runs and lineage, once the pipelines exist on the server -------------------------

    def _statuses(self) -> Iterator[Either]:
        """The status of each pipeline's recent runs, as the client reads them."""
        for pipeline_fqn, pipeline in self.pipelines:
            for run in self.fetch(RUNS, pipeline=pipeline.name):
                yield from guarded(
                    f"{pipeline_fqn} run of {run.started_at.isoformat()}",
                    self._status(pipeline_fqn, pipeline, run),
                )

    def _status(
        self, pipeline_fqn: str, pipeline: RemotePipeline, run: RemoteRun
    ) -> Iterator[Either]:
        unknown = sorted({task.name for task in run.tasks} - {task.name for task in pipeline.tasks})
        if unknown:  # the server refuses a status naming a task the pipeline does not have
            raise RecordError(f"the run names tasks the pipeline does not have: {unknown}")
        yield Either(
            right=OMetaPipelineStatus(
                pipeline_fqn=pipeline_fqn,
                pipeline_status=PipelineStatus(
                    timestamp=epoch_ms(run.started_at),
                    executionStatus=execution_status(run.state),
                    taskStatus=[
                        TaskStatus(
                            name=task.name,
                            executionStatus=execution_status(task.state),
                            startTime=epoch_ms(task.started_at),
                            endTime=epoch_ms(task.ended_at),
                        )
                        for task in run.tasks
                    ],
                ),
            )
        )

    def _lineage(self) -> Iterator[Either]:
        """Table-to-table lineage through each pipeline (``includeLineage``)."""
        if not self.settings.enabled("includeLineage", True):
            return
        for pipeline_fqn, pipeline in self.pipelines:
            if pipeline.inputs and pipeline.outputs:
                yield from guarded(pipeline_fqn, self._pipeline_lineage(pipeline_fqn, pipeline))

    def _pipeline_lineage(self, pipeline_fqn: str, pipeline: RemotePipeline) -> Iterator[Either]:
        """An edge from every table the pipeline reads to every table it writes."""
        entity = self._found(Pipeline, pipeline_fqn)
        if entity is None:
            self.status.warning(pipeline_fqn, "no lineage: the pipeline is not in OpenMetadata")
            return
        sources = self._tables(pipeline_fqn, pipeline.inputs)
        targets = self._tables(pipeline_fqn, pipeline.outputs)
        for source in sources:
            for target in targets:
                yield Either(
                    right=AddLineageRequest(
                        edge=EntitiesEdge(
                            fromEntity=EntityReference(id=source.id, type="table"),
                            toEntity=EntityReference(id=target.id, type="table"),
                            lineageDetails=LineageDetails(
                                pipeline=EntityReference(id=entity.id, type="pipeline"),
                                source=LineageSource.PipelineLineage,
                            ),
                        )
                    )
                )

    def _tables(self, pipeline_fqn: str, names: Iterable[str]) -> list[Any]:
        """The tables of ``names`` in OpenMetadata; one that is not there is a warning."""
        tables = []
        for name in names:
            table = self._found(Table, checked_table_fqn(name))
            if table is None:
                self.status.warning(
                    pipeline_fqn, f"no lineage through {name}: it is not in OpenMetadata"
                )
            else:
                tables.append(table)
        return tables

    def _found(self, entity_type: type[Any], name: str) -> Any | None:
        """The entity of FQN ``name`` on the server (looked up once per run), or None."""
        if (entity_type, name) not in self.found:
            self.found[entity_type, name] = self.metadata.get_by_name(entity=entity_type, fqn=name)
        return self.found[entity_type, name]


def execution_status(state: str) -> StatusType:
    """OpenMetadata's status of a run or task state of your system (``RUN_STATES``)."""
    try:
        return RUN_STATES[state.strip().lower()]
    except KeyError:
        raise RecordError(f"unknown run state {state!r}: map it in RUN_STATES") from None


def epoch_ms(moment: datetime | None) -> int | None:
    """A moment as OpenMetadata's timestamps count it: milliseconds since the epoch."""
    return None if moment is None else int(moment.timestamp() * 1000)


def checked_table_fqn(name: str) -> str:
    """``name`` if it is the FQN of a table (``service.database.schema.table``)."""
    try:
        parts = fqn.split(name)
    except Exception:  # OpenMetadata's FQN grammar refuses it
        parts = []
    if len(parts) != 4:
        raise RecordError(f"{name!r} is not a table FQN (service.database.schema.table)")
    return name
