"""The connector as OpenMetadata loads and runs it, whatever the service type: its config,
its class through OpenMetadata's importer, the connection functions OpenMetadata looks
for, the names it sends, and what it keeps to itself."""

from __future__ import annotations

from types import SimpleNamespace

from local_harness import StandIn, run
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import Source
from metadata.utils.importer import import_from_module
from pydantic import BaseModel, SecretStr

from .conftest import project_config, workflow_config
from .support import SOURCE, SOURCE_CLASS, connector, service_connection, source

LABEL_TYPES = {"Classification", "Tag"}


def test_connector_yaml_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config("connector.yaml"))


def test_source_class_of_connector_yaml_imports_through_openmetadata() -> None:
    config = project_config("connector.yaml")["source"]["serviceConnection"]["config"]
    source_class = import_from_module(config["sourcePythonClass"])
    assert source_class is SOURCE
    assert issubclass(source_class, Source)


def test_openmetadata_finds_get_connection_and_test_connection_beside_the_source() -> None:
    module = import_from_module(SOURCE_CLASS.rpartition(".")[0] + ".test_connection")
    assert module is connector.test_connection
    assert callable(connector.get_connection)


def test_test_connection_as_openmetadata_calls_it(connection_options: dict[str, str]) -> None:
    connection = service_connection(connection_options)
    client = connector.get_connection(connection)

    result = connector.test_connection(None, client, connection, automation_workflow=None)

    assert result.steps and all(step.passed for step in result.steps)


def test_the_service_keeps_its_display_name_and_description(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed, result.failures
    service = result.entities[0]["entity"]
    assert service["displayName"] == connector.SERVICE_DISPLAY_NAME
    assert service["description"] == connector.SERVICE_DESCRIPTION


def test_a_service_name_with_a_dot_is_quoted_in_every_reference(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    """The server names a service ``acme.prod`` ``"acme.prod"``: every entity under it,
    and every reference to it or to them, must use that quoted name."""
    config = workflow_config({**source(connection_options), "serviceName": "acme.prod"}, stand_in)

    result = run(config, stand_in)

    assert result.passed and result.failures == [], result.failures
    sent = [entity for entity in result.entities if entity["type"] not in LABEL_TYPES]
    assert sent[0]["fqn"] == '"acme.prod"'
    assert len(sent) > 1 and all(entity["fqn"].startswith('"acme.prod".') for entity in sent[1:])


class _WithASecret(BaseModel):
    host: str
    token: SecretStr


def test_secret_options_are_never_sent_with_the_service() -> None:
    """OpenMetadata stores ``connectionOptions`` as given: what is declared secret stays here."""
    from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.records import (
        service_connection_to_store,
    )

    connection = service_connection({"host": "db.example.com", "token": "s3cr3t-value"})

    kept = service_connection_to_store(connection, _WithASecret, None)

    assert kept.connectionOptions.root == {"host": "db.example.com"}
    assert "s3cr3t-value" not in kept.model_dump_json()
    not_stored = SimpleNamespace(config=SimpleNamespace(storeServiceConnection=False))
    assert service_connection_to_store(connection, _WithASecret, not_stored) is None  # type: ignore[arg-type]
