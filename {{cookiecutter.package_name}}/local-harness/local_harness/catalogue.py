"""The entity types the stand-in serves, and how their create requests map onto them.

Each ``Kind`` names OpenMetadata's generated entity and create-request classes, the
fields of the request that name its parent (the parent gives the FQN prefix) and the
fields that refer to other entities by FQN (which must exist). Only the kinds this
openmetadata-ingestion release has are served: drive arrived in 1.9, for instance.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Kind:
    """An entity type the stand-in serves and how its create request maps onto it."""

    name: str  # entity class name, e.g. "Table"
    ref_type: str  # the type name in EntityReferences, e.g. "table"
    entity_module: str
    create_module: str
    # Fields of the create request naming the parent, most specific first:
    # the first one present gives the parent and the FQN prefix.
    parents: tuple[tuple[str, str], ...] = ()
    # Fields holding lists of FQNs of other entities, which must exist.
    references: tuple[tuple[str, str], ...] = ()

    @property
    def entity_class(self) -> type[Any]:
        return _class(f"metadata.generated.schema.entity.{self.entity_module}", self.name)

    @property
    def create_class(self) -> type[Any]:
        return _class(
            f"metadata.generated.schema.api.{self.create_module}", f"Create{self.name}Request"
        )


def _class(module: str, name: str) -> type[Any]:
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _service(name: str, folder: str) -> Kind:
    return Kind(
        f"{name}Service",
        f"{name[0].lower()}{name[1:]}Service" if name != "MlModel" else "mlmodelService",
        f"services.{folder}Service",
        f"services.create{name}Service",
    )


KINDS: tuple[Kind, ...] = (
    _service("Database", "database"),
    Kind("Database", "database", "data.database", "data.createDatabase", (("service", "DatabaseService"),)),
    Kind(
        "DatabaseSchema",
        "databaseSchema",
        "data.databaseSchema",
        "data.createDatabaseSchema",
        (("database", "Database"),),
    ),
    Kind("Table", "table", "data.table", "data.createTable", (("databaseSchema", "DatabaseSchema"),)),
    _service("Dashboard", "dashboard"),
    Kind("Chart", "chart", "data.chart", "data.createChart", (("service", "DashboardService"),)),
    Kind(
        "Dashboard",
        "dashboard",
        "data.dashboard",
        "data.createDashboard",
        (("service", "DashboardService"),),
        (("charts", "Chart"),),
    ),
    _service("Pipeline", "pipeline"),
    Kind("Pipeline", "pipeline", "data.pipeline", "data.createPipeline", (("service", "PipelineService"),)),
    _service("Messaging", "messaging"),
    Kind("Topic", "topic", "data.topic", "data.createTopic", (("service", "MessagingService"),)),
    _service("MlModel", "mlmodel"),
    Kind("MlModel", "mlmodel", "data.mlmodel", "data.createMlModel", (("service", "MlModelService"),)),
    _service("Storage", "storage"),
    Kind(
        "Container",
        "container",
        "data.container",
        "data.createContainer",
        (("parent", "Container"), ("service", "StorageService")),
    ),
    _service("Search", "search"),
    Kind(
        "SearchIndex",
        "searchIndex",
        "data.searchIndex",
        "data.createSearchIndex",
        (("service", "SearchService"),),
    ),
    _service("Drive", "drive"),
    Kind(
        "Directory",
        "directory",
        "data.directory",
        "data.createDirectory",
        (("parent", "Directory"), ("service", "DriveService")),
    ),
    Kind(
        "File",
        "file",
        "data.file",
        "data.createFile",
        (("directory", "Directory"), ("service", "DriveService")),
    ),
)


def available_kinds() -> dict[str, Kind]:
    """The kinds this openmetadata-ingestion release has, by entity class name."""
    kinds = {}
    for kind in KINDS:
        try:
            kind.entity_class  # noqa: B018 - importing is the check
            kind.create_class  # noqa: B018
        except (ImportError, AttributeError):
            continue
        kinds[kind.name] = kind
    return kinds


def reference_to(kind: Kind, entity: dict[str, Any]) -> dict[str, Any]:
    """The EntityReference of a stored entity."""
    return {
        "id": entity["id"],
        "type": kind.ref_type,
        "name": entity["name"],
        "fullyQualifiedName": entity["fullyQualifiedName"],
        "deleted": bool(entity.get("deleted", False)),
    }
