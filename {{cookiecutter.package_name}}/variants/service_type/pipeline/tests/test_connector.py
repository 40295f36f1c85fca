"""The pipeline connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_records``),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.pipeline import Pipeline
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.pipelineService import PipelineService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.ometa.utils import model_str
from metadata.ingestion.source.pipeline.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.pipeline.{{ cookiecutter.module_name }}.models import (
    PIPELINES,
    RUNS,
    RemotePipeline,
    RemoteRun,
    RemoteTaskRun,
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

ALL_TIME = "startTs=0&endTs=4102444800000"  # up to 2100: every run of the example


def system_records(
    connection_options: dict[str, str],
) -> list[tuple[RemotePipeline, list[RemoteRun]]]:
    """Every pipeline the client reads, with its recent runs."""
    with system_client(connection_options) as client:
        pipelines = [
            (pipeline, list(rights(client.records(RUNS, pipeline=pipeline.name))))
            for pipeline in rights(client.records(PIPELINES))
        ]
    assert pipelines, "the example system has pipelines"
    return pipelines


def pipeline_fqn(name: str) -> str:
    return str(fqn.build(None, Pipeline, service_name=TEST_SERVICE, pipeline_name=name))


def read_pipeline(om_client: OpenMetadata, name: str, include: str = "non-deleted") -> Any:
    path = quote(pipeline_fqn(name), safe="")
    return read(om_client, f"/pipelines/name/{path}?fields=tasks,tags,owners&include={include}")


def read_runs(om_client: OpenMetadata, name: str) -> list[dict[str, Any]]:
    """The pipeline's run statuses, as the server lists them (an unknown pipeline has none)."""
    path = quote(pipeline_fqn(name), safe="")
    return list((read(om_client, f"/pipelines/{path}/status?{ALL_TIME}") or {}).get("data") or [])


