"""The dashboard connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_records``),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.chart import Chart
from metadata.generated.schema.entity.data.dashboard import Dashboard
from metadata.generated.schema.entity.data.dashboardDataModel import DashboardDataModel
from metadata.generated.schema.entity.services.dashboardService import DashboardService
from metadata.generated.schema.metadataIngestion.dashboardServiceMetadataPipeline import (
    DashboardServiceMetadataPipeline,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.ometa.utils import model_str
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.dashboard.{{ cookiecutter.module_name }}.models import (
    CHARTS,
    DASHBOARDS,
    DATA_MODELS,
    RemoteChart,
    RemoteDashboard,
    RemoteDataModel,
)
from metadata.utils import fqn

from .conftest import TEST_SERVICE
from .support import (
    create_tables,
    edit_records,
    ingest,
    read,
    rights,
    run_twice,
    run_twice_with_a_failing_record,
    run_twice_with_an_unreadable_page,
    system_client,
    tag_fqns,
    tags_of,
    without,
)

# Releases from 1.13 on have markDeletedCharts; older ones never delete charts.
DELETES_CHARTS = "markDeletedCharts" in DashboardServiceMetadataPipeline.model_fields


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
    with system_client(connection_options) as client:
        data_models = list(rights(client.records(DATA_MODELS)))
        dashboards = [
            (dashboard, list(rights(client.records(CHARTS, dashboard=dashboard.name))))
            for dashboard in rights(client.records(DASHBOARDS))
        ]
    system = System(data_models, dashboards)
    assert data_models and dashboards and system.charts, "the example system has all three"
    return system


def model_fqn(name: str) -> str:
    return str(fqn.build(None, DashboardDataModel, service_name=TEST_SERVICE, data_model_name=name))


def dashboard_fqn(name: str) -> str:
    return str(fqn.build(None, Dashboard, service_name=TEST_SERVICE, dashboard_name=name))


def chart_fqn(name: str) -> str:
    return str(fqn.build(None, Chart, service_name=TEST_SERVICE, chart_name=name))


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


def linked(entity: dict[str, Any], field: str) -> list[str]:
    return [reference["fullyQualifiedName"] for reference in entity.get(field) or []]


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_its_data_models_charts_and_dashboards(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    system = system_records(connection_options)

    result = ingest(stand_in, connection_options)

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
    assert ingest(stand_in, connection_options).passed
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
    assert ingest(stand_in, connection_options).passed
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

    assert ingest(stand_in, connection_options).passed

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
    assert ingest(stand_in, connection_options, includeTags=False).passed
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

    result = ingest(stand_in, connection_options, includeOwners=True)

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
    assert ingest(stand_in, connection_options, includeOwners=False).passed
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

    result = ingest(stand_in, connection_options)

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

    result = ingest(stand_in, connection_options, dashboardFilterPattern=pattern)

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

    result = ingest(stand_in, connection_options, chartFilterPattern=pattern)

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

    result = ingest(stand_in, connection_options, dataModelFilterPattern=pattern)

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

    result = ingest(stand_in, connection_options, projectFilterPattern=pattern)

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

    result = ingest(stand_in, connection_options, includeDataModels=False)

    assert result.passed and result.failures == [], result.failures
    assert all(read_model(om_client, m.name, "all") is None for m in system.data_models)
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"dashboardFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, dashboardFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_a_dashboard_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    gone = system.dashboards[-1][0].name

    second = run_twice(stand_in, connection_options, monkeypatch, DASHBOARDS, without(gone))

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

    second = run_twice(stand_in, connection_options, monkeypatch, DATA_MODELS, without(gone))

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

    second = run_twice(stand_in, connection_options, monkeypatch, CHARTS, without(gone))

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

    second = run_twice(
        stand_in, connection_options, monkeypatch, DASHBOARDS, without(gone), **flags
    )

    assert second.passed
    assert read_dashboard(om_client, gone) is not None
    assert stand_in.store.deletions() == []


# --- Errors -----------------------------------------------------------------------------------


def with_a_column_twice(broken: RemoteDataModel) -> Callable[[RemoteDataModel], RemoteDataModel]:
    """A change of the system: ``broken`` has a column twice, which the connector refuses."""
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    return lambda model: duplicated if model.name == broken.name else model


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = system_records(connection_options)
    broken = system.data_models[0]
    edit_records(monkeypatch, DATA_MODELS, with_a_column_twice(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_model(om_client, broken.name) is None
    assert all(read_model(om_client, m.name) for m in system.data_models[1:])
    assert all(read_dashboard(om_client, d.name) for d, _ in system.dashboards)


def test_a_data_model_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its data model stays as the last run
    left it."""
    system = system_records(connection_options)
    broken = system.data_models[0]

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        DATA_MODELS,
        with_a_column_twice(broken),
        failing=broken.name,
        error="a column name appears twice",
    )

    assert read_model(om_client, broken.name) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a dashboard the system no longer has stays."""
    system = system_records(connection_options)
    gone = system.dashboards[-1][0].name

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, DASHBOARDS, without(gone)
    )

    assert read_dashboard(om_client, gone) is not None
