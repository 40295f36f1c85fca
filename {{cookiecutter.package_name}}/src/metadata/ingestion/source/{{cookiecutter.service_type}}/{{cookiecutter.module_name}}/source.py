{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""What the workflow calls on the connector, the same for every service type.

OpenMetadata's ingestion workflow calls ``create(config_dict, metadata, pipeline_name)``,
then ``prepare()``, iterates ``_iter()``, and calls ``close()``. ``ConnectorSource`` does
all of it but ``_iter``, which ``metadata.py`` writes for its service type, with the
helpers here: ``fetch`` (the records of your system, a failure per record that cannot be
read), ``settings`` (the typed ``sourceConfig``), ``classification`` and ``owners``,
``seen`` and ``mark_deleted`` (what the run reported, and the soft deletion of the rest).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Generic, TypeVar, cast

from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.steps import InvalidSourceException, Source
from metadata.ingestion.connections.test_connections import raise_test_connection_exception
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from pydantic import BaseModel

from .client import {{ prefix }}Client
from .connection import {{ prefix }}Options, get_connection, test_connection
from .labels import Classification, Owners
from .records import RecordError, Resource, service_connection_to_store, service_fqn
from .source_config import SeenEntities, SourceSettings, mark_deleted, source_settings

P = TypeVar("P", bound=BaseModel)


class ConnectorSource(Source, Generic[P]):
    """The Source plumbing of this connector; ``metadata.py`` subclasses it per service type.

    A subclass sets what its service type is made of: ``connection_class`` (the custom
    connection, e.g. ``CustomDatabaseConnection``), ``pipeline_model`` (its
    ``sourceConfig.config``, e.g. ``DatabaseServiceMetadataPipeline``), ``deletions`` (the
    mark-deleted flags it honours: flag, default where a release lacks it, entity type),
    the defaults of ``includeTags``/``includeOwners`` for types whose pipeline model has
    none; and it writes ``_iter``.
    """

    connection_class: ClassVar[type[BaseModel]]
    pipeline_model: ClassVar[type[BaseModel]]
    options_model: ClassVar[type[BaseModel]] = {{ prefix }}Options
    deletions: ClassVar[tuple[tuple[str, bool, type[Any]], ...]] = ()
    include_tags_by_default: ClassVar[bool] = True
    include_owners_by_default: ClassVar[bool] = False
    display_name: ClassVar[str]
    description: ClassVar[str]
    classification_name: ClassVar[str]

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__()
        connection = config.serviceConnection.root.config if config.serviceConnection else None
        if not isinstance(connection, self.connection_class):
            raise InvalidSourceException(
                f"Expected {self.connection_class.__name__}, but got {type(connection).__name__}"
            )
        if not config.serviceName:
            raise InvalidSourceException("source.serviceName is required")
        self.config = config
        self.metadata = metadata
        self.service_name: str = config.serviceName
        try:
            self.service_fqn = service_fqn(self.service_name)
        except RecordError as exc:
            raise InvalidSourceException(f"source.serviceName: {exc}") from None
        self.service_connection: Any = connection
        pipeline_model = cast("type[P]", self.pipeline_model)  # a ClassVar cannot be generic
        self.settings: SourceSettings[P] = source_settings(
            config.sourceConfig, pipeline_model, self.status
        )
        self.classification = Classification(
            self.classification_name,
            f"Labels of {self.display_name}.",
            enabled=self.settings.enabled("includeTags", self.include_tags_by_default),
        )
        self.owners = Owners(
            metadata,
            self.status,
            self.settings.enabled("includeOwners", self.include_owners_by_default),
        )
        self.seen = SeenEntities()
        self.client: {{ prefix }}Client = get_connection(connection)

    @classmethod
    def create(
        cls,
        config_dict: dict[str, Any],
        metadata: OpenMetadata,
        pipeline_name: str | None = None,
    ) -> ConnectorSource[P]:
        return cls(WorkflowSource.model_validate(config_dict), metadata)

    def prepare(self) -> None:
        """Called once before ``_iter``: nothing to prepare in this connector yet."""

    def test_connection(self) -> None:
        result = test_connection(self.metadata, self.client, self.service_connection)
        raise_test_connection_exception(result)

    def close(self) -> None:
        self.client.close()

    def _iter(self) -> Iterable[Either]:
        raise NotImplementedError  # metadata.py says what the service type sends

    def fetch(self, resource: Resource[Any], **parents: str) -> Iterator[Any]:
        """The records of ``resource`` under ``parents``.

        One that cannot be read counts as a failure of the run; the run then soft-deletes
        nothing (it cannot tell what is gone from what it could not read).
        """
        for fetched in self.client.records(resource, **parents):
            if fetched.left is not None:
                self.seen.complete = False
                self.status.failed(fetched.left)
            elif fetched.right is not None:
                yield fetched.right

    def connection_to_store(self) -> Any | None:
        """The service connection to send with the service: without secret options."""
        return service_connection_to_store(
            self.service_connection, self.options_model, self.metadata
        )

    def mark_deleted(self) -> Iterator[Either]:
        """Soft-delete what the run's scopes no longer hold, per the ``deletions`` flags.

        Only the kinds of entity the run read (a kind whose ``include*`` setting is off
        opens no scope and is left as it is), and only after a run without failures: a
        record that failed may hide others (the tables of a schema that could not be
        sent), so such a run deletes nothing and says why.
        """
        if self.status.failures:
            self.seen.complete = False
        read = {entity_type for entity_type, _, _ in self.seen.by_scope}
        for flag, default, entity_type in self.deletions:
            if entity_type in read and self.settings.enabled(flag, default):
                yield from mark_deleted(self.metadata, self.seen, entity_type, self.status)
