"""The storage connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_containers``),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.services.storageService import StorageService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.storage.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.storage.{{ cookiecutter.module_name }}.models import (
    CHILD_CONTAINERS,
    CONTAINERS,
    RemoteContainer,
)
from metadata.utils import fqn

from .conftest import TEST_SERVICE
from .support import (
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

CONTAINER_RESOURCES = (CONTAINERS, CHILD_CONTAINERS)


@dataclass(frozen=True)
class Held:
    """A container of the system: its FQN as the server builds it, and its parent's."""

    fqn: str
    parent: str | None
    record: RemoteContainer
    children: int


def system_containers(connection_options: dict[str, str]) -> list[Held]:
    """Every container the client reads, parents before their children."""
    held: list[Held] = []

    def walk(records: list[RemoteContainer], path: str, parent: str | None) -> None:
        for record in records:
            # The server's rule: the parent's FQN (or the service's) and the quoted name.
            container_fqn = (
                f"{parent or fqn.quote_name(TEST_SERVICE)}.{fqn.quote_name(record.name)}"
            )
            record_path = f"{path}/{record.name}" if path else record.name
            children = list(rights(client.records(CHILD_CONTAINERS, container=record_path)))
            held.append(Held(container_fqn, parent, record, len(children)))
            walk(children, record_path, container_fqn)

    with system_client(connection_options) as client:
        walk(list(rights(client.records(CONTAINERS))), "", None)
    assert any(container.parent for container in held), "the example system nests containers"
    return held


def read_container(om_client: OpenMetadata, container: str, include: str = "non-deleted") -> Any:
    fields = "parent,dataModel,tags,owners"
    return read(
        om_client,
        f"/containers/name/{quote(container, safe='')}?fields={fields}&include={include}",
    )


