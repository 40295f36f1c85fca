{%- set svc = cookiecutter.service_type -%}
{%- set S = {"database": "Database", "dashboard": "Dashboard", "pipeline": "Pipeline", "messaging": "Messaging", "mlmodel": "MlModel", "storage": "Storage", "search": "Search", "drive": "Drive"}[svc] -%}
{%- set C = cookiecutter.class_name -%}
"""The connector as OpenMetadata sees it: config, import, records, errors, test connection."""

from __future__ import annotations

from typing import Any

import pytest
from metadata.generated.schema.api.services.create{{ S }}Service import (
    Create{{ S }}ServiceRequest,
)
{%- if svc == "database" %}
from metadata.generated.schema.entity.data.table import DataType
{%- elif svc == "search" %}
from metadata.generated.schema.entity.data.searchIndex import (
    DataType as FieldDataType,
)
{%- endif %}
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import SourceConnectionException
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.{{ svc }} import {{ cookiecutter.module_name }} as connector
from metadata.utils.importer import import_from_module

from .conftest import project_config

Connector = connector.{{ C }}
CONFIG = "connector.yaml"
CLIENT_LISTING = "{{ {"database": "list_tables", "dashboard": "list_dashboards", "pipeline": "list_pipelines", "messaging": "list_topics", "mlmodel": "list_models", "storage": "list_containers", "search": "list_indexes", "drive": "list_files"}[svc] }}"
PARENT_FIELDS = ("databaseSchema", "database", "directory", "service")


def remote_record(name: str) -> Any:
    """One record of the example system, named ``name``."""
{%- if svc == "database" %}
    return connector.RemoteTable("db", "schema", name, "A table.", (("id", DataType.INT),))
{%- elif svc == "dashboard" %}
    return connector.RemoteDashboard(name, name.title(), "A dashboard.", ())
{%- elif svc == "pipeline" %}
    return connector.RemotePipeline(name, "A pipeline.", (("only_task", ()),))
{%- elif svc == "messaging" %}
    return connector.RemoteTopic(name, "A topic.", 1)
{%- elif svc == "mlmodel" %}
    return connector.RemoteModel(name, "A model.", "regression")
{%- elif svc == "storage" %}
    return connector.RemoteContainer(name, "A container.")
{%- elif svc == "search" %}
    return connector.RemoteIndex(name, "An index.", (("title", FieldDataType.TEXT),))
{%- elif svc == "drive" %}
    return connector.RemoteFile("docs", name, "A file.")
{%- endif %}


def source_config(**options: str) -> dict[str, Any]:
    config = project_config(CONFIG)["source"]
    if options:
        config["serviceConnection"]["config"]["connectionOptions"] = options
    return config


def make_source(om_client: OpenMetadata, **options: str) -> Connector:
    source = Connector.create(source_config(**options), om_client)
    source.prepare()
    return source


def parent_fqn(request: Any) -> str:
    """The FQN of the entity a create request hangs under."""
    for field in PARENT_FIELDS:
        value = getattr(request, field, None)
        if value is not None:
            return str(getattr(value, "root", value))
    raise AssertionError(f"{type(request).__name__} names no parent")


def test_workflow_config_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config(CONFIG))


def test_source_class_imports_through_openmetadata_importer() -> None:
    class_path = source_config()["serviceConnection"]["config"]["sourcePythonClass"]
    source_class = import_from_module(class_path)
    assert source_class is Connector
    assert issubclass(source_class, Source)


def test_iter_yields_the_service_then_its_entities(om_client: OpenMetadata) -> None:
    results = list(make_source(om_client)._iter())

    assert results and all(isinstance(result, Either) for result in results)
    assert [result.left for result in results] == [None] * len(results)
    service, *children = [result.right for result in results]
    assert isinstance(service, Create{{ S }}ServiceRequest)
    assert service.name.root == source_config()["serviceName"]
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None
    assert service.description.root == connector.SERVICE_DESCRIPTION
    assert children, "the stub yields at least one entity under the service"
    for child in children:
        assert type(child).__module__.startswith("metadata.generated.schema.api.data.")
        under = parent_fqn(child)
        assert under == service.name.root or under.startswith(f"{service.name.root}."), under


def test_a_failing_record_becomes_a_left_and_the_rest_still_arrive(
    om_client: OpenMetadata, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_source(om_client)
    too_long = "x" * 300  # OpenMetadata entity names hold at most 256 characters
    records = [remote_record(too_long), remote_record("fine")]
    monkeypatch.setattr(source.client, CLIENT_LISTING, lambda: iter(records))

    sent = [record for record in source.run() if record is not None]

    failures = source.get_status().failures
    assert [failure.name for failure in failures] == [too_long]
    assert too_long in failures[0].error
    assert any(getattr(record, "name", None) and record.name.root == "fine" for record in sent)


def test_unknown_connection_option_is_refused_by_name(om_client: OpenMetadata) -> None:
    with pytest.raises(InvalidSourceException, match="not_an_option"):
        make_source(om_client, not_an_option="x")


def test_option_errors_never_show_the_value(om_client: OpenMetadata) -> None:
    with pytest.raises(InvalidSourceException) as raised:
        make_source(om_client, api_token="s3cr3t-value", typo_token="s3cr3t-value")
    assert "s3cr3t-value" not in str(raised.value)


def test_test_connection_as_the_ui_calls_it(om_client: OpenMetadata) -> None:
    connection = Connector.create(source_config(), om_client).service_connection
    client = connector.get_connection(connection)

    result = connector.test_connection(om_client, client, connection)

    assert result.steps and all(step.passed for step in result.steps)


def test_test_connection_of_the_source_raises_when_access_fails(
    om_client: OpenMetadata, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = make_source(om_client)
    source.test_connection()  # the example system is always reachable

    def refuse() -> None:
        raise ConnectionError("refused")

    monkeypatch.setattr(source.client, "check_access", refuse)
    with pytest.raises(SourceConnectionException, match="CheckAccess"):
        source.test_connection()
