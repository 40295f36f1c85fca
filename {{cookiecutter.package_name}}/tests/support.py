{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""What the connector's tests do the same way whatever the service type.

- ``source``, ``service_connection``, ``ingest``: the workflow config of the example
  system, and a run of it against the stand-in server; the type strings come from the
  connector's own ``connection_class`` and ``pipeline_model``;
- ``system_client``, ``rights``: the records of the example system as the client reads
  them: what the tests expect to find on the server;
- ``read``, ``tag_fqns``, ``tags_of``: what the server holds, through OpenMetadata's
  own client;
- ``edit_records``, ``without``, ``first_run``, ``run_twice``: a system that changed
  between two runs;
- ``run_twice_with_a_failing_record``: a record that fails is still in the system;
- ``unreadable_page``, ``run_twice_with_an_unreadable_page``, ``reported_warnings``: a
  run that could not read part of the system, and what it says;
- ``create_tables``: tables of another service, which lineage and features refer to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from local_harness import RunResult, StandIn, run
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.table import Column, DataType
from metadata.generated.schema.entity.services.databaseService import DatabaseServiceType
from metadata.ingestion.api.models import Either, StackTraceError
from metadata.ingestion.api.status import Status
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.records import (
    Resource,
)
from metadata.utils import fqn
from pydantic import BaseModel

from .conftest import TEST_SERVICE, workflow_config

SOURCE = connector.{{ cookiecutter.class_name }}
SOURCE_CLASS = f"{connector.__name__}.{SOURCE.__name__}"
CONNECTION_TYPE: str = SOURCE.connection_class.__name__.removesuffix("Connection")
"""The ``type`` of the service connection (``CustomDatabase`` for ``CustomDatabaseConnection``)."""
CONFIG_TYPE: str = SOURCE.pipeline_model.model_fields["type"].default.value
"""The ``type`` of ``sourceConfig.config`` (``DatabaseMetadata``...), the pipeline model's own."""
UNREADABLE = "the system did not answer this page (a test's failure)"
"""The error of the page ``unreadable_page`` makes unreadable."""
NOTHING_DELETED = "nothing soft-deleted"
"""What the warning of a run that could not read everything says."""

# --- The example system, and a run of it ------------------------------------------------------


def source(connection_options: dict[str, str], **source_config: Any) -> dict[str, Any]:
    """The ``source`` of a workflow config for the example system; ``source_config`` are the
    settings of its ``sourceConfig.config`` (``includeTags=False``...)."""
    return {
        "type": CONNECTION_TYPE[0].lower() + CONNECTION_TYPE[1:],  # customDatabase
        "serviceName": TEST_SERVICE,
        "serviceConnection": {
            "config": {
                "type": CONNECTION_TYPE,
                "sourcePythonClass": SOURCE_CLASS,
                "connectionOptions": connection_options,
            }
        },
        "sourceConfig": {"config": {"type": CONFIG_TYPE, **source_config}},
    }


def service_connection(connection_options: dict[str, str]) -> BaseModel:
    """The service connection of the example system, as OpenMetadata passes it."""
    return SOURCE.connection_class.model_validate(
        {
            "type": CONNECTION_TYPE,
            "sourcePythonClass": SOURCE_CLASS,
            "connectionOptions": connection_options,
        }
    )


def ingest(
    stand_in: StandIn, connection_options: dict[str, str], **source_config: Any
) -> RunResult:
    """A run of the connector on the example system, as ``metadata ingest`` runs it."""
    return run(workflow_config(source(connection_options, **source_config), stand_in), stand_in)


@contextmanager
def system_client(connection_options: dict[str, str]) -> Iterator[{{ prefix }}Client]:
    """The connector's client on the example system, closed after use."""
    client = connector.get_connection(service_connection(connection_options))
    try:
        yield client
    finally:
        client.close()


def rights(fetched: Iterator[Either]) -> Iterator[Any]:
    """The records of ``fetched``; the example system has no record it cannot read."""
    for item in fetched:
        assert item.left is None, item.left
        yield item.right


# --- What the server holds --------------------------------------------------------------------


def read(om_client: OpenMetadata, path: str) -> Any:
    """A GET on OpenMetadata's REST API (through the real client), ``None`` for a 404."""
    from metadata.ingestion.ometa.client import APIError

    try:
        return om_client.client.get(path)
    except APIError as err:
        if err.status_code == 404:
            return None
        raise


def tag_fqns(entity: dict[str, Any]) -> set[str]:
    """The FQNs of the tags on ``entity`` (or a column, a field), as the server has them."""
    return {tag["tagFQN"] for tag in entity.get("tags") or []}


def tags_of(labels: Iterable[str]) -> set[str]:
    """The FQNs of the tags the connector makes of your system's ``labels``."""
    return {f"{SOURCE.classification_name}.{label}" for label in labels}


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


# --- A system that changes, or cannot answer --------------------------------------------------


def edit_records(
    monkeypatch: pytest.MonkeyPatch,
    resources: Resource[Any] | Iterable[Resource[Any]],
    change: Callable[[Any], Any | None],
) -> None:
    """Make the system answer ``resources`` with each record changed (None drops it)."""
    edited = resource_tuple(resources)
    original = {{ prefix }}Client.records

    def records(
        self: {{ prefix }}Client,
        asked: Resource[Any],
        **parents: str,
    ) -> Iterator[Either]:
        for fetched in original(self, asked, **parents):
            if asked in edited and fetched.right is not None:
                changed = change(fetched.right)
                if changed is not None:
                    yield Either(right=changed)
            else:
                yield fetched

    monkeypatch.setattr({{ prefix }}Client, "records", records)


def resource_tuple(resources: Resource[Any] | Iterable[Resource[Any]]) -> tuple[Resource[Any], ...]:
    """``resources`` as a tuple: one ``Resource``, or several."""
    return (resources,) if isinstance(resources, Resource) else tuple(resources)


def without(name: str) -> Callable[[Any], Any | None]:
    """A ``change`` for ``edit_records``: the records called ``name`` are gone."""
    return lambda record: None if record.name == name else record


def first_run(stand_in: StandIn, connection_options: dict[str, str]) -> RunResult:
    """A run on the system as it is, which must pass: what a second run compares with."""
    result = ingest(stand_in, connection_options)
    assert result.passed, result.failures
    return result


def run_twice(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    resources: Resource[Any] | Iterable[Resource[Any]],
    change: Callable[[Any], Any | None],
    **source_config: Any,
) -> RunResult:
    """A first run on the system as it is, which passes; then the second, returned, with
    ``source_config``, where ``change`` edits the records of ``resources``."""
    first_run(stand_in, connection_options)
    edit_records(monkeypatch, resources, change)
    return ingest(stand_in, connection_options, **source_config)


def run_twice_with_a_failing_record(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    resources: Resource[Any] | Iterable[Resource[Any]],
    change: Callable[[Any], Any | None],
    *,
    failing: str,
    error: str,
) -> RunResult:
    """``run_twice``, where ``change`` makes one record fail: the second run's one failure
    names ``failing`` and says ``error``.

    A record that fails is still in the system: the run soft-deletes nothing. Checked
    here, as every service type does it; the caller checks that the entity of that
    record is still on the server.
    """
    second = run_twice(stand_in, connection_options, monkeypatch, resources, change)

    assert len(second.failures) == 1, second.failures
    assert failing in second.failures[0]["name"], second.failures
    assert error in second.failures[0]["error"], second.failures
    deleted = stand_in.store.deletions()
    assert deleted == [], f"soft-deleted although its record only failed: {deleted}"
    return second


def reported_warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The warnings the run's steps report from now on: (what, why), as they come."""
    reported: list[tuple[str, str]] = []
    original = Status.warning

    def warning(self: Status, key: str, reason: str) -> None:
        reported.append((key, reason))
        original(self, key, reason)

    monkeypatch.setattr(Status, "warning", warning)
    return reported


def unreadable_page(
    monkeypatch: pytest.MonkeyPatch, resources: Resource[Any] | Iterable[Resource[Any]]
) -> None:
    """Make the system fail one page of ``resources``: the first time the connector asks
    for one, a ``left`` (``UNREADABLE``) comes after its records."""
    failing = resource_tuple(resources)
    original = {{ prefix }}Client.records
    failed: list[str] = []

    def records(
        self: {{ prefix }}Client,
        asked: Resource[Any],
        **parents: str,
    ) -> Iterator[Either]:
        yield from original(self, asked, **parents)
        if asked in failing and not failed:
            failed.append(asked.at(**parents))
            yield Either(left=StackTraceError(name=failed[0], error=UNREADABLE))

    monkeypatch.setattr({{ prefix }}Client, "records", records)


def run_twice_with_an_unreadable_page(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    resources: Resource[Any] | Iterable[Resource[Any]],
    change: Callable[[Any], Any | None],
) -> RunResult:
    """``run_twice``, where the second run also cannot read a page of ``resources``
    (``unreadable_page``).

    What is missing may then only be unread: the run soft-deletes nothing, and a warning
    says so. Checked here, as every service type does it; the caller checks that what
    ``change`` removed is still on the server.
    """
    first_run(stand_in, connection_options)
    edit_records(monkeypatch, resources, change)
    unreadable_page(monkeypatch, resources)
    warnings = reported_warnings(monkeypatch)

    second = ingest(stand_in, connection_options)

    assert [failure["error"] for failure in second.failures] == [UNREADABLE], second.failures
    deleted = stand_in.store.deletions()
    assert deleted == [], f"soft-deleted although a page could not be read: {deleted}"
    assert any(NOTHING_DELETED in why for _, why in warnings), warnings
    return second