def upstream_edges(om_client: OpenMetadata, table_fqn: str) -> list[dict[str, Any]]:
    lineage = om_client.get_lineage_by_name(Table, table_fqn, up_depth=1, down_depth=0)
    return list((lineage or {}).get("upstreamEdges") or [])


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_pipeline_with_its_tasks(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(PipelineService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None and model_str(service.description)
    for pipeline, _ in pipelines:
        stored = read_pipeline(om_client, pipeline.name)
        assert stored is not None, pipeline.name
        assert stored.get("description") == pipeline.description
        tasks = stored.get("tasks") or []
        assert [task["name"] for task in tasks] == [task.name for task in pipeline.tasks]
        assert [task.get("description") for task in tasks] == [
            task.description for task in pipeline.tasks
        ]
        assert [sorted(task.get("downstreamTasks") or []) for task in tasks] == [
            sorted(task.downstream) for task in pipeline.tasks
        ]


def test_labels_become_tags_of_pipelines_and_tasks(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)
    assert any(task.labels for pipeline, _ in pipelines for task in pipeline.tasks)

    assert ingest(stand_in, connection_options).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for pipeline, _ in pipelines:
        stored = read_pipeline(om_client, pipeline.name)
        assert tag_fqns(stored) == tags_of(pipeline.labels)
        for task, record in zip(stored.get("tasks") or [], pipeline.tasks, strict=True):
            assert tag_fqns(task) == tags_of(record.labels)


def test_no_tags_when_include_tags_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    assert ingest(stand_in, connection_options, includeTags=False).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None


def test_owners_are_included_by_default_and_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """includeOwners defaults to true for pipelines; an owner that is not an OpenMetadata
    user is a warning."""
    pipelines = system_records(connection_options)
    owners = iter(["admin", "nobody"] * len(pipelines))
    edit_records(
        monkeypatch, PIPELINES, lambda pipeline: pipeline.model_copy(update={"owner": next(owners)})
    )

    result = ingest(stand_in, connection_options)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    stored = [read_pipeline(om_client, pipeline.name) for pipeline, _ in pipelines]
    assert {owner["name"] for entity in stored for owner in entity.get("owners") or []} == {"admin"}


def test_no_owners_when_include_owners_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)
    assert any(pipeline.owner for pipeline, _ in pipelines)
    assert ingest(stand_in, connection_options, includeOwners=False).passed
    for pipeline, _ in pipelines:
        assert not read_pipeline(om_client, pipeline.name).get("owners")


# --- Runs -------------------------------------------------------------------------------------


def test_each_run_is_a_status_of_its_pipeline_with_its_tasks(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)
    assert any(runs for _, runs in pipelines), "the example system has runs"

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    for pipeline, runs in pipelines:
        stored = {status["timestamp"]: status for status in read_runs(om_client, pipeline.name)}
        assert sorted(stored) == sorted(connector.epoch_ms(r.started_at) for r in runs)
        for record in runs:
            status = stored[connector.epoch_ms(record.started_at)]
            assert status["executionStatus"] == connector.execution_status(record.state).value
            assert [task["name"] for task in status.get("taskStatus") or []] == [
                task.name for task in record.tasks
            ]


def test_a_run_naming_a_task_the_pipeline_does_not_have_is_one_failure(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipelines = system_records(connection_options)
    pipeline, runs = next((p, r) for p, r in pipelines if r)
    stray = RemoteTaskRun(name="no_such_task", state="success")
    edit_records(monkeypatch, RUNS, lambda r: r.model_copy(update={"tasks": (*r.tasks, stray)}))

    result = ingest(stand_in, connection_options)

    failures = [f for f in result.failures if pipeline_fqn(pipeline.name) in f["name"]]
    assert len(failures) == len(runs)
    assert all("no_such_task" in failure["error"] for failure in failures)
    assert read_pipeline(om_client, pipeline.name) is not None


# --- Lineage ------------------------------------------------------------------------------------


def test_lineage_runs_from_the_tables_a_pipeline_reads_to_those_it_writes(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """Each edge names the pipeline; a table that is not in OpenMetadata is a warning."""
    pipelines = system_records(connection_options)
    tables = sorted({t for p, _ in pipelines for t in (*p.inputs, *p.outputs)})
    missing, *present = tables
    assert present, "the example's pipelines read and write tables"
    table_ids = create_tables(om_client, present)

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    assert result.status["source"]["warnings"] >= 1  # the missing table
    expected: dict[str, set[tuple[str, str]]] = {}  # table -> {(upstream table id, pipeline id)}
    for pipeline, _ in pipelines:
        pipeline_id = read_pipeline(om_client, pipeline.name)["id"]
        for source_table in pipeline.inputs:
            for target in pipeline.outputs:
                if missing not in (source_table, target):
                    edge = (table_ids[source_table], pipeline_id)
                    expected.setdefault(target, set()).add(edge)
    assert expected, "some edges are between tables in OpenMetadata"
    for table in present:
        edges = upstream_edges(om_client, table)
        found = {(e["fromEntity"], e["lineageDetails"]["pipeline"]["id"]) for e in edges}
        assert found == expected.get(table, set())
        assert all(e["lineageDetails"]["source"] == "PipelineLineage" for e in edges)


def test_no_lineage_when_include_lineage_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)
    outputs = sorted({t for p, _ in pipelines for t in p.outputs})
    create_tables(om_client, sorted({t for p, _ in pipelines for t in (*p.inputs, *p.outputs)}))

    assert ingest(stand_in, connection_options, includeLineage=False).passed

    assert all(upstream_edges(om_client, table) == [] for table in outputs)


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_pipeline_is_never_sent_nor_its_runs_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    pipelines = system_records(connection_options)
    skipped = next(pipeline.name for pipeline, runs in pipelines if runs)
    pattern = {"excludes": [f"^{skipped}$"]}

    result = ingest(stand_in, connection_options, pipelineFilterPattern=pattern)

    assert result.passed
    assert read_pipeline(om_client, skipped, "all") is None
    assert read_runs(om_client, skipped) == []
    assert result.status["source"]["filtered"] == 1
    others = [pipeline.name for pipeline, _ in pipelines if pipeline.name != skipped]
    assert all(read_pipeline(om_client, name) for name in others)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"pipelineFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, pipelineFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_a_pipeline_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipelines = system_records(connection_options)
    gone = pipelines[-1][0].name

    second = run_twice(stand_in, connection_options, monkeypatch, PIPELINES, without(gone))

    assert second.passed
    assert read_pipeline(om_client, gone) is None
    deleted = read_pipeline(om_client, gone, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == pipeline_fqn(gone)] == [
        pipeline_fqn(gone)
    ]
    assert all(read_pipeline(om_client, pipeline.name) for pipeline, _ in pipelines[:-1])


def test_nothing_is_deleted_when_mark_deleted_pipelines_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipelines = system_records(connection_options)
    gone = pipelines[-1][0].name

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        PIPELINES,
        without(gone),
        markDeletedPipelines=False,
    )

    assert second.passed
    assert read_pipeline(om_client, gone) is not None
    assert stand_in.store.deletions() == []


# --- Errors -----------------------------------------------------------------------------------


def with_an_unknown_downstream_task(
    broken: RemotePipeline,
) -> Callable[[RemotePipeline], RemotePipeline]:
    """A change of the system: a task of ``broken`` names a downstream task the pipeline
    does not have, which the connector refuses."""
    task = broken.tasks[0].model_copy(update={"downstream": ("no_such_task",)})
    wrong = broken.model_copy(update={"tasks": (task, *broken.tasks[1:])})
    return lambda pipeline: wrong if pipeline.name == broken.name else pipeline


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pipelines = system_records(connection_options)
    broken = next(pipeline for pipeline, _ in pipelines if pipeline.tasks)
    edit_records(monkeypatch, PIPELINES, with_an_unknown_downstream_task(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "no_such_task" in failure["error"]
    assert read_pipeline(om_client, broken.name) is None
    others = [pipeline.name for pipeline, _ in pipelines if pipeline.name != broken.name]
    assert all(read_pipeline(om_client, name) for name in others)


def test_a_pipeline_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its pipeline stays as the last run left it."""
    pipelines = system_records(connection_options)
    broken = next(pipeline for pipeline, _ in pipelines if pipeline.tasks)

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        PIPELINES,
        with_an_unknown_downstream_task(broken),
        failing=broken.name,
        error="no_such_task",
    )

    assert read_pipeline(om_client, broken.name) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a pipeline the system no longer has stays."""
    pipelines = system_records(connection_options)
    gone = pipelines[-1][0].name

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, PIPELINES, without(gone)
    )

    assert read_pipeline(om_client, gone) is not None