def below(held: list[Held], top: Held) -> list[Held]:
    """``top`` and every container inside it, at any depth."""
    return [container for container in held if f"{container.fqn}.".startswith(f"{top.fqn}.")]


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_container_under_its_parent(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    held = system_containers(connection_options)

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(StorageService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None and service.description.root
    for container in held:
        stored = read_container(om_client, container.fqn)
        assert stored is not None, container.fqn
        assert stored.get("description") == container.record.description
        assert stored["service"]["name"] == TEST_SERVICE
        parent = (stored.get("parent") or {}).get("fullyQualifiedName")
        assert parent == container.parent, container.fqn


def test_containers_keep_their_prefix_formats_size_and_number_of_objects(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    held = system_containers(connection_options)
    assert any(container.record.file_formats for container in held)
    assert ingest(stand_in, connection_options).passed
    for container in held:
        stored = read_container(om_client, container.fqn)
        record = container.record
        assert stored.get("prefix") == record.prefix
        assert stored.get("fileFormats", []) == list(record.file_formats)
        assert stored.get("numberOfObjects") == record.number_of_objects
        assert stored.get("size") == record.size


def test_data_models_carry_the_columns_of_the_data(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    held = system_containers(connection_options)
    structured = [container for container in held if container.record.columns]
    assert structured, "the example system has a container of structured data"
    assert ingest(stand_in, connection_options).passed
    for container in held:
        model = read_container(om_client, container.fqn).get("dataModel")
        if not container.record.columns:
            assert model is None
            continue
        assert model["isPartitioned"] is container.record.partitioned
        for column, record in zip(model["columns"], container.record.columns, strict=True):
            assert column["name"] == record.name
            assert column.get("description") == record.description
            assert column["dataTypeDisplay"] == record.type
            if column["dataType"] in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
                assert column["dataLength"] >= 1


def test_labels_become_tags_of_the_connector_s_classification(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    held = system_containers(connection_options)
    assert any(c.record.labels or any(col.labels for col in c.record.columns) for c in held)

    assert ingest(stand_in, connection_options, includeTags=True).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for container in held:
        stored = read_container(om_client, container.fqn)
        assert tag_fqns(stored) == tags_of(container.record.labels)
        columns = (stored.get("dataModel") or {}).get("columns") or []
        for column, record in zip(columns, container.record.columns, strict=True):
            assert tag_fqns(column) == tags_of(record.labels)


def test_no_tags_unless_include_tags_is_on(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """``includeTags`` is off by default for storage services, as in OpenMetadata's UI."""
    held = system_containers(connection_options)
    assert ingest(stand_in, connection_options).passed
    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is None
    assert all(not read_container(om_client, c.fqn).get("tags") for c in held)


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    held = system_containers(connection_options)
    names = iter(sorted({"admin", "nobody"}) * len(held))  # a user of every server, and no one
    edit_records(
        monkeypatch,
        CONTAINER_RESOURCES,
        lambda container: container.model_copy(update={"owner": next(names)}),
    )

    result = ingest(stand_in, connection_options)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for container in held:
        stored = read_container(om_client, container.fqn)
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_container_is_never_sent_nor_what_it_holds_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    held = system_containers(connection_options)
    names = [container.record.name for container in held]
    unique = [c for c in held if names.count(c.record.name) == 1]
    skipped = max(unique, key=lambda container: container.children)  # one that holds others
    pattern = {"excludes": [f"^{re.escape(skipped.record.name)}$"]}

    result = ingest(stand_in, connection_options, containerFilterPattern=pattern)

    assert result.passed
    gone = below(held, skipped)
    assert all(read_container(om_client, c.fqn, "all") is None for c in gone)
    assert result.status["source"]["filtered"] == 1
    assert all(read_container(om_client, c.fqn) for c in held if c not in gone)


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"containerFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, containerFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def _a_leaf(held: list[Held]) -> Held:
    """A nested container that holds none, and whose name no other container has."""
    names = [container.record.name for container in held]
    leaves = [c for c in held if c.parent and not c.children and names.count(c.record.name) == 1]
    assert leaves, "the example system has a nested container that holds none"
    return leaves[-1]


def test_a_container_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = system_containers(connection_options)
    gone = _a_leaf(held)

    second = run_twice(
        stand_in, connection_options, monkeypatch, CONTAINER_RESOURCES, without(gone.record.name)
    )

    assert second.passed
    assert read_container(om_client, gone.fqn) is None
    deleted = read_container(om_client, gone.fqn, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert stand_in.store.deletions() == [gone.fqn]
    assert all(read_container(om_client, c.fqn) for c in held if c is not gone)


def test_nothing_is_deleted_when_mark_deleted_containers_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = system_containers(connection_options)
    gone = _a_leaf(held)

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        CONTAINER_RESOURCES,
        without(gone.record.name),
        markDeletedContainers=False,
    )

    assert second.passed
    assert read_container(om_client, gone.fqn) is not None
    assert stand_in.store.deletions() == []


def test_a_container_the_filter_now_leaves_out_is_deleted_the_service_is_the_scope(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """As OpenMetadata's own storage sources do: every container of the service is
    compared with what the run read, so filtering one out later removes it."""
    held = system_containers(connection_options)
    leaf = _a_leaf(held)
    pattern = {"excludes": [f"^{re.escape(leaf.record.name)}$"]}

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, containerFilterPattern=pattern)

    assert second.passed
    assert stand_in.store.deletions() == [leaf.fqn]
    assert read_container(om_client, leaf.fqn) is None


# --- Errors -----------------------------------------------------------------------------------


def with_a_column_twice(broken: RemoteContainer) -> Callable[[RemoteContainer], RemoteContainer]:
    """A change of the system: ``broken`` has a column twice, which the connector refuses."""
    duplicated = broken.model_copy(update={"columns": broken.columns + broken.columns[:1]})
    return lambda container: duplicated if container == broken else container


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = system_containers(connection_options)
    broken = next(c for c in held if c.record.columns and not c.children)
    record = broken.record
    edit_records(monkeypatch, CONTAINER_RESOURCES, with_a_column_twice(record))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert record.name in failure["name"] and "a column name appears twice" in failure["error"]
    assert read_container(om_client, broken.fqn) is None
    assert all(read_container(om_client, c.fqn) for c in held if c is not broken)


def test_a_container_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its container stays as the last run
    left it."""
    held = system_containers(connection_options)
    broken = next(c for c in held if c.record.columns and not c.children)
    record = broken.record

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        CONTAINER_RESOURCES,
        with_a_column_twice(record),
        failing=record.name,
        error="a column name appears twice",
    )

    assert read_container(om_client, broken.fqn) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a container the system no longer has stays."""
    held = system_containers(connection_options)
    gone = _a_leaf(held)

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, CONTAINER_RESOURCES, without(gone.record.name)
    )

    assert read_container(om_client, gone.fqn) is not None
