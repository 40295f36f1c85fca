"""The messaging connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_topics``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.topic import Topic
from metadata.generated.schema.entity.services.messagingService import MessagingService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.messaging.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.messaging.{{ cookiecutter.module_name }}.models import (
    MESSAGES,
    TOPICS,
    RemoteField,
    RemoteTopic,
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


def system_topics(connection_options: dict[str, str]) -> list[RemoteTopic]:
    """Every topic the client reads."""
    with system_client(connection_options) as client:
        topics = list(rights(client.records(TOPICS)))
    assert topics, "the example system has topics"
    return topics


def system_messages(connection_options: dict[str, str], topic: str) -> list[str]:
    """The sample messages of ``topic``, as the connector sends them."""
    with system_client(connection_options) as client:
        messages = [
            connector.message_text(m.value) for m in rights(client.records(MESSAGES, topic=topic))
        ]
    return messages[: connector.SAMPLE_MESSAGES]


def topic_fqn(topic: str) -> str:
    return fqn.build(None, Topic, service_name=TEST_SERVICE, topic_name=topic)


def read_topic(om_client: OpenMetadata, topic: str, include: str = "non-deleted") -> Any:
    fields = "messageSchema,owners,tags"
    return read(
        om_client, f"/topics/name/{quote(topic, safe='')}?fields={fields}&include={include}"
    )


def sample_messages(om_client: OpenMetadata, topic: str) -> list[str]:
    stored = read_topic(om_client, topic_fqn(topic))
    with_sample = read(om_client, f"/topics/{stored['id']}/sampleData")
    return list((with_sample.get("sampleData") or {}).get("messages") or [])


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_topic_under_it(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    topics = system_topics(connection_options)

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(MessagingService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description is not None
    assert service.description.root == connector.SERVICE_DESCRIPTION
    for topic in topics:
        stored = read_topic(om_client, topic_fqn(topic.name))
        assert stored is not None, topic.name
        assert stored["service"]["name"] == TEST_SERVICE
        assert stored.get("description") == topic.description
        assert stored["partitions"] == topic.partitions
        assert (stored.get("cleanupPolicies") or []) == list(topic.cleanup_policies)
        settings = {
            "replicationFactor": topic.replication_factor,
            "retentionTime": topic.retention_ms,
            "retentionSize": topic.retention_bytes,
            "maximumMessageSize": topic.max_message_bytes,
            "minimumInSyncReplicas": topic.min_insync_replicas,
        }
        for key, value in settings.items():
            if value is not None:
                assert stored.get(key) == value, f"{topic.name}: {key}"


def test_message_schemas_keep_their_type_and_fields(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    topics = [topic for topic in system_topics(connection_options) if topic.message_schema]
    assert topics, "the example system has a topic with a message schema"
    assert any(f.fields for t in topics for f in t.message_schema.fields), "and nested fields"

    assert ingest(stand_in, connection_options).passed

    for topic in topics:
        schema = read_topic(om_client, topic_fqn(topic.name))["messageSchema"]
        assert schema["schemaType"] == topic.message_schema.type
        assert schema.get("schemaText") == topic.message_schema.text
        assert_fields(schema["schemaFields"], topic.message_schema.fields)


def assert_fields(stored: list[dict[str, Any]], fields: tuple[RemoteField, ...]) -> None:
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
        ("string", "STRING"),  # Avro's names are OpenMetadata's own
        ("long", "LONG"),
        ("record", "RECORD"),
        ("Boolean", "BOOLEAN"),
        ("integer", "INT"),  # JSON Schema
        ("number", "FLOAT"),
        ("object", "RECORD"),
        ("int64", "INT"),  # Protobuf
        ("message", "RECORD"),
        ("frobnicate", "UNKNOWN"),
    ],
)
def test_field_types_map_onto_openmetadata_s(spelling: str, expected: str) -> None:
    assert connector.field_type(spelling).value == expected


def test_labels_become_tags_of_topics_and_of_schema_fields(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    topics = system_topics(connection_options)
    assert any(topic.labels for topic in topics), "the example system labels a topic"
    schemas = [topic.message_schema for topic in topics if topic.message_schema]
    assert any(list(connector.field_labels(s.fields)) for s in schemas), "and a schema field"

    assert ingest(stand_in, connection_options).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for topic in topics:
        stored = read_topic(om_client, topic_fqn(topic.name))
        assert tag_fqns(stored) == tags_of(topic.labels)
        if topic.message_schema:
            assert_field_tags(stored["messageSchema"]["schemaFields"], topic.message_schema.fields)


def assert_field_tags(stored: list[dict[str, Any]], fields: tuple[RemoteField, ...]) -> None:
    for stored_field, field in zip(stored, fields, strict=True):
        assert tag_fqns(stored_field) == tags_of(field.labels), field.name
        assert_field_tags(stored_field.get("children") or [], field.fields)


def test_sample_messages_arrive_when_generate_sample_data_is_on(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    topics = system_topics(connection_options)
    expected = {topic.name: system_messages(connection_options, topic.name) for topic in topics}
    assert any(expected.values()), "the example system has messages"

    assert ingest(stand_in, connection_options, generateSampleData=True).passed

    for topic in topics:
        assert sample_messages(om_client, topic.name) == expected[topic.name], topic.name


def test_no_sample_data_unless_generate_sample_data_is_on(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """``generateSampleData`` is off by default in OpenMetadata."""
    topics = system_topics(connection_options)
    assert ingest(stand_in, connection_options).passed
    for topic in topics:
        assert sample_messages(om_client, topic.name) == [], topic.name


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    topics = system_topics(connection_options)
    owners = {"admin", "nobody"}  # a user of every server, and no one
    names = iter(sorted(owners) * len(topics))
    edit_records(monkeypatch, TOPICS, lambda topic: topic.model_copy(update={"owner": next(names)}))

    result = ingest(stand_in, connection_options)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for topic in topics:
        stored = read_topic(om_client, topic_fqn(topic.name))
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_topic_is_never_sent_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    topics = system_topics(connection_options)
    skipped = topics[0]
    pattern = {"excludes": [f"^{re.escape(skipped.name)}$"]}

    result = ingest(stand_in, connection_options, topicFilterPattern=pattern)

    assert result.passed
    assert read_topic(om_client, topic_fqn(skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_topic(om_client, topic_fqn(topic.name)) for topic in topics[1:])


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(ConfigError, match=r"topicFilterPattern\.excludes\[0\].*regular expression"):
        ingest(stand_in, connection_options, topicFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_a_topic_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topics = system_topics(connection_options)
    gone = topics[-1]
    gone_fqn = topic_fqn(gone.name)

    second = run_twice(stand_in, connection_options, monkeypatch, TOPICS, without(gone.name))

    assert second.passed
    assert read_topic(om_client, gone_fqn) is None
    deleted = read_topic(om_client, gone_fqn, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == gone_fqn] == [gone_fqn]
    for topic in topics[:-1]:
        assert read_topic(om_client, topic_fqn(topic.name)) is not None


def test_nothing_is_deleted_when_mark_deleted_topics_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topics = system_topics(connection_options)
    gone = topics[-1]

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        TOPICS,
        without(gone.name),
        markDeletedTopics=False,
    )

    assert second.passed
    assert read_topic(om_client, topic_fqn(gone.name)) is not None
    assert stand_in.store.deletions() == []


def test_a_topic_the_filter_now_leaves_out_is_soft_deleted_like_a_gone_one(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """Deletions cover the whole service, as in OpenMetadata's own messaging connectors."""
    topics = system_topics(connection_options)
    left_out = topics[0]
    left_out_fqn = topic_fqn(left_out.name)
    pattern = {"excludes": [f"^{re.escape(left_out.name)}$"]}

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, topicFilterPattern=pattern)

    assert second.passed
    assert read_topic(om_client, left_out_fqn) is None
    assert stand_in.store.deletions() == [left_out_fqn]


# --- Errors -----------------------------------------------------------------------------------


def with_no_partitions(broken: RemoteTopic) -> Callable[[RemoteTopic], RemoteTopic]:
    """A change of the system: ``broken`` has no partitions, which the server refuses."""
    return lambda topic: (
        topic.model_copy(update={"partitions": 0}) if topic.name == broken.name else topic
    )


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    topics = system_topics(connection_options)
    broken = topics[0]
    edit_records(monkeypatch, TOPICS, with_no_partitions(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "partitions" in failure["error"]
    assert read_topic(om_client, topic_fqn(broken.name)) is None
    assert all(read_topic(om_client, topic_fqn(topic.name)) for topic in topics[1:])


def test_a_topic_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its topic stays as the last run left it."""
    topics = system_topics(connection_options)
    broken = topics[0]

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        TOPICS,
        with_no_partitions(broken),
        failing=broken.name,
        error="partitions",
    )

    assert read_topic(om_client, topic_fqn(broken.name)) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a topic the system no longer has stays."""
    topics = system_topics(connection_options)
    gone = topics[-1]

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, TOPICS, without(gone.name)
    )

    assert read_topic(om_client, topic_fqn(gone.name)) is not None
