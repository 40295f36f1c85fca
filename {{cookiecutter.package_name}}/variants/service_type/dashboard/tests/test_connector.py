{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The dashboard connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_records``),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn, run
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.chart import Chart
from metadata.generated.schema.entity.data.dashboard import Dashboard
from metadata.generated.schema.entity.data.dashboardDataModel import DashboardDataModel
from metadata.generated.schema.entity.data.table import Column, DataType
from metadata.generated.schema.entity.services.connections.dashboard.customDashboardConnection import (
    CustomDashboardConnection,
    CustomDashboardType,
)
from metadata.generated.schema.entity.services.dashboardService import DashboardService
from metadata.generated.schema.entity.services.databaseService import DatabaseServiceType
from metadata.generated.schema.metadataIngestion.dashboardServiceMetadataPipeline import (
    DashboardServiceMetadataPipeline,
)
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import Source
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.ometa.utils import model_str
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }}.models import (
    CHARTS,
    DASHBOARDS,
    DATA_MODELS,
    RemoteChart,
    RemoteDashboard,
    RemoteDataModel,
)
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }}.records import Resource
from metadata.utils import fqn
from metadata.utils.importer import import_from_module

from .conftest import TEST_SERVICE, project_config, workflow_config

SOURCE_CLASS = f"{connector.__name__}.{connector.{{ cookiecutter.class_name }}.__name__}"
# Releases from 1.13 on have markDeletedCharts; older ones never delete charts.
DELETES_CHARTS = "markDeletedCharts" in DashboardServiceMetadataPipeline.model_fields


def source(connection_options: dict[str, str], **source_config: Any) -> dict[str, Any]:
    """The ``source`` of a workflow config for the example system."""
    return {
        "type": "customDashboard",
        "serviceName": TEST_SERVICE,
        "serviceConnection": {
            "config": {
                "type": "CustomDashboard",
                "sourcePythonClass": SOURCE_CLASS,
                "connectionOptions": connection_options,
            }
        },
        "sourceConfig": {"config": {"type": "DashboardMetadata", **source_config}},
    }


@dataclass(frozen=True)
class System:
    """What the client reads: the data models, and each dashboard with its charts."""

    data_models: list[RemoteDataModel]
    dashboards: list[tuple[RemoteDashboard, list[RemoteChart]]]

    @property
    def charts(self) -> dict[str, RemoteChart]:
        """Every chart once, by name (a chart may be on several dashboards)."""
        return {chart.name: chart for _, charts in self.dashboards for chart in charts}

    @property
    def upstream_tables(self) -> list[str]:
        return sorted({table for model in self.data_models for table in model.upstream})

    def dashboards_of(self, model: str) -> list[str]:
        return [
            dashboard.name for dashboard, _ in self.dashboards if model in dashboard.data_models
        ]


def system_records(connection_options: dict[str, str]) -> System:
    client = connector.get_connection(
        CustomDashboardConnection(
            type=CustomDashboardType.CustomDashboard,
            sourcePythonClass=SOURCE_CLASS,
            connectionOptions=connection_options,
        )
    )
    data_models = list(rights(client.records(DATA_MODELS)))
    dashboards = [
        (dashboard, list(rights(client.records(CHARTS, dashboard=dashboard.name))))
        for dashboard in rights(client.records(DASHBOARDS))
    ]
    client.close()
    system = System(data_models, dashboards)
    assert data_models and dashboards and system.charts, "the example system has all three"
    return system


def rights(fetched: Iterator[Either]) -> Iterator[Any]:
    for item in fetched:
        assert item.left is None, item.left
        yield item.right


def model_fqn(name: str) -> str:
    return str(fqn.build(None, DashboardDataModel, service_name=TEST_SERVICE, data_model_name=name))


def dashboard_fqn(name: str) -> str:
    return str(fqn.build(None, Dashboard, service_name=TEST_SERVICE, dashboard_name=name))


def chart_fqn(name: str) -> str:
    return str(fqn.build(None, Chart, service_name=TEST_SERVICE, chart_name=name))


def read(om_client: OpenMetadata, path: str) -> Any:
    """A GET on OpenMetadata's REST API (through the real client), ``None`` for a 404."""
    from metadata.ingestion.ometa.client import APIError

    try:
        return om_client.client.get(path)
    except APIError as err:
        if err.status_code == 404:
            return None
        raise


def read_model(om_client: OpenMetadata, name: str, include: str = "non-deleted") -> Any:
    path = quote(model_fqn(name), safe="")
    fields = "columns,tags,owners"  # column tags come with "columns" and "tags"
    return read(om_client, f"/dashboard/datamodels/name/{path}?fields={fields}&include={include}")


