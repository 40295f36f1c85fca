{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The search connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_indexes``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn, run
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.searchIndex import SearchIndex
from metadata.generated.schema.entity.services.connections.search.customSearchConnection import (
    CustomSearchConnection,
    CustomSearchType,
)
from metadata.generated.schema.entity.services.searchService import SearchService
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import Source
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.search.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.search.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.search.{{ cookiecutter.module_name }}.models import (
    DOCUMENTS,
    INDEXES,
    RemoteIndexField,
    RemoteSearchIndex,
)
from metadata.ingestion.source.search.{{ cookiecutter.module_name }}.records import Resource
from metadata.utils import fqn
from metadata.utils.importer import import_from_module

from .conftest import TEST_SERVICE, project_config, workflow_config

SOURCE_CLASS = f"{connector.__name__}.{connector.{{ cookiecutter.class_name }}.__name__}"


def source(connection_options: dict[str, str], **source_config: Any) -> dict[str, Any]:
    """The ``source`` of a workflow config for the example system."""
    return {
        "type": "customSearch",
        "serviceName": TEST_SERVICE,
        "serviceConnection": {
            "config": {
                "type": "CustomSearch",
                "sourcePythonClass": SOURCE_CLASS,
                "connectionOptions": connection_options,
            }
        },
        "sourceConfig": {"config": {"type": "SearchMetadata", **source_config}},
    }


def service_connection(connection_options: dict[str, str]) -> CustomSearchConnection:
    return CustomSearchConnection(
        type=CustomSearchType.CustomSearch,
        sourcePythonClass=SOURCE_CLASS,
        connectionOptions=connection_options,
    )


def system_indexes(connection_options: dict[str, str]) -> list[RemoteSearchIndex]:
    """Every search index the client reads."""
    client = connector.get_connection(service_connection(connection_options))
    indexes = list(rights(client.records(INDEXES)))
    client.close()
    assert indexes, "the example system has search indexes"
    return indexes


def system_documents(connection_options: dict[str, str], index: str) -> list[str]:
    """Every document of ``index``, as the connector sends it for sample data."""
    client = connector.get_connection(service_connection(connection_options))
    documents = [
        json.dumps(sample.document, ensure_ascii=False)
        for sample in rights(client.records(DOCUMENTS, index=index))
    ]
    client.close()
    return documents


def rights(fetched: Iterator[Either]) -> Iterator[Any]:
    for item in fetched:
        assert item.left is None, item.left
        yield item.right


def index_fqn(index: str) -> str:
    return fqn.build(None, SearchIndex, service_name=TEST_SERVICE, search_index_name=index)


def read(om_client: OpenMetadata, path: str) -> Any:
    """A GET on OpenMetadata's REST API (through the real client), ``None`` for a 404."""
    from metadata.ingestion.ometa.client import APIError

    try:
        return om_client.client.get(path)
    except APIError as err:
        if err.status_code == 404:
            return None
        raise


def read_index(om_client: OpenMetadata, index: str, include: str = "non-deleted") -> Any:
    fields = "fields,owners,tags"
    return read(
        om_client, f"/searchIndexes/name/{quote(index, safe='')}?fields={fields}&include={include}"
    )


def sample_documents(om_client: OpenMetadata, index: str) -> list[str]:
    stored = read_index(om_client, index_fqn(index))
    with_sample = read(om_client, f"/searchIndexes/{stored['id']}/sampleData")
    return list((with_sample.get("sampleData") or {}).get("messages") or [])


def tags_of(entity: dict[str, Any]) -> set[str]:
    return {tag["tagFQN"] for tag in entity.get("tags") or []}


def tags_from(labels: tuple[str, ...]) -> set[str]:
    return {f"{connector.CLASSIFICATION}.{label}" for label in labels}


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


def test_a_run_creates_the_service_and_every_index_under_it(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(SearchService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None
    assert service.description.root == connector.SERVICE_DESCRIPTION
    for index in indexes:
        stored = read_index(om_client, index_fqn(index.name))
        assert stored is not None, index.name
        assert stored["service"]["name"] == TEST_SERVICE
        assert stored.get("description") == index.description
        assert (stored.get("searchIndexSettings") or {}) == index.settings


def test_index_fields_keep_their_types_descriptions_and_nested_fields(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    assert any(f.fields for index in indexes for f in index.fields), "a field has fields"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    for index in indexes:
        stored = read_index(om_client, index_fqn(index.name))
        assert_fields(stored["fields"], index.fields)


def assert_fields(stored: list[dict[str, Any]], fields: tuple[RemoteIndexField, ...]) -> None:
    """Names, types, descriptions and nested fields, in order, at every level."""
    assert [field["name"] for field in stored] == [field.name for field in fields]
    for stored_field, field in zip(stored, fields, strict=True):
        assert stored_field["dataType"] == connector.field_type(field.type).value
        assert stored_field.get("dataTypeDisplay") == field.type
        assert stored_field.get("description") == field.description
        assert_fields(stored_field.get("children") or [], field.fields)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("keyword", "KEYWORD"),
        ("text", "TEXT"),
        ("nested", "NESTED"),
        ("object", "OBJECT"),
        ("geo_point", "GEO_POINT"),
        ("scaled_float", "SCALED_FLOAT"),
        ("annotated_text", "ANNOTATED-TEXT"),
        ("Date", "DATE"),
        ("date_nanos", "DATE"),
        ("frobnicate", "UNKNOWN"),
    ],
)
def test_field_types_map_onto_openmetadata_s(spelling: str, expected: str) -> None:
    assert connector.field_type(spelling).value == expected


def test_labels_become_tags_of_indexes_and_of_fields(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    assert any(index.labels for index in indexes), "the example system labels an index"
    assert any(list(connector.field_labels(index.fields)) for index in indexes), "and a field"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for index in indexes:
        stored = read_index(om_client, index_fqn(index.name))
        assert tags_of(stored) == tags_from(index.labels)
        assert_field_tags(stored["fields"], index.fields)


def assert_field_tags(stored: list[dict[str, Any]], fields: tuple[RemoteIndexField, ...]) -> None:
    for stored_field, field in zip(stored, fields, strict=True):
        assert tags_of(stored_field) == tags_from(field.labels), field.name
        assert_field_tags(stored_field.get("children") or [], field.fields)


def test_sample_documents_arrive_as_include_sample_data_says_by_default(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """``includeSampleData`` is on by default in OpenMetadata, ``sampleSize`` 10."""
    indexes = system_indexes(connection_options)
    expected = {index.name: system_documents(connection_options, index.name) for index in indexes}
    assert any(expected.values()), "the example system has documents"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    for index in indexes:
        documents = expected[index.name][: connector.DEFAULT_SAMPLE_SIZE]
        assert sample_documents(om_client, index.name) == documents, index.name


def test_sample_size_limits_the_documents_sent(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    expected = {index.name: system_documents(connection_options, index.name) for index in indexes}
    assert any(len(documents) > 1 for documents in expected.values()), "an index has documents"

    assert run(workflow_config(source(connection_options, sampleSize=1), stand_in), stand_in).passed

    for index in indexes:
        assert sample_documents(om_client, index.name) == expected[index.name][:1], index.name


def test_no_sample_data_when_include_sample_data_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    config = workflow_config(source(connection_options, includeSampleData=False), stand_in)
    assert run(config, stand_in).passed
    for index in indexes:
        assert sample_documents(om_client, index.name) == [], index.name


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    indexes = system_indexes(connection_options)
    owners = {"admin", "nobody"}  # a user of every server, and no one
    names = iter(sorted(owners) * len(indexes))
    edit_records(
        monkeypatch, INDEXES, lambda index: index.model_copy(update={"owner": next(names)})
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for index in indexes:
        stored = read_index(om_client, index_fqn(index.name))
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_index_is_never_sent_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    skipped = indexes[0]
    pattern = {"excludes": [f"^{re.escape(skipped.name)}$"]}

    result = run(
        workflow_config(source(connection_options, searchIndexFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert result.passed
    assert read_index(om_client, index_fqn(skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_index(om_client, index_fqn(index.name)) for index in indexes[1:])


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    config = workflow_config(
        source(connection_options, searchIndexFilterPattern={"excludes": ["("]}), stand_in
    )
    with pytest.raises(
        ConfigError, match=r"searchIndexFilterPattern\.excludes\[0\].*regular expression"
    ):
        run(config, stand_in)
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def _run_twice_without(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    gone: str,
    **source_config: Any,
) -> Any:
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    edit_records(monkeypatch, INDEXES, lambda index: None if index.name == gone else index)
    return run(workflow_config(source(connection_options, **source_config), stand_in), stand_in)


def test_an_index_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexes = system_indexes(connection_options)
    gone = indexes[-1]
    gone_fqn = index_fqn(gone.name)

    second = _run_twice_without(stand_in, connection_options, monkeypatch, gone.name)

    assert second.passed
    assert read_index(om_client, gone_fqn) is None
    deleted = read_index(om_client, gone_fqn, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == gone_fqn] == [gone_fqn]
    for index in indexes[:-1]:
        assert read_index(om_client, index_fqn(index.name)) is not None


def test_nothing_is_deleted_when_mark_deleted_search_indexes_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexes = system_indexes(connection_options)
    gone = indexes[-1]

    second = _run_twice_without(
        stand_in, connection_options, monkeypatch, gone.name, markDeletedSearchIndexes=False
    )

    assert second.passed
    assert read_index(om_client, index_fqn(gone.name)) is not None
    assert stand_in.store.deletions() == []


def test_an_index_the_filter_now_leaves_out_is_soft_deleted_like_a_gone_one(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """Deletions cover the whole service, as in OpenMetadata's own search connectors."""
    indexes = system_indexes(connection_options)
    left_out = indexes[0]
    left_out_fqn = index_fqn(left_out.name)
    pattern = {"excludes": [f"^{re.escape(left_out.name)}$"]}

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    second = run(
        workflow_config(source(connection_options, searchIndexFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert second.passed
    assert read_index(om_client, left_out_fqn) is None
    assert stand_in.store.deletions() == [left_out_fqn]


# --- Errors -----------------------------------------------------------------------------------


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field name longer than OpenMetadata allows (256 characters) fails its index."""
    indexes = system_indexes(connection_options)
    broken = indexes[0]
    too_long = RemoteIndexField(name="f" * 257, type="keyword")
    edit_records(
        monkeypatch,
        INDEXES,
        lambda index: (
            index.model_copy(update={"fields": (*index.fields, too_long)})
            if index.name == broken.name
            else index
        ),
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    [failure] = result.failures
    assert broken.name in failure["name"] and "256" in failure["error"]
    assert read_index(om_client, index_fqn(broken.name)) is None
    assert all(read_index(om_client, index_fqn(index.name)) for index in indexes[1:])


def test_test_connection_as_openmetadata_calls_it(connection_options: dict[str, str]) -> None:
    connection = service_connection(connection_options)
    client = connector.get_connection(connection)

    result = connector.test_connection(None, client, connection, automation_workflow=None)

    assert result.steps and all(step.passed for step in result.steps)
