{%- set svc = cookiecutter.service_type -%}
{%- set S = {"database": "Database", "dashboard": "Dashboard", "pipeline": "Pipeline", "messaging": "Messaging", "mlmodel": "MlModel", "storage": "Storage", "search": "Search", "drive": "Drive"}[svc] -%}
{%- set C = cookiecutter.class_name -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom {{ svc }} connector.

OpenMetadata's ingestion workflow imports ``{{ C }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a create request sent to the server, each ``Either.left`` an error
counted in the run's status. What to change, in this order:

1. ``{{ C }}Options``: what your system needs to connect (``connectionOptions``).
2. ``{{ C }}Client``: replace the example records with calls to your system.
3. The ``_*_requests`` methods: map your system's records onto OpenMetadata entities.

The UI's "Test Connection" button calls the module-level ``get_connection`` and
``test_connection`` below.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from metadata.generated.schema.api.data.create{{ {"database": "Database", "dashboard": "Chart", "pipeline": "Pipeline", "messaging": "Topic", "mlmodel": "MlModel", "storage": "Container", "search": "SearchIndex", "drive": "Directory"}[svc] }} import (
    Create{{ {"database": "Database", "dashboard": "Chart", "pipeline": "Pipeline", "messaging": "Topic", "mlmodel": "MlModel", "storage": "Container", "search": "SearchIndex", "drive": "Directory"}[svc] }}Request,
)
{%- if svc == "database" %}
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
{%- elif svc == "dashboard" %}
from metadata.generated.schema.api.data.createDashboard import CreateDashboardRequest
{%- elif svc == "drive" %}
from metadata.generated.schema.api.data.createFile import CreateFileRequest
{%- endif %}
from metadata.generated.schema.api.services.create{{ S }}Service import (
    Create{{ S }}ServiceRequest,
)
{%- if svc == "database" %}
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Column, DataType
{%- elif svc == "dashboard" %}
from metadata.generated.schema.entity.data.chart import Chart, ChartType
{%- elif svc == "pipeline" %}
from metadata.generated.schema.entity.data.pipeline import Task
{%- elif svc == "search" %}
from metadata.generated.schema.entity.data.searchIndex import (
    DataType as FieldDataType,
)
from metadata.generated.schema.entity.data.searchIndex import SearchIndexField
{%- endif %}
from metadata.generated.schema.entity.services.connections.{{ svc }}.custom{{ S }}Connection import (
    Custom{{ S }}Connection,
)
from metadata.generated.schema.entity.services.connections.testConnectionResult import (
    TestConnectionResult,
)
from metadata.generated.schema.entity.services.{{ svc }}Service import (
    {{ S }}Connection,
    {{ S }}ServiceType,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.ingestion.api.models import Either, StackTraceError
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import (
    TestConnectionStep,
    _test_connection_steps,
    raise_test_connection_exception,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
{%- if svc in ("database", "dashboard", "drive") %}
from metadata.utils import fqn
{%- endif %}
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}


class {{ C }}Options(BaseModel):
    """The ``connectionOptions`` of the workflow config, typed.

    OpenMetadata passes every option as a string; pydantic converts and checks them,
    and unknown keys are refused so that a typo fails at start-up, not mid-run.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # TODO: declare what your system needs to connect.
    base_url: str = "https://example.invalid/api"
    api_token: SecretStr | None = None


def parse_options(connection: Custom{{ S }}Connection) -> {{ C }}Options:
    """Validate ``connectionOptions``; errors name the option, never its value."""
    options = connection.connectionOptions.root if connection.connectionOptions else {}
    try:
        return {{ C }}Options.model_validate(options)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'connectionOptions'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidSourceException(f"Invalid connectionOptions: {problems}") from None
{% if svc == "database" %}

@dataclass(frozen=True)
class RemoteTable:
    """A table as your system describes it."""

    database: str
    schema: str
    name: str
    description: str
    columns: tuple[tuple[str, DataType], ...]
{%- elif svc == "dashboard" %}

@dataclass(frozen=True)
class RemoteChart:
    """A chart as your system describes it."""

    name: str
    title: str
    chart_type: ChartType


@dataclass(frozen=True)
class RemoteDashboard:
    """A dashboard and its charts as your system describes them."""

    name: str
    title: str
    description: str
    charts: tuple[RemoteChart, ...]
{%- elif svc == "pipeline" %}

@dataclass(frozen=True)
class RemotePipeline:
    """A pipeline as your system describes it: its tasks and what runs after each."""

    name: str
    description: str
    tasks: tuple[tuple[str, tuple[str, ...]], ...]
{%- elif svc == "messaging" %}

@dataclass(frozen=True)
class RemoteTopic:
    """A topic as your system describes it."""

    name: str
    description: str
    partitions: int
{%- elif svc == "mlmodel" %}

@dataclass(frozen=True)
class RemoteModel:
    """A machine-learning model as your system describes it."""

    name: str
    description: str
    algorithm: str
{%- elif svc == "storage" %}

@dataclass(frozen=True)
class RemoteContainer:
    """A container (bucket, folder) as your system describes it."""

    name: str
    description: str
{%- elif svc == "search" %}

@dataclass(frozen=True)
class RemoteIndex:
    """A search index as your system describes it."""

    name: str
    description: str
    fields: tuple[tuple[str, FieldDataType], ...]
{%- elif svc == "drive" %}

@dataclass(frozen=True)
class RemoteFile:
    """A file and the directory holding it, as your system describes them."""

    directory: str
    name: str
    description: str
{%- endif %}


class {{ C }}Client:
    """Talks to your system.

    TODO: replace the example records with calls to your system. Iterate lazily
    (yield page by page) so that a large system never sits in memory at once.
    """

    def __init__(self, options: {{ C }}Options) -> None:
        self.options = options

    def check_access(self) -> None:
        """Raise if your system cannot be reached with these options."""
        # TODO: make one cheap, authenticated call to your system here.
{% if svc == "database" %}
    def list_tables(self) -> Iterator[RemoteTable]:
        yield RemoteTable(
            database="analytics",
            schema="sales",
            name="orders",
            description="One row per order.",
            columns=(("order_id", DataType.BIGINT), ("ordered_at", DataType.TIMESTAMP)),
        )
{%- elif svc == "dashboard" %}
    def list_dashboards(self) -> Iterator[RemoteDashboard]:
        yield RemoteDashboard(
            name="sales_overview",
            title="Sales overview",
            description="Revenue and orders per region.",
            charts=(
                RemoteChart("revenue_by_region", "Revenue by region", ChartType.Bar),
                RemoteChart("orders_per_day", "Orders per day", ChartType.Line),
            ),
        )
{%- elif svc == "pipeline" %}
    def list_pipelines(self) -> Iterator[RemotePipeline]:
        yield RemotePipeline(
            name="daily_orders",
            description="Loads yesterday's orders into the warehouse.",
            tasks=(("extract", ("load",)), ("load", ())),
        )
{%- elif svc == "messaging" %}
    def list_topics(self) -> Iterator[RemoteTopic]:
        yield RemoteTopic(name="orders", description="Order events.", partitions=3)
{%- elif svc == "mlmodel" %}
    def list_models(self) -> Iterator[RemoteModel]:
        yield RemoteModel(
            name="churn_predictor",
            description="Predicts which customers will leave.",
            algorithm="gradient boosting",
        )
{%- elif svc == "storage" %}
    def list_containers(self) -> Iterator[RemoteContainer]:
        yield RemoteContainer(name="raw_exports", description="Nightly raw exports.")
{%- elif svc == "search" %}
    def list_indexes(self) -> Iterator[RemoteIndex]:
        yield RemoteIndex(
            name="products",
            description="Product catalogue search.",
            fields=(("title", FieldDataType.TEXT), ("price", FieldDataType.FLOAT)),
        )
{%- elif svc == "drive" %}
    def list_files(self) -> Iterator[RemoteFile]:
        yield RemoteFile(
            directory="reports", name="q1_summary.pdf", description="Quarterly summary."
        )
{%- endif %}

    def close(self) -> None:
        """Release what the client holds (sessions, connection pools)."""


def get_connection(connection: Custom{{ S }}Connection) -> {{ C }}Client:
    """Build the client from the service connection (also used by Test Connection)."""
    return {{ C }}Client(parse_options(connection))


def test_connection(
    metadata: OpenMetadata,
    client: {{ C }}Client,
    service_connection: Custom{{ S }}Connection,
    automation_workflow: Any | None = None,
) -> TestConnectionResult:
    """Run the connection checks; the UI shows each step's outcome."""
    steps = [
        TestConnectionStep(
            name="CheckAccess",
            description="Reach the system with the configured options.",
            function=client.check_access,
            error_message="Could not reach the system; check connectionOptions.",
            mandatory=True,
            short_circuit=True,
        ),
    ]
    return _test_connection_steps(metadata, steps, automation_workflow)
{% if svc in ("database", "dashboard") %}

def _fqn(entity: type[BaseModel], **parts: str) -> str:
    """The fully qualified name OpenMetadata gives ``entity`` (dotted names quoted)."""
    built = fqn.build(None, entity, **parts)
    if built is None:
        raise ValueError(f"Cannot build the FQN of a {entity.__name__} from {parts}")
    return built
{% endif %}

def _either(name: str, build: Callable[[], Iterable[BaseModel]]) -> Iterator[Either]:
    """Yield what ``build`` makes, or one ``left`` naming ``name`` if it fails."""
    try:
        requests = list(build())
    except Exception as exc:  # one bad record must not end the run
        yield Either(
            left=StackTraceError(
                name=name,
                error=f"Cannot ingest {name}: {exc}",
                stackTrace=traceback.format_exc(),
            )
        )
        return
    for request in requests:
        yield Either(right=request)


class {{ C }}(Source):
    """The OpenMetadata source: yields the service, then what the system holds."""

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__()
        connection = config.serviceConnection.root.config if config.serviceConnection else None
        if not isinstance(connection, Custom{{ S }}Connection):
            raise InvalidSourceException(
                f"Expected Custom{{ S }}Connection, but got {type(connection).__name__}"
            )
        if not config.serviceName:
            raise InvalidSourceException("source.serviceName is required")
        self.config = config
        self.metadata = metadata
        self.service_name: str = config.serviceName
        self.service_connection = connection
        self.client = get_connection(connection)

    @classmethod
    def create(
        cls,
        config_dict: dict[str, Any],
        metadata: OpenMetadata,
        pipeline_name: str | None = None,
    ) -> {{ C }}:
        return cls(WorkflowSource.model_validate(config_dict), metadata)

    def prepare(self) -> None:
        """Called once before ``_iter``: nothing to prepare in this connector yet."""

    def test_connection(self) -> None:
        result = test_connection(self.metadata, self.client, self.service_connection)
        raise_test_connection_exception(result)

    def _iter(self) -> Iterable[Either]:
        yield Either(
            right=Create{{ S }}ServiceRequest(
                name=self.service_name,
                serviceType={{ S }}ServiceType.Custom{{ S }},
                connection={{ S }}Connection(config=self.service_connection),
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )
{%- if svc == "database" %}
        seen: set[str] = set()
        for table in self.client.list_tables():
            yield from _either(table.name, partial(self._table_requests, table, seen))

    def _table_requests(self, table: RemoteTable, seen: set[str]) -> list[BaseModel]:
        """The table, preceded by its database and schema the first time they appear."""
        database_fqn = _fqn(Database, service_name=self.service_name, database_name=table.database)
        schema_fqn = _fqn(
            DatabaseSchema,
            service_name=self.service_name,
            database_name=table.database,
            schema_name=table.schema,
        )
        requests: list[BaseModel] = []
        if database_fqn not in seen:
            requests.append(CreateDatabaseRequest(name=table.database, service=self.service_name))
        if schema_fqn not in seen:
            requests.append(CreateDatabaseSchemaRequest(name=table.schema, database=database_fqn))
        requests.append(
            CreateTableRequest(
                name=table.name,
                description=table.description,
                databaseSchema=schema_fqn,
                columns=[
                    Column(name=name, dataType=data_type) for name, data_type in table.columns
                ],
            )
        )
        seen.update((database_fqn, schema_fqn))  # only once every request was built
        return requests
{%- elif svc == "dashboard" %}
        for dashboard in self.client.list_dashboards():
            yield from _either(dashboard.name, partial(self._dashboard_requests, dashboard))

    def _dashboard_requests(self, dashboard: RemoteDashboard) -> list[BaseModel]:
        """The charts, then the dashboard that references them by FQN."""
        requests: list[BaseModel] = [
            CreateChartRequest(
                name=chart.name,
                displayName=chart.title,
                chartType=chart.chart_type,
                service=self.service_name,
            )
            for chart in dashboard.charts
        ]
        requests.append(
            CreateDashboardRequest(
                name=dashboard.name,
                displayName=dashboard.title,
                description=dashboard.description,
                service=self.service_name,
                charts=[
                    _fqn(Chart, service_name=self.service_name, chart_name=chart.name)
                    for chart in dashboard.charts
                ],
            )
        )
        return requests
{%- elif svc == "pipeline" %}
        for pipeline in self.client.list_pipelines():
            yield from _either(pipeline.name, partial(self._pipeline_requests, pipeline))

    def _pipeline_requests(self, pipeline: RemotePipeline) -> list[BaseModel]:
        return [
            CreatePipelineRequest(
                name=pipeline.name,
                description=pipeline.description,
                service=self.service_name,
                tasks=[
                    Task(name=name, downstreamTasks=list(downstream))
                    for name, downstream in pipeline.tasks
                ],
            )
        ]
{%- elif svc == "messaging" %}
        for topic in self.client.list_topics():
            yield from _either(topic.name, partial(self._topic_requests, topic))

    def _topic_requests(self, topic: RemoteTopic) -> list[BaseModel]:
        return [
            CreateTopicRequest(
                name=topic.name,
                description=topic.description,
                partitions=topic.partitions,
                service=self.service_name,
            )
        ]
{%- elif svc == "mlmodel" %}
        for model in self.client.list_models():
            yield from _either(model.name, partial(self._model_requests, model))

    def _model_requests(self, model: RemoteModel) -> list[BaseModel]:
        return [
            CreateMlModelRequest(
                name=model.name,
                description=model.description,
                algorithm=model.algorithm,
                service=self.service_name,
            )
        ]
{%- elif svc == "storage" %}
        for container in self.client.list_containers():
            yield from _either(container.name, partial(self._container_requests, container))

    def _container_requests(self, container: RemoteContainer) -> list[BaseModel]:
        return [
            CreateContainerRequest(
                name=container.name,
                description=container.description,
                service=self.service_name,
            )
        ]
{%- elif svc == "search" %}
        for index in self.client.list_indexes():
            yield from _either(index.name, partial(self._index_requests, index))

    def _index_requests(self, index: RemoteIndex) -> list[BaseModel]:
        return [
            CreateSearchIndexRequest(
                name=index.name,
                description=index.description,
                service=self.service_name,
                fields=[
                    SearchIndexField(name=name, dataType=data_type)
                    for name, data_type in index.fields
                ],
            )
        ]
{%- elif svc == "drive" %}
        seen: set[str] = set()
        for file in self.client.list_files():
            yield from _either(file.name, partial(self._file_requests, file, seen))

    def _file_requests(self, file: RemoteFile, seen: set[str]) -> list[BaseModel]:
        """The file, preceded by its directory the first time it appears."""
        directory_fqn = f"{fqn.quote_name(self.service_name)}.{fqn.quote_name(file.directory)}"
        requests: list[BaseModel] = []
        if directory_fqn not in seen:
            requests.append(CreateDirectoryRequest(name=file.directory, service=self.service_name))
        requests.append(
            CreateFileRequest(
                name=file.name,
                description=file.description,
                service=self.service_name,
                directory=directory_fqn,
            )
        )
        seen.add(directory_fqn)  # only once every request was built
        return requests
{%- endif %}

    def close(self) -> None:
        self.client.close()