def read_dashboard(om_client: OpenMetadata, name: str, include: str = "non-deleted") -> Any:
    path = quote(dashboard_fqn(name), safe="")
    fields = "charts,dataModels,tags,owners"
    return read(om_client, f"/dashboards/name/{path}?fields={fields}&include={include}")


def read_chart(om_client: OpenMetadata, name: str, include: str = "non-deleted") -> Any:
    path = quote(chart_fqn(name), safe="")
    return read(om_client, f"/charts/name/{path}?fields=tags,owners&include={include}")


def tag_fqns(entity: dict[str, Any]) -> set[str]:
    return {tag["tagFQN"] for tag in entity.get("tags") or []}


def tags_of(labels: Iterable[str]) -> set[str]:
    return {f"{connector.CLASSIFICATION}.{label}" for label in labels}


def linked(entity: dict[str, Any], field: str) -> list[str]:
    return [reference["fullyQualifiedName"] for reference in entity.get(field) or []]


def create_tables(om_client: OpenMetadata, table_fqns: Iterable[str]) -> dict[str, str]:
    """Create tables (with their service, database, schema) as their own connector
    would; returns their ids by FQN."""
    ids = {}
    for table_fqn in table_fqns:
        service, database, schema, table = fqn.split(table_fqn)
        om_client.create_or_update(
            CreateDatabaseServiceRequest(
                name=fqn.unquote_name(service), serviceType=DatabaseServiceType.CustomDatabase
            )
        )
        om_client.create_or_update(
            CreateDatabaseRequest(name=fqn.unquote_name(database), service=service)
        )
        om_client.create_or_update(
            CreateDatabaseSchemaRequest(
                name=fqn.unquote_name(schema), database=f"{service}.{database}"
            )
        )
        created = om_client.create_or_update(
            CreateTableRequest(
                name=fqn.unquote_name(table),
                databaseSchema=f"{service}.{database}.{schema}",
                columns=[Column(name="id", dataType=DataType.INT)],
            )
        )
        ids[table_fqn] = str(created.id.root)
    return ids


def edit_records(
    monkeypatch: pytest.MonkeyPatch,
    resource: Resource[Any],
    change: Callable[[Any], Any | None],
) -> None:
    """Make the system answer ``resource`` with each record changed (None drops it)."""
    original = {{ prefix }}Client.records

    def records(
        self: {{ prefix }}Client,
        asked: Resource[Any],
        **parents: str,
    ) -> Iterator[Either]:
        for fetched in original(self, asked, **parents):
            if asked is resource and fetched.right is not None:
                changed = change(fetched.right)
                if changed is not None:
                    yield Either(right=changed)
            else:
                yield fetched

    monkeypatch.setattr({{ prefix }}Client, "records", records)


# --- Configuration and loading --------------------------------------------------------------


def test_connector_yaml_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config("connector.yaml"))


def test_source_class_of_connector_yaml_imports_through_openmetadata() -> None:
    config = project_config("connector.yaml")["source"]["serviceConnection"]["config"]
    source_class = import_from_module(config["sourcePythonClass"])
    assert source_class is connector.{{ cookiecutter.class_name }}
    assert issubclass(source_class, Source)


