{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom storage connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. per container the filter keeps, depth first: the container (prefix, file formats,
   size, number of objects, data model with its columns, tags, owners), then the
   containers inside it, which refer to it (``_containers``);
3. the soft deletion of what the system no longer has (``mark_deleted``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar, cast

from metadata.generated.schema.api.data.createContainer import CreateContainerRequest
from metadata.generated.schema.api.services.createStorageService import (
    CreateStorageServiceRequest,
)
from metadata.generated.schema.entity.data.container import (
    Container,
    ContainerDataModel,
    FileFormat,
)
from metadata.generated.schema.entity.data.table import Column
from metadata.generated.schema.entity.services.connections.storage.customStorageConnection import (
    CustomStorageConnection,
)
from metadata.generated.schema.entity.services.storageService import (
    StorageConnection,
    StorageServiceType,
)
from metadata.generated.schema.metadataIngestion.storageServiceMetadataPipeline import (
    StorageServiceMetadataPipeline,
)
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.models import Either
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser
from metadata.utils import fqn

from .connection import get_connection, test_connection
from .models import CHILD_CONTAINERS, CONTAINERS, RemoteColumn, RemoteContainer
from .records import RecordError, entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
TYPE_SPELLINGS: dict[str, str] = {}
"""Column types your files spell in a way OpenMetadata's parser does not know, lowercase,
mapped to one it knows: ``{"utf8": "string"}``."""
LENGTH_TYPES = frozenset({"CHAR", "VARCHAR", "BINARY", "VARBINARY"})
DEFAULT_DATA_LENGTH = 1
"""dataLength of a char/varchar/binary/varbinary without one (or ``(max)``): the server
requires one, and this is the value OpenMetadata's own connectors send."""

E = TypeVar("E", bound=Enum)


class {{ cookiecutter.class_name }}(ConnectorSource[StorageServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom storage service."""

    connection_class = CustomStorageConnection
    pipeline_model = StorageServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    include_tags_by_default = False  # as StorageServiceMetadataPipeline's includeTags
    # StorageMetadata has no includeOwners setting: owners are always sent.
    include_owners_by_default = True
    # The whole service is compared, as OpenMetadata's storage sources do: a container the
    # filter now leaves out is deleted too, with the containers inside it. From
    # OpenMetadata 2.0 on the server compares, and deletes nothing when the run saw no
    # container at all: it cannot tell an empty system from a failed read.
    deletions = (("markDeletedContainers", True, Container),)

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        yield from self._containers()
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateStorageServiceRequest(
                name=self.service_name,
                serviceType=StorageServiceType.CustomStorage,
                connection=StorageConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Containers, and the containers they hold -----------------------------------------

    def _containers(self) -> Iterator[Either]:
        # Deletions compare the whole service, as OpenMetadata's own storage sources do.
        self.seen.scope(Container, "service", self.service_name)
        for container in self.fetch(CONTAINERS):
            yield from guarded(
                container.name, self._container(container, container.name, None, None)
            )

    def _container(
        self,
        container: RemoteContainer,
        path: str,
        parent: EntityReference | None,
        parent_fqn: str | None,
    ) -> Iterator[Either]:
        """A container (``path``: its names from the top, joined by ``/``), then its children.

        A container the filter leaves out is not read further: its children are not sent.
        """
        container_fqn = self._container_fqn(container.name, parent_fqn)
        if not self.settings.keep("containerFilterPattern", container.name, container_fqn):
            return
        # There, even if it fails; the request fails before any yield.
        self.seen.add(Container, "service", self.service_name, container_fqn)
        request = self._container_request(container, container_fqn, parent)
        yield from self.classification.tags(
            [*container.labels, *(label for column in container.columns for label in column.labels)]
        )
        yield Either(right=request)
        yield from self._children(path, container_fqn)

    def _children(self, path: str, container_fqn: str) -> Iterator[Either]:
        """The containers inside ``path``, each referring to its parent by id.

        A child names its parent by an ``EntityReference``, whose id only the server knows:
        the parent is looked up once, after the sink has written it.
        """
        parent: EntityReference | None = None
        for child in self.fetch(CHILD_CONTAINERS, container=path):
            if parent is None:
                yield from flush_sink("a container exists before its children refer to it")
                parent = self._reference(container_fqn)
            yield from guarded(
                f"{container_fqn}.{child.name}",
                self._container(child, f"{path}/{child.name}", parent, container_fqn),
            )

    def _reference(self, container_fqn: str) -> EntityReference:
        stored = self.metadata.get_by_name(entity=Container, fqn=container_fqn)
        if stored is None:
            raise RecordError(
                f"{container_fqn} is not in OpenMetadata: the containers inside it are skipped"
            )
        return EntityReference(id=stored.id, type="container")

    def _container_request(
        self, container: RemoteContainer, container_fqn: str, parent: EntityReference | None
    ) -> CreateContainerRequest:
        return CreateContainerRequest(
            name=container.name,
            description=container.description,
            service=self.service_fqn,
            parent=parent,
            prefix=container.prefix,
            fileFormats=[
                member(FileFormat, spelling, "file_formats") for spelling in container.file_formats
            ]
            or None,
            numberOfObjects=container.number_of_objects,
            size=container.size,
            dataModel=self._data_model(container),
            owners=self.owners.of(container.owner, container_fqn),
            tags=self.classification.labels_of(container.labels),
        )

    def _data_model(self, container: RemoteContainer) -> ContainerDataModel | None:
        """The structure of the container's data, when its files have one."""
        if not container.columns:
            return None
        names = [column.name for column in container.columns]
        if len(set(names)) != len(names):
            raise RecordError("a column name appears twice")
        return ContainerDataModel(
            isPartitioned=container.partitioned,
            columns=[self._column(column) for column in container.columns],
        )

    def _column(self, column: RemoteColumn) -> Column:
        """A column, its type mapped by OpenMetadata's own parser (``ColumnTypeParser``)."""
        return Column(
            name=column.name,
            description=column.description,
            tags=self.classification.labels_of(column.labels),
            **column_type(column.type),
        )

    def _container_fqn(self, name: str, parent_fqn: str | None) -> str:
        """OpenMetadata's builder joins a child's name to its parent's FQN unquoted (and
        2.0's compares it with the service's FQN): both go in quoted, as the server has them.
        """
        try:
            quoted = fqn.quote_name(name)
        except ValueError as exc:
            raise RecordError(f"cannot use {name!r} as a container name: {exc}") from None
        return entity_fqn(
            Container,
            service_name=self.service_fqn,
            parent_container=parent_fqn,
            container_name=quoted,
        )


def member(enum: type[E], spelling: str, field: str) -> E:
    """The member of OpenMetadata's ``enum`` spelled ``spelling``, or a ``RecordError``."""
    try:
        return enum(spelling)
    except ValueError:
        known = ", ".join(str(item.value) for item in enum)
        raise RecordError(f"{field}: {spelling!r} is not one of {known}") from None


def column_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields of a type as your files spell it, by OpenMetadata's parser.

    ``ColumnTypeParser`` knows the spellings of the systems OpenMetadata supports
    (``string``, ``int64``, ``decimal(10,2)``, ``array<string>``, ``struct<a:int>``...);
    what it does not know becomes ``UNKNOWN``, which the server accepts. What the server
    requires besides is added: a ``dataLength`` for character and binary types, an
    ``arrayDataType`` for arrays. The spelling is kept for display.
    """
    known = TYPE_SPELLINGS.get(spelling.strip().lower(), spelling.strip())
    if "<" in known:  # arrays, maps, structs: the parser's nested grammar
        parsed = cast("dict[str, Any]", ColumnTypeParser._parse_datatype_string(known))
    else:
        parsed = ColumnTypeParser._parse_primitive_datatype_string(known)
    return {**_server_ready(parsed), "dataTypeDisplay": spelling}


def _server_ready(parsed: dict[str, Any]) -> dict[str, Any]:
    fields = {
        key: value
        for key, value in parsed.items()
        if key in ("dataType", "arrayDataType", "precision", "scale", "name")
    }
    data_type = str(fields.get("dataType") or "UNKNOWN")
    fields["dataType"] = data_type
    length = parsed.get("dataLength")
    if str(length).isdigit() and int(str(length)) > 0:  # older parsers give "20", or "max"
        fields["dataLength"] = int(str(length))
    elif data_type in LENGTH_TYPES:
        fields["dataLength"] = DEFAULT_DATA_LENGTH
    if data_type == "ARRAY" and not fields.get("arrayDataType"):
        fields["arrayDataType"] = "UNKNOWN"
    children: list[dict[str, Any]] = parsed.get("children") or []
    if children:
        fields["children"] = [
            {**_server_ready(child), "dataTypeDisplay": child.get("dataTypeDisplay")}
            for child in children
        ]
    return fields
