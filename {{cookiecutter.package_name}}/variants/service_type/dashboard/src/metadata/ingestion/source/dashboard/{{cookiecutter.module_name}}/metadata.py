{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom dashboard connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. the data models the filters keep, with their columns and SQL (``_data_models``);
3. per dashboard the filters keep: its charts, then the dashboard, which refers to its
   charts and data models by FQN (``_dashboards``); tags and owners on each;
4. once all of them exist on the server: lineage from the tables each data model reads
   to the data model, and from each data model to its dashboards (``_lineage``);
5. the soft deletion of what the system no longer has (``mark_deleted``, per ``deletions``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from metadata.generated.schema.api.data.createChart import CreateChartRequest
from metadata.generated.schema.api.data.createDashboard import CreateDashboardRequest
from metadata.generated.schema.api.data.createDashboardDataModel import (
    CreateDashboardDataModelRequest,
)
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createDashboardService import (
    CreateDashboardServiceRequest,
)
from metadata.generated.schema.entity.data.chart import Chart, ChartType
from metadata.generated.schema.entity.data.dashboard import Dashboard
from metadata.generated.schema.entity.data.dashboardDataModel import (
    DashboardDataModel,
    DataModelType,
)
from metadata.generated.schema.entity.data.table import Column, Table
from metadata.generated.schema.entity.services.connections.dashboard.customDashboardConnection import (
    CustomDashboardConnection,
)
from metadata.generated.schema.entity.services.dashboardService import (
    DashboardConnection,
    DashboardServiceType,
)
from metadata.generated.schema.metadataIngestion.dashboardServiceMetadataPipeline import (
    DashboardServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.entityLineage import EntitiesEdge, LineageDetails
from metadata.generated.schema.type.entityLineage import Source as LineageSource
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.models import Either
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser
from metadata.utils import fqn

from .connection import get_connection, test_connection
from .models import (
    CHARTS,
    DASHBOARDS,
    DATA_MODELS,
    RemoteChart,
    RemoteColumn,
    RemoteDashboard,
    RemoteDataModel,
)
from .records import RecordError, entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
DATA_MODEL_TYPE = DataModelType.SupersetDataModel
"""The ``dataModelType`` of every data model. OpenMetadata has no vendor-neutral member
(no ``Custom`` or ``Other``) in any release from 1.5 to 2.0; ``SupersetDataModel``, a SQL
dataset with columns, exists in all of them and is what OpenMetadata's own custom
connector tests use. Pick the member closest to your system if one fits better."""
CHART_TYPES = {member.value.lower(): member for member in ChartType}
"""Chart types by lowercase name; a type this release does not know becomes ``Other``."""
REFERENCE_TYPES: dict[type[Any], str] = {
    Table: "table",
    DashboardDataModel: "dashboardDataModel",
    Dashboard: "dashboard",
}
"""The entity type names of lineage ends, as the server spells them."""
TYPE_SPELLINGS: dict[str, str] = {}
"""Column types your system spells in a way OpenMetadata's parser does not know, lowercase,
mapped to one it knows: ``{"string(max)": "varchar(max)"}``."""
LENGTH_TYPES = frozenset({"CHAR", "VARCHAR", "BINARY", "VARBINARY"})
DEFAULT_DATA_LENGTH = 1
"""dataLength of a char/varchar/binary/varbinary without one (or ``(max)``): the server
requires one, and this is the value OpenMetadata's own connectors send."""


class {{ cookiecutter.class_name }}(ConnectorSource[DashboardServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom dashboard service."""

    connection_class = CustomDashboardConnection
    pipeline_model = DashboardServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # The whole service is the scope, as in OpenMetadata's dashboard sources.
    deletions = (
        ("markDeletedDashboards", True, Dashboard),
        ("markDeletedDataModels", True, DashboardDataModel),
        # From 1.13 on; releases without the flag never delete charts.
        ("markDeletedCharts", False, Chart),
    )

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        self.include_data_models = self.settings.enabled("includeDataModels", True)
        # Data model name -> its FQN when this run sent it, None when a filter left it out.
        self.data_models: dict[str, str | None] = {}
        self.upstream: list[tuple[str, RemoteDataModel]] = []  # (data model FQN, data model)
        self.dashboard_models: list[tuple[str, str]] = []  # (data model FQN, dashboard FQN)
        self.charts: set[str] = set()  # the FQNs of the charts this run sent
        self.found: dict[tuple[type[Any], str], Any] = {}

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        yield from self._data_models()
        yield from self._dashboards()
        yield from flush_sink("the entities exist before lineage and deletions")
        yield from self._lineage()
        yield from self.mark_deleted()

    def _kept(self, pattern_field: str, name: str, project: str | None, shown: str) -> bool:
        """Whether a record passes its filter and, when it has a project, projectFilterPattern."""
        if not self.settings.keep(pattern_field, name, shown):
            return False
        return project is None or self.settings.keep("projectFilterPattern", project, shown)

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateDashboardServiceRequest(
                name=self.service_name,
                serviceType=DashboardServiceType.CustomDashboard,
                connection=DashboardConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Data models, before the dashboards that refer to them ----------------------------

    def _data_models(self) -> Iterator[Either]:
        if not self.include_data_models:
            return  # nor are any deleted: the run does not read them
        self.seen.scope(DashboardDataModel, "service", self.service_name)
        for model in self.fetch(DATA_MODELS):
            yield from guarded(model.name, self._data_model(model))

    def _data_model(self, model: RemoteDataModel) -> Iterator[Either]:
        model_fqn = entity_fqn(
            DashboardDataModel, service_name=self.service_name, data_model_name=model.name
        )
        if not self._kept("dataModelFilterPattern", model.name, model.project, model_fqn):
            self.data_models[model.name] = None
            return
        # There, even if it fails.
        self.seen.add(DashboardDataModel, "service", self.service_name, model_fqn)
        request = self._data_model_request(model_fqn, model)  # fails before any yield
        self.data_models[model.name] = model_fqn
        if model.upstream:
            self.upstream.append((model_fqn, model))
        yield from self.classification.tags(
            [*model.labels, *(label for column in model.columns for label in column.labels)]
        )
        yield Either(right=request)

    def _data_model_request(
        self, model_fqn: str, model: RemoteDataModel
    ) -> CreateDashboardDataModelRequest:
        names = [column.name for column in model.columns]
        if len(set(names)) != len(names):
            raise RecordError("a column name appears twice")
        return CreateDashboardDataModelRequest(
            name=model.name,
            description=model.description,
            service=self.service_fqn,
            dataModelType=DATA_MODEL_TYPE,
            sql=model.sql,
            columns=[self._column(column) for column in model.columns],
            project=model.project,
            owners=self.owners.of(model.owner, model_fqn),
            tags=self.classification.labels_of(model.labels),
        )

    def _column(self, column: RemoteColumn) -> Column:
        """A column, its type mapped by OpenMetadata's own parser (``ColumnTypeParser``)."""
        return Column(
            name=column.name,
            description=column.description,
            tags=self.classification.labels_of(column.labels),
            **column_type(column.type),
        )

    # --- Dashboards and their charts ------------------------------------------------------

    def _dashboards(self) -> Iterator[Either]:
        self.seen.scope(Dashboard, "service", self.service_name)
        self.seen.scope(Chart, "service", self.service_name)
        for dashboard in self.fetch(DASHBOARDS):
            yield from guarded(dashboard.name, self._dashboard(dashboard))

    def _dashboard(self, dashboard: RemoteDashboard) -> Iterator[Either]:
        dashboard_fqn = entity_fqn(
            Dashboard, service_name=self.service_name, dashboard_name=dashboard.name
        )
        if not self._kept(
            "dashboardFilterPattern", dashboard.name, dashboard.project, dashboard_fqn
        ):
            return
        # There, even if it fails.
        self.seen.add(Dashboard, "service", self.service_name, dashboard_fqn)
        charts: list[str] = []
        for chart in self.fetch(CHARTS, dashboard=dashboard.name):
            yield from guarded(chart.name, self._chart(chart, charts))
        models = self._data_models_of(dashboard, dashboard_fqn)
        request = CreateDashboardRequest(
            name=dashboard.name,
            description=dashboard.description,
            sourceUrl=dashboard.url,
            project=dashboard.project,
            charts=charts,
            dataModels=models,
            service=self.service_fqn,
            owners=self.owners.of(dashboard.owner, dashboard_fqn),
            tags=self.classification.labels_of(dashboard.labels),
        )
        self.dashboard_models.extend((model_fqn, dashboard_fqn) for model_fqn in models or [])
        yield from self.classification.tags(dashboard.labels)
        yield Either(right=request)

    def _chart(self, chart: RemoteChart, charts: list[str]) -> Iterator[Either]:
        """A chart of a dashboard, its FQN added to ``charts``; sent once however many
        dashboards show it."""
        chart_fqn = entity_fqn(Chart, service_name=self.service_name, chart_name=chart.name)
        if not self.settings.keep("chartFilterPattern", chart.name, chart_fqn):
            return
        if chart_fqn not in self.charts:
            self.seen.add(Chart, "service", self.service_name, chart_fqn)  # there, even if it fails
            request = CreateChartRequest(
                name=chart.name,
                description=chart.description,
                chartType=CHART_TYPES.get((chart.chart_type or "").lower(), ChartType.Other),
                sourceUrl=chart.url,
                service=self.service_fqn,
                owners=self.owners.of(chart.owner, chart_fqn),
                tags=self.classification.labels_of(chart.labels),
            )
            self.charts.add(chart_fqn)
            yield from self.classification.tags(chart.labels)
            yield Either(right=request)
        charts.append(chart_fqn)

    def _data_models_of(self, dashboard: RemoteDashboard, dashboard_fqn: str) -> list[str] | None:
        """The FQNs of the data models a dashboard is built from, among those this run sent
        (None with ``includeDataModels`` off: the dashboard's data models stay as they are)."""
        if not self.include_data_models:
            return None
        found = []
        for name in dict.fromkeys(dashboard.data_models):
            if name not in self.data_models:
                self.status.warning(
                    dashboard_fqn,
                    f"data model {name!r} was not sent by this run (it is unknown or it failed): "
                    "the dashboard is sent without it",
                )
            elif (model_fqn := self.data_models[name]) is not None:  # None: filtered out
                found.append(model_fqn)
        return found

    # --- Lineage, once the entities exist on the server ------------------------------------

    def _lineage(self) -> Iterator[Either]:
        """From the tables each data model reads to it, and from data models to dashboards."""
        for model_fqn, model in self.upstream:
            for table_fqn in model.upstream:
                yield from guarded(model_fqn, self._table_edge(table_fqn, model_fqn, model.sql))
        for model_fqn, dashboard_fqn in self.dashboard_models:
            yield from guarded(
                dashboard_fqn, self._edge(DashboardDataModel, model_fqn, Dashboard, dashboard_fqn)
            )

    def _table_edge(self, table_fqn: str, model_fqn: str, sql: str | None) -> Iterator[Either]:
        checked = checked_table_fqn(table_fqn)  # raised here, it is this edge's failure
        yield from self._edge(Table, checked, DashboardDataModel, model_fqn, sql)

    def _edge(
        self,
        from_type: type[Any],
        from_fqn: str,
        to_type: type[Any],
        to_fqn: str,
        sql: str | None = None,
    ) -> Iterator[Either]:
        source = self._found(from_type, from_fqn)
        target = self._found(to_type, to_fqn)
        if source is None or target is None:
            missing = from_fqn if source is None else to_fqn
            self.status.warning(
                to_fqn, f"no lineage from {from_fqn}: {missing} is not in OpenMetadata"
            )
            return
        yield Either(
            right=AddLineageRequest(
                edge=EntitiesEdge(
                    fromEntity=EntityReference(id=source.id, type=REFERENCE_TYPES[from_type]),
                    toEntity=EntityReference(id=target.id, type=REFERENCE_TYPES[to_type]),
                    lineageDetails=LineageDetails(
                        source=LineageSource.DashboardLineage, sqlQuery=sql
                    ),
                )
            )
        )

    def _found(self, entity_type: type[Any], name: str) -> Any | None:
        """The entity of FQN ``name`` on the server (looked up once per run), or None."""
        if (entity_type, name) not in self.found:
            self.found[entity_type, name] = self.metadata.get_by_name(entity=entity_type, fqn=name)
        return self.found[entity_type, name]

    # --- What the system no longer has ----------------------------------------------------


def checked_table_fqn(name: str) -> str:
    """``name`` if it is the FQN of a table (``service.database.schema.table``)."""
    try:
        parts = fqn.split(name)
    except Exception:  # OpenMetadata's FQN grammar refuses it
        parts = []
    if len(parts) != 4:
        raise RecordError(f"{name!r} is not a table FQN (service.database.schema.table)")
    return name


def column_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields of a type as your system spells it, by OpenMetadata's parser.

    ``ColumnTypeParser`` knows the spellings of the databases OpenMetadata supports
    (``varchar(max)``, ``decimal(10,2)``, ``array<int>``, ``struct<a:int>``...); what it
    does not know becomes ``UNKNOWN``, which the server accepts. What the server requires
    besides is added: a ``dataLength`` for character and binary types, an
    ``arrayDataType`` for arrays. The spelling is kept for display.
    """
    known = TYPE_SPELLINGS.get(spelling.strip().lower(), spelling.strip())
    if "<" in known:  # arrays, maps, structs: the parser's nested grammar
        parsed: Any = ColumnTypeParser._parse_datatype_string(known)
    else:
        parsed = ColumnTypeParser._parse_primitive_datatype_string(known)
    return {**_server_ready(parsed), "dataTypeDisplay": spelling}


def _server_ready(parsed: dict[str, Any]) -> dict[str, Any]:
    fields = {
        key: value
        for key, value in parsed.items()
        if key in ("dataType", "arrayDataType", "precision", "scale", "name")
    }
    data_type = str(fields.get("dataType") or "UNKNOWN")
    fields["dataType"] = data_type
    length = parsed.get("dataLength")
    if str(length).isdigit() and int(str(length)) > 0:  # older parsers give "20", or "max"
        fields["dataLength"] = int(str(length))
    elif data_type in LENGTH_TYPES:
        fields["dataLength"] = DEFAULT_DATA_LENGTH
    if data_type == "ARRAY" and not fields.get("arrayDataType"):
        fields["arrayDataType"] = "UNKNOWN"
    children: list[dict[str, Any]] = parsed.get("children") or []
    if children:
        fields["children"] = [
            {**_server_ready(child), "dataTypeDisplay": child.get("dataTypeDisplay")}
            for child in children
        ]
    return fields
