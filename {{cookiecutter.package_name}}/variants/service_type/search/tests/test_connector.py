"""The search connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_indexes``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.searchIndex import SearchIndex
from metadata.generated.schema.entity.services.searchService import SearchService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.search.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.search.{{ cookiecutter.module_name }}.models import (
    DOCUMENTS,
    INDEXES,
    RemoteIndexField,
    RemoteSearchIndex,
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


def system_indexes(connection_options: dict[str, str]) -> list[RemoteSearchIndex]:
    """Every search index the client reads."""
    with system_client(connection_options) as client:
        indexes = list(rights(client.records(INDEXES)))
    assert indexes, "the example system has search indexes"
    return indexes


def system_documents(connection_options: dict[str, str], index: str) -> list[str]:
    """Every document of ``index``, as the connector sends it for sample data."""
    with system_client(connection_options) as client:
        documents = [
            json.dumps(sample.document, ensure_ascii=False)
            for sample in rights(client.records(DOCUMENTS, index=index))
        ]
    return documents


def index_fqn(index: str) -> str:
    return fqn.build(None, SearchIndex, service_name=TEST_SERVICE, search_index_name=index)


def read_index(om_client: OpenMetadata, index: str, include: str = "non-deleted") -> Any:
    fields = "fields,owners,tags"
    return read(
        om_client, f"/searchIndexes/name/{quote(index, safe='')}?fields={fields}&include={include}"
    )


def sample_documents(om_client: OpenMetadata, index: str) -> list[str]:
    stored = read_index(om_client, index_fqn(index))
    with_sample = read(om_client, f"/searchIndexes/{stored['id']}/sampleData")
    return list((with_sample.get("sampleData") or {}).get("messages") or [])


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_index_under_it(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)

    result = ingest(stand_in, connection_options)

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

    assert ingest(stand_in, connection_options).passed

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

    assert ingest(stand_in, connection_options).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for index in indexes:
        stored = read_index(om_client, index_fqn(index.name))
        assert tag_fqns(stored) == tags_of(index.labels)
        assert_field_tags(stored["fields"], index.fields)


def assert_field_tags(stored: list[dict[str, Any]], fields: tuple[RemoteIndexField, ...]) -> None:
    for stored_field, field in zip(stored, fields, strict=True):
        assert tag_fqns(stored_field) == tags_of(field.labels), field.name
        assert_field_tags(stored_field.get("children") or [], field.fields)


def test_sample_documents_arrive_as_include_sample_data_says_by_default(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """``includeSampleData`` is on by default in OpenMetadata, ``sampleSize`` 10."""
    indexes = system_indexes(connection_options)
    expected = {index.name: system_documents(connection_options, index.name) for index in indexes}
    assert any(expected.values()), "the example system has documents"

    assert ingest(stand_in, connection_options).passed

    for index in indexes:
        documents = expected[index.name][: connector.DEFAULT_SAMPLE_SIZE]
        assert sample_documents(om_client, index.name) == documents, index.name


def test_sample_size_limits_the_documents_sent(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    expected = {index.name: system_documents(connection_options, index.name) for index in indexes}
    assert any(len(documents) > 1 for documents in expected.values()), "an index has documents"

    assert ingest(stand_in, connection_options, sampleSize=1).passed

    for index in indexes:
        assert sample_documents(om_client, index.name) == expected[index.name][:1], index.name


def test_no_sample_data_when_include_sample_data_is_off(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    indexes = system_indexes(connection_options)
    assert ingest(stand_in, connection_options, includeSampleData=False).passed
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

    result = ingest(stand_in, connection_options)

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

    result = ingest(stand_in, connection_options, searchIndexFilterPattern=pattern)

    assert result.passed
    assert read_index(om_client, index_fqn(skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_index(om_client, index_fqn(index.name)) for index in indexes[1:])


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"searchIndexFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, searchIndexFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_an_index_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexes = system_indexes(connection_options)
    gone = indexes[-1]
    gone_fqn = index_fqn(gone.name)

    second = run_twice(stand_in, connection_options, monkeypatch, INDEXES, without(gone.name))

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

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        INDEXES,
        without(gone.name),
        markDeletedSearchIndexes=False,
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

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, searchIndexFilterPattern=pattern)

    assert second.passed
    assert read_index(om_client, left_out_fqn) is None
    assert stand_in.store.deletions() == [left_out_fqn]


# --- Errors -----------------------------------------------------------------------------------


def with_a_field_name_too_long(
    broken: RemoteSearchIndex,
) -> Callable[[RemoteSearchIndex], RemoteSearchIndex]:
    """A change of the system: ``broken`` has a field whose name is longer than OpenMetadata
    allows (256 characters), which the connector refuses."""
    too_long = RemoteIndexField(name="f" * 257, type="keyword")
    return lambda index: (
        index.model_copy(update={"fields": (*index.fields, too_long)})
        if index.name == broken.name
        else index
    )


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A field name longer than OpenMetadata allows (256 characters) fails its index."""
    indexes = system_indexes(connection_options)
    broken = indexes[0]
    edit_records(monkeypatch, INDEXES, with_a_field_name_too_long(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "256" in failure["error"]
    assert read_index(om_client, index_fqn(broken.name)) is None
    assert all(read_index(om_client, index_fqn(index.name)) for index in indexes[1:])


def test_an_index_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its index stays as the last run left it."""
    indexes = system_indexes(connection_options)
    broken = indexes[0]

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        INDEXES,
        with_a_field_name_too_long(broken),
        failing=broken.name,
        error="256",
    )

    assert read_index(om_client, index_fqn(broken.name)) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: an index the system no longer has stays."""
    indexes = system_indexes(connection_options)
    gone = indexes[-1]

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, INDEXES, without(gone.name)
    )

    assert read_index(om_client, index_fqn(gone.name)) is not None