def test_openmetadata_finds_get_connection_and_test_connection_beside_the_source() -> None:
    module = import_from_module(SOURCE_CLASS.rpartition(".")[0] + ".test_connection")
    assert module is connector.test_connection
    assert callable(connector.get_connection)


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_its_data_models_charts_and_dashboards(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(DashboardService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None and model_str(service.description)
    for model in system.data_models:
        stored = read_model(om_client, model.name)
        assert stored is not None, model.name
        assert stored.get("description") == model.description
        assert [column["name"] for column in stored["columns"]] == [c.name for c in model.columns]
        assert [c.get("description") for c in stored["columns"]] == [
            c.description for c in model.columns
        ]
        assert stored.get("sql") == model.sql
    for chart in system.charts.values():
        stored = read_chart(om_client, chart.name)
        assert stored is not None and stored.get("description") == chart.description


def test_dashboards_refer_to_their_charts_and_data_models(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    for dashboard, charts in system.dashboards:
        stored = read_dashboard(om_client, dashboard.name)
        assert stored is not None and stored.get("description") == dashboard.description
        assert sorted(linked(stored, "charts")) == sorted(chart_fqn(c.name) for c in charts)
        assert sorted(linked(stored, "dataModels")) == sorted(
            model_fqn(name) for name in dashboard.data_models
        )


def test_data_model_column_types_are_mapped_to_what_the_server_accepts(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    for model in system.data_models:
        stored = read_model(om_client, model.name)
        for column, record in zip(stored["columns"], model.columns, strict=True):
            assert column["dataTypeDisplay"] == record.type
            if column["dataType"] in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
                assert column["dataLength"] >= 1


def test_labels_become_tags_of_the_connector_s_classification(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for model in system.data_models:
        stored = read_model(om_client, model.name)
        assert tag_fqns(stored) == tags_of(model.labels)
        for column, record in zip(stored["columns"], model.columns, strict=True):
            assert tag_fqns(column) == tags_of(record.labels)
    for dashboard, _ in system.dashboards:
        assert tag_fqns(read_dashboard(om_client, dashboard.name)) == tags_of(dashboard.labels)
    for chart in system.charts.values():
        assert tag_fqns(read_chart(om_client, chart.name)) == tags_of(chart.labels)


def test_no_tags_when_include_tags_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    config = workflow_config(source(connection_options, includeTags=False), stand_in)
    assert run(config, stand_in).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    system = system_records(connection_options)
    owners = iter(["admin", "nobody"] * (len(system.data_models) + len(system.dashboards)))
    for resource in (DATA_MODELS, DASHBOARDS):
        edit_records(
            monkeypatch, resource, lambda record: record.model_copy(update={"owner": next(owners)})
        )

    result = run(
        workflow_config(source(connection_options, includeOwners=True), stand_in), stand_in
    )

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    stored = [read_model(om_client, m.name) for m in system.data_models] + [
        read_dashboard(om_client, d.name) for d, _ in system.dashboards
    ]
    assert {owner["name"] for entity in stored for owner in entity.get("owners") or []} == {"admin"}


def test_no_owners_when_include_owners_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    assert any(dashboard.owner for dashboard, _ in system.dashboards)
    config = workflow_config(source(connection_options, includeOwners=False), stand_in)
    assert run(config, stand_in).passed
    for dashboard, _ in system.dashboards:
        assert not read_dashboard(om_client, dashboard.name).get("owners")


# --- Lineage ------------------------------------------------------------------------------------


def test_lineage_from_the_tables_a_data_model_reads_to_it_and_on_to_its_dashboards(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """A table that is not in OpenMetadata is a warning, and its edge is skipped."""
    system = system_records(connection_options)
    missing, *present = system.upstream_tables
    assert present, "the example's data models read at least two tables"
    table_ids = create_tables(om_client, present)

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    assert result.status["source"]["warnings"] >= 1  # the missing table
    for model in system.data_models:
        lineage = om_client.get_lineage_by_name(DashboardDataModel, model_fqn(model.name))
        assert lineage is not None
        upstream = {edge["fromEntity"] for edge in lineage.get("upstreamEdges") or []}
        assert upstream == {table_ids[table] for table in model.upstream if table != missing}
        downstream = {edge["toEntity"] for edge in lineage.get("downstreamEdges") or []}
        dashboards = [read_dashboard(om_client, name) for name in system.dashboards_of(model.name)]
        assert downstream == {dashboard["id"] for dashboard in dashboards}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_dashboard_is_never_sent_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    skipped = system.dashboards[0][0].name
    pattern = {"excludes": [f"^{skipped}$"]}

    result = run(
        workflow_config(source(connection_options, dashboardFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert result.passed
    assert read_dashboard(om_client, skipped, "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards[1:])


def test_a_filtered_chart_is_never_sent_nor_linked_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    skipped = next(iter(system.charts))
    showing = [d.name for d, charts in system.dashboards if skipped in {c.name for c in charts}]
    pattern = {"excludes": [f"^{skipped}$"]}

    result = run(
        workflow_config(source(connection_options, chartFilterPattern=pattern), stand_in), stand_in
    )

    assert result.passed and result.failures == [], result.failures
    assert read_chart(om_client, skipped, "all") is None
    assert result.status["source"]["filtered"] == len(showing)  # once per dashboard showing it
    for name in showing:
        assert chart_fqn(skipped) not in linked(read_dashboard(om_client, name), "charts")


def test_a_filtered_data_model_is_never_sent_nor_linked_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    skipped = system.data_models[0].name
    pattern = {"excludes": [f"^{skipped}$"]}

    result = run(
        workflow_config(source(connection_options, dataModelFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert result.passed and result.failures == [], result.failures
    assert read_model(om_client, skipped, "all") is None
    assert result.status["source"]["filtered"] == 1
    for name in system.dashboards_of(skipped):
        assert model_fqn(skipped) not in linked(read_dashboard(om_client, name), "dataModels")


def test_a_filtered_project_leaves_out_its_dashboards_and_data_models(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)
    project = next(d.project for d, _ in system.dashboards if d.project)
    dashboards = [d.name for d, _ in system.dashboards if d.project == project]
    models = [m.name for m in system.data_models if m.project == project]
    pattern = {"excludes": [f"^{project}$"]}

    result = run(
        workflow_config(source(connection_options, projectFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert result.passed
    assert result.status["source"]["filtered"] == len(dashboards) + len(models)
    assert all(read_dashboard(om_client, name, "all") is None for name in dashboards)
    assert all(read_model(om_client, name, "all") is None for name in models)
    others = [d.name for d, _ in system.dashboards if d.name not in dashboards]
    assert all(read_dashboard(om_client, name) for name in others)


def test_no_data_models_when_include_data_models_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)

    result = run(
        workflow_config(source(connection_options, includeDataModels=False), stand_in), stand_in
    )

    assert result.passed and result.failures == [], result.failures
    assert all(read_model(om_client, m.name, "all") is None for m in system.data_models)
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    config = workflow_config(
        source(connection_options, dashboardFilterPattern={"excludes": ["("]}), stand_in
    )
    with pytest.raises(
        ConfigError, match=r"dashboardFilterPattern\.excludes\[0\].*regular expression"
    ):
        run(config, stand_in)
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def _run_twice_without(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    resource: Resource[Any],
    gone: str,
    **source_config: Any,
) -> Any:
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    edit_records(monkeypatch, resource, lambda record: None if record.name == gone else record)
    return run(workflow_config(source(connection_options, **source_config), stand_in), stand_in)


def test_a_dashboard_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    gone = system.dashboards[-1][0].name

    second = _run_twice_without(stand_in, connection_options, monkeypatch, DASHBOARDS, gone)

    assert second.passed
    assert read_dashboard(om_client, gone) is None
    deleted = read_dashboard(om_client, gone, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == dashboard_fqn(gone)] == [
        dashboard_fqn(gone)
    ]
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards[:-1])


def test_a_data_model_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    gone = system.data_models[-1].name

    second = _run_twice_without(stand_in, connection_options, monkeypatch, DATA_MODELS, gone)

    assert second.passed
    assert read_model(om_client, gone) is None
    assert [e for e in stand_in.store.deletions() if e == model_fqn(gone)] == [model_fqn(gone)]
    assert all(read_model(om_client, m.name) for m in system.data_models[:-1])


def test_a_chart_no_dashboard_shows_any_more_is_soft_deleted_where_the_release_can(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """markDeletedCharts arrived in OpenMetadata 1.13: older releases keep every chart."""
    system = system_records(connection_options)
    gone = next(iter(system.charts))

    second = _run_twice_without(stand_in, connection_options, monkeypatch, CHARTS, gone)

    assert second.passed
    if DELETES_CHARTS:
        assert read_chart(om_client, gone) is None
        assert [e for e in stand_in.store.deletions() if e == chart_fqn(gone)] == [chart_fqn(gone)]
    else:
        assert read_chart(om_client, gone) is not None
        assert stand_in.store.deletions() == []


def test_nothing_is_deleted_when_the_mark_deleted_flags_are_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    gone = system.dashboards[-1][0].name
    flags = {"markDeletedDashboards": False, "markDeletedDataModels": False}
    if DELETES_CHARTS:
        flags["markDeletedCharts"] = False

    second = _run_twice_without(
        stand_in, connection_options, monkeypatch, DASHBOARDS, gone, **flags
    )

    assert second.passed
    assert read_dashboard(om_client, gone) is not None
    assert stand_in.store.deletions() == []


# --- Errors -----------------------------------------------------------------------------------


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    broken = system.data_models[0]
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    edit_records(
        monkeypatch, DATA_MODELS, lambda model: duplicated if model.name == broken.name else model
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    [failure] = result.failures
    assert broken.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_model(om_client, broken.name) is None
    assert all(read_model(om_client, m.name) for m in system.data_models[1:])
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards)


def test_test_connection_as_openmetadata_calls_it(connection_options: dict[str, str]) -> None:
    connection = CustomDashboardConnection(
        type=CustomDashboardType.CustomDashboard,
        sourcePythonClass=SOURCE_CLASS,
        connectionOptions=connection_options,
    )
    client = connector.get_connection(connection)

    result = connector.test_connection(None, client, connection, automation_workflow=None)

    assert result.steps and all(step.passed for step in result.steps)
