{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom search connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. each search index the filter keeps: its fields (types, nested fields, descriptions,
   tags), its settings, tags, owners (``_index``);
3. once the indexes exist on the server: sample documents of each, when
   ``includeSampleData`` is on (``_sample_data``);
4. the soft deletion of the indexes the system no longer has (``mark_deleted``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

from metadata.generated.schema.api.data.createSearchIndex import CreateSearchIndexRequest
from metadata.generated.schema.api.services.createSearchService import (
    CreateSearchServiceRequest,
)
from metadata.generated.schema.entity.data.searchIndex import (
    DataType,
    SearchIndex,
    SearchIndexField,
    SearchIndexSampleData,
    SearchIndexSettings,
)
from metadata.generated.schema.entity.services.connections.search.customSearchConnection import (
    CustomSearchConnection,
)
from metadata.generated.schema.entity.services.searchService import (
    SearchConnection,
    SearchServiceType,
)
from metadata.generated.schema.metadataIngestion.searchServiceMetadataPipeline import (
    SearchServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.ingestion.api.models import Either
from metadata.ingestion.models.search_index_data import OMetaIndexSampleData
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from .connection import get_connection, test_connection
from .models import DOCUMENTS, INDEXES, RemoteIndexField, RemoteSearchIndex
from .records import entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
DEFAULT_SAMPLE_SIZE = 10
"""Documents sent as an index's sample data when ``sampleSize`` is not set (OpenMetadata's default)."""
FIELD_TYPES = {"date_nanos": "DATE", "match_only_text": "TEXT", "knn_vector": "DENSE_VECTOR"}
"""Field types as your system spells them, lowercase, mapped to OpenMetadata's (``DataType`` of
search indexes). Elasticsearch's own names (``keyword``, ``long``, ``nested``, ``geo_point``...)
need no entry; add your system's other spellings here."""


class {{ cookiecutter.class_name }}(ConnectorSource[SearchServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom search service."""

    connection_class = CustomSearchConnection
    pipeline_model = SearchServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # Search ingestion has no includeTags/includeOwners settings: both are always on.
    include_owners_by_default = True
    deletions = (("markDeletedSearchIndexes", True, SearchIndex),)

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        sample_size = self.settings.config.sampleSize
        self.sample_size: int = DEFAULT_SAMPLE_SIZE if sample_size is None else sample_size
        self.indexes: list[tuple[str, RemoteSearchIndex]] = []  # (FQN, index) of those sent

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        # Indexes are compared across the whole service, as OpenMetadata's own search
        # connectors do: an index that the filter now leaves out is gone too.
        self.seen.scope(SearchIndex, "service", self.service_name)
        for index in self.fetch(INDEXES):
            yield from guarded(index.name, self._index(index))
        yield from flush_sink("the indexes exist before their sample data and deletions")
        yield from self._sample_data()
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateSearchServiceRequest(
                name=self.service_name,
                serviceType=SearchServiceType.CustomSearch,
                connection=SearchConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Search indexes -------------------------------------------------------------------

    def _index(self, index: RemoteSearchIndex) -> Iterator[Either]:
        index_fqn = entity_fqn(
            SearchIndex, service_name=self.service_name, search_index_name=index.name
        )
        if not self.settings.keep("searchIndexFilterPattern", index.name, index_fqn):
            return
        # There, even if it fails.
        self.seen.add(SearchIndex, "service", self.service_name, index_fqn)
        request = self._index_request(index_fqn, index)  # fails before any yield
        yield from self.classification.tags([*index.labels, *field_labels(index.fields)])
        yield Either(right=request)
        self.indexes.append((index_fqn, index))

    def _index_request(self, index_fqn: str, index: RemoteSearchIndex) -> CreateSearchIndexRequest:
        return CreateSearchIndexRequest(
            name=index.name,
            description=index.description,
            service=self.service_fqn,
            fields=[self._field(field) for field in index.fields],
            searchIndexSettings=SearchIndexSettings(index.settings) if index.settings else None,
            owners=self.owners.of(index.owner, index_fqn),
            tags=self.classification.labels_of(index.labels),
        )

    def _field(self, field: RemoteIndexField) -> SearchIndexField:
        """A field of the mapping, its nested fields as children, its labels as tags."""
        return SearchIndexField(
            name=field.name,
            dataType=field_type(field.type),
            dataTypeDisplay=field.type,
            description=field.description,
            tags=self.classification.labels_of(field.labels),
            children=[self._field(child) for child in field.fields] or None,
        )

    # --- Sample data, once the indexes exist on the server --------------------------------

    def _sample_data(self) -> Iterator[Either]:
        """Sample documents of each index sent (``includeSampleData``, ``sampleSize``)."""
        if not self.settings.enabled("includeSampleData", True):
            return
        for index_fqn, index in self.indexes:
            yield from guarded(index_fqn, self._index_sample_data(index_fqn, index))

    def _index_sample_data(self, index_fqn: str, index: RemoteSearchIndex) -> Iterator[Either]:
        fetched = islice(self.fetch(DOCUMENTS, index=index.name), self.sample_size)
        documents = [json.dumps(sample.document, ensure_ascii=False) for sample in fetched]
        if not documents:
            return
        stored = self.metadata.get_by_name(entity=SearchIndex, fqn=index_fqn)
        if stored is None:
            self.status.warning(index_fqn, "no sample data: the index is not in OpenMetadata")
            return
        yield Either(
            right=OMetaIndexSampleData(
                entity=stored, data=SearchIndexSampleData(messages=documents)
            )
        )


def field_type(spelling: str) -> DataType:
    """OpenMetadata's type of an index field from its spelling; ``UNKNOWN`` if none fits."""
    known = spelling.strip().lower()
    name = FIELD_TYPES.get(known, known).upper()
    for candidate in (name, name.replace("_", "-")):  # annotated_text is ANNOTATED-TEXT
        try:
            return DataType(candidate)
        except ValueError:
            continue
    return DataType.UNKNOWN


def field_labels(fields: Iterable[RemoteIndexField]) -> Iterator[str]:
    """The labels of ``fields`` and of the fields nested in them."""
    for field in fields:
        yield from field.labels
        yield from field_labels(field.fields)
