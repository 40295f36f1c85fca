{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom messaging connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. each topic the filter keeps: partitions, replication, retention, cleanup policies,
   its message schema (fields, their descriptions and tags), tags, owners (``_topic``);
3. once the topics exist on the server: sample messages of each, when
   ``generateSampleData`` is on (``_sample_data``);
4. the soft deletion of the topics the system no longer has (``mark_deleted``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from metadata.generated.schema.api.data.createTopic import CreateTopicRequest
from metadata.generated.schema.api.services.createMessagingService import (
    CreateMessagingServiceRequest,
)
from metadata.generated.schema.entity.data.topic import CleanupPolicy, Topic, TopicSampleData
from metadata.generated.schema.entity.services.connections.messaging.customMessagingConnection import (
    CustomMessagingConnection,
)
from metadata.generated.schema.entity.services.messagingService import (
    MessagingConnection,
    MessagingServiceType,
)
from metadata.generated.schema.metadataIngestion.messagingServiceMetadataPipeline import (
    MessagingServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.schema import DataTypeTopic, FieldModel, SchemaType
from metadata.generated.schema.type.schema import Topic as MessageSchema
from metadata.ingestion.api.models import Either
from metadata.ingestion.models.ometa_topic_data import OMetaTopicSampleData
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from .connection import get_connection, test_connection
from .models import MESSAGES, TOPICS, RemoteField, RemoteMessageSchema, RemoteTopic
from .records import entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
SAMPLE_MESSAGES = 10
"""Messages sent as a topic's sample data, at most: as many as OpenMetadata's Kafka connector."""
FIELD_TYPES = {
    # JSON Schema, as OpenMetadata's JSON Schema parser maps it.
    "integer": "INT",
    "number": "FLOAT",
    "object": "RECORD",
    # Protobuf, as OpenMetadata's Protobuf parser maps it.
    "bool": "BOOLEAN",
    "message": "RECORD",
    "int32": "INT",
    "int64": "INT",
    "uint32": "INT",
    "uint64": "INT",
    "sint32": "INT",
    "sint64": "INT",
    "fixed32": "FIXED",
    "fixed64": "FIXED",
    "sfixed32": "FIXED",
    "sfixed64": "FIXED",
}
"""Field types as schemas spell them, lowercase, mapped to OpenMetadata's (``DataTypeTopic``).
Avro's spellings (``string``, ``long``, ``record``, ``array``...) are OpenMetadata's own and
need no entry; add your system's other spellings here."""


class {{ cookiecutter.class_name }}(ConnectorSource[MessagingServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom messaging service."""

    connection_class = CustomMessagingConnection
    pipeline_model = MessagingServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # Messaging ingestion has no includeTags/includeOwners settings: both are always on.
    include_owners_by_default = True
    deletions = (("markDeletedTopics", True, Topic),)

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        self.topics: list[tuple[str, RemoteTopic]] = []  # (FQN, topic) of the topics sent

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        # Topics are compared across the whole service, as OpenMetadata's own messaging
        # connectors do: a topic that the filter now leaves out is gone too.
        self.seen.scope(Topic, "service", self.service_name)
        for topic in self.fetch(TOPICS):
            yield from guarded(topic.name, self._topic(topic))
        yield from flush_sink("the topics exist before their sample data and deletions")
        yield from self._sample_data()
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateMessagingServiceRequest(
                name=self.service_name,
                serviceType=MessagingServiceType.CustomMessaging,
                connection=MessagingConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Topics ---------------------------------------------------------------------------

    def _topic(self, topic: RemoteTopic) -> Iterator[Either]:
        topic_fqn = entity_fqn(Topic, service_name=self.service_name, topic_name=topic.name)
        if not self.settings.keep("topicFilterPattern", topic.name, topic_fqn):
            return
        self.seen.add(Topic, "service", self.service_name, topic_fqn)  # there, even if it fails
        request = self._topic_request(topic_fqn, topic)  # fails before any yield
        schema_fields = topic.message_schema.fields if topic.message_schema else ()
        yield from self.classification.tags([*topic.labels, *field_labels(schema_fields)])
        yield Either(right=request)
        self.topics.append((topic_fqn, topic))

    def _topic_request(self, topic_fqn: str, topic: RemoteTopic) -> CreateTopicRequest:
        return CreateTopicRequest(
            name=topic.name,
            description=topic.description,
            service=self.service_fqn,
            partitions=topic.partitions,
            replicationFactor=topic.replication_factor,
            retentionTime=topic.retention_ms,
            retentionSize=topic.retention_bytes,
            maximumMessageSize=topic.max_message_bytes,
            minimumInSyncReplicas=topic.min_insync_replicas,
            cleanupPolicies=[CleanupPolicy(policy) for policy in topic.cleanup_policies] or None,
            messageSchema=self._message_schema(topic.message_schema),
            owners=self.owners.of(topic.owner, topic_fqn),
            tags=self.classification.labels_of(topic.labels),
        )

    def _message_schema(self, schema: RemoteMessageSchema | None) -> MessageSchema | None:
        if schema is None:
            return None
        return MessageSchema(
            schemaType=SchemaType(schema.type),
            schemaText=schema.text,
            schemaFields=[self._field(field) for field in schema.fields],
        )

    def _field(self, field: RemoteField) -> FieldModel:
        """A schema field, its nested fields as children, its labels as tags."""
        return FieldModel(
            name=field.name,
            dataType=field_type(field.type),
            dataTypeDisplay=field.type,
            description=field.description,
            tags=self.classification.labels_of(field.labels),
            children=[self._field(child) for child in field.fields] or None,
        )

    # --- Sample data, once the topics exist on the server ---------------------------------

    def _sample_data(self) -> Iterator[Either]:
        """Sample messages of each topic sent (``generateSampleData``, off by default)."""
        if not self.settings.enabled("generateSampleData", False):
            return
        for topic_fqn, topic in self.topics:
            yield from guarded(topic_fqn, self._topic_sample_data(topic_fqn, topic))

    def _topic_sample_data(self, topic_fqn: str, topic: RemoteTopic) -> Iterator[Either]:
        fetched = islice(self.fetch(MESSAGES, topic=topic.name), SAMPLE_MESSAGES)
        messages = [message_text(message.value) for message in fetched]
        if not messages:
            return
        stored = self.metadata.get_by_name(entity=Topic, fqn=topic_fqn)
        if stored is None:
            self.status.warning(topic_fqn, "no sample data: the topic is not in OpenMetadata")
            return
        yield Either(
            right=OMetaTopicSampleData(topic=stored, sample_data=TopicSampleData(messages=messages))
        )


def field_type(spelling: str) -> DataTypeTopic:
    """OpenMetadata's type of a schema field from its spelling; ``UNKNOWN`` if none fits."""
    known = spelling.strip().lower()
    try:
        return DataTypeTopic(FIELD_TYPES.get(known, known).upper())
    except ValueError:
        return DataTypeTopic.UNKNOWN


def field_labels(fields: Iterable[RemoteField]) -> Iterator[str]:
    """The labels of ``fields`` and of the fields nested in them."""
    for field in fields:
        yield from field.labels
        yield from field_labels(field.fields)


def message_text(value: Any) -> str:
    """A message as sample data shows it: strings as they are, documents as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
