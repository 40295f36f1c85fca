{%- set svc = cookiecutter.service_type -%}
{%- set S = {"database": "Database", "dashboard": "Dashboard", "pipeline": "Pipeline", "messaging": "Messaging", "mlmodel": "MlModel", "storage": "Storage", "search": "Search", "drive": "Drive"}[svc] -%}
"""End to end: OpenMetadata's MetadataWorkflow runs the connector against the stand-in.

The checks OpenMetadata's own custom-connector integration suite makes against a live
server: the expected entities exist under the service FQN, with their descriptions,
and the run has no failures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from om_local.run_local import main, run, run_local
from om_local.stand_in import StandIn

from .conftest import PROJECT, project_config

SERVICE = project_config("connector.yaml")["source"]["serviceName"]
EXPECTED = [
    ("{{ S }}Service", SERVICE),
{%- if svc == "database" %}
    ("Database", f"{SERVICE}.analytics"),
    ("DatabaseSchema", f"{SERVICE}.analytics.sales"),
    ("Table", f"{SERVICE}.analytics.sales.orders"),
{%- elif svc == "dashboard" %}
    ("Chart", f"{SERVICE}.revenue_by_region"),
    ("Chart", f"{SERVICE}.orders_per_day"),
    ("Dashboard", f"{SERVICE}.sales_overview"),
{%- elif svc == "pipeline" %}
    ("Pipeline", f"{SERVICE}.daily_orders"),
{%- elif svc == "messaging" %}
    ("Topic", f"{SERVICE}.orders"),
{%- elif svc == "mlmodel" %}
    ("MlModel", f"{SERVICE}.churn_predictor"),
{%- elif svc == "storage" %}
    ("Container", f"{SERVICE}.raw_exports"),
{%- elif svc == "search" %}
    ("SearchIndex", f"{SERVICE}.products"),
{%- elif svc == "drive" %}
    ("Directory", f"{SERVICE}.reports"),
    ("File", f'{SERVICE}.reports."q1_summary.pdf"'),
{%- endif %}
]


def test_the_connector_runs_through_the_real_workflow(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"

    result = run_local(PROJECT / "connector.yaml", report_path)

    assert result.passed, result.failures
    report = json.loads(report_path.read_text())
    assert report["failures"] == []
    assert [(entity["type"], entity["fqn"]) for entity in report["entities"]] == EXPECTED
    assert report["status"]["source"]["failures"] == 0


def test_entities_reach_the_server_with_their_descriptions() -> None:
    with StandIn() as server:
        assert run(project_config("connector.yaml"), server).passed
        stored = server.store.entities()
    service = stored[0][1]
    assert service["description"]
    assert service["displayName"]
    described = [entity for kind, entity in stored[1:] if entity.get("description")]
    assert described, "the example entities carry descriptions"
    assert all(entity["fullyQualifiedName"].startswith(f"{SERVICE}.") for _, entity in stored[1:])


def test_an_invalid_config_exits_2_with_a_readable_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(
        (PROJECT / "connector.yaml").read_text().replace("sourceConfig:", "sourceConfigs:")
    )
    report = tmp_path / "report.json"

    assert main([str(config), "--report", str(report)]) == 2

    assert "Invalid workflow config" in capsys.readouterr().out
    assert json.loads(report.read_text())["passed"] is False


def test_a_missing_source_class_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "wrong_class.yaml"
    text = (PROJECT / "connector.yaml").read_text()
    config.write_text(text.replace("sourcePythonClass: ", "sourcePythonClass: not_a_module."))

    assert main([str(config)]) == 2
    assert "not_a_module" in capsys.readouterr().out


def test_secrets_never_reach_the_output_or_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENMETADATA_JWT_TOKEN", "jwt-secret-value-123")
    monkeypatch.setenv("CONNECTOR_API_TOKEN", "api-secret-value-456")
    config = tmp_path / "with_secret.yaml"
    text = (PROJECT / "connector.yaml").read_text()
    config.write_text(
        text.replace(
            'base_url: "https://example.invalid/api"',
            'base_url: "https://example.invalid/api"\n        api_token: "${CONNECTOR_API_TOKEN}"',
        )
    )
    report = tmp_path / "report.json"

    assert main([str(config), "--report", str(report)]) == 0

    captured = capsys.readouterr()
    for secret in ("jwt-secret-value-123", "api-secret-value-456"):
        assert secret not in captured.out + captured.err
        assert secret not in report.read_text()
{%- if svc == "database" %}


def test_a_request_the_server_refuses_fails_the_run_with_its_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections.abc import Iterator

    from metadata.generated.schema.entity.data.table import DataType
    from metadata.ingestion.source.database import {{ cookiecutter.module_name }} as connector

    def tables(self: object) -> Iterator[connector.RemoteTable]:
        yield connector.RemoteTable("db", "schema", "t", "", (("code", DataType.VARCHAR),))

    monkeypatch.setattr(connector.{{ cookiecutter.class_name }}Client, "list_tables", tables)
    with StandIn() as server:
        result = run(project_config("connector.yaml"), server)

    assert not result.passed
    assert any("dataLength must not be null" in failure["error"] for failure in result.failures)
{%- endif %}
