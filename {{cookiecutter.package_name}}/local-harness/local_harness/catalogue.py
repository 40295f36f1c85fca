"""The entity types the stand-in serves, and how each one's create request maps onto it.

A ``Kind`` names OpenMetadata's generated entity and create-request classes (the installed
openmetadata-ingestion release's: they are the server's JSON schemas), the server's type
string (``table``), and what the server's repository for that type does with a request:

- ``links``: request fields naming a parent or a service, resolved by the repository's
  ``prepare()`` (404 ``<type> instance for <fqn> not found``), most specific first: the
  first one present gives the FQN prefix (``setFullyQualifiedName``) and the parent in the
  tree (the CONTAINS relationship deletion follows);
- ``lists``: request fields holding FQNs of other entities (a dashboard's ``charts``);
- ``inherit``: references copied from the parent (a table's ``service``, ``database``...);
- ``nested``: lists of named items whose FQNs hang under the entity (columns, tasks...);
- ``column_rules``: the column lists ``DatabaseUtil.validateColumns`` checks;
- ``on_request``: fields the server returns only when ``fields=`` asks for them (what
  the repository's ``clearFields``/``setFields`` fill), besides ``COMMON_ON_REQUEST``.

Sources: each type's ``<Type>Repository`` (``prepare``, ``setFullyQualifiedName``,
``clearFields``, ``setFields``) in ``openmetadata-service/.../jdbi3/``, and
``DatabaseUtil`` for columns. Only the kinds both the installed client and the release
the stand-in reports have are served: drive arrived in 1.9.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from local_harness.release import Release

ALL = "all"  # a soft-deleted target is accepted (Include.ALL)
NON_DELETED = "non-deleted"  # a soft-deleted target is "not found" (Include.NON_DELETED)

# Fields every repository fills only on request (EntityRepository.setFieldsInternal).
COMMON_ON_REQUEST = frozenset(
    {
        "owners",
        "followers",
        "tags",
        "extension",
        "domain",
        "domains",
        "dataProducts",
        "votes",
        "lifeCycle",
        "certification",
        "experts",
        "reviewers",
        "children",
        "usageSummary",
        "sourceHash",
    }
)


@dataclass(frozen=True)
class Link:
    """A request field pointing at another entity.

    ``targets``: the kinds it may name; ``include``: how the repository resolves it
    (``ALL`` accepts a soft-deleted target); ``entity_field``: where the reference goes on
    the entity (default: the same name); ``by_reference``: the request carries an
    EntityReference (``{"id", "type"}``) instead of an FQN.
    """

    field: str
    targets: tuple[str, ...]
    include: str = ALL
    entity_field: str | None = None
    by_reference: bool = False

    @property
    def target_field(self) -> str:
        return self.entity_field or self.field


@dataclass(frozen=True)
class Kind:
    """An entity type the stand-in serves (see the module docstring for each field)."""

    name: str  # entity class name, e.g. "Table"
    entity_type: str  # the server's type string, e.g. "table"
    entity_module: str
    create_module: str
    links: tuple[Link, ...] = ()
    lists: tuple[Link, ...] = ()
    inherit: tuple[str, ...] = ()
    fqn_infix: str | None = None  # a fixed segment between parent and name ("model")
    nested: tuple[str, ...] = ()
    column_rules: tuple[str, ...] = ()
    on_request: frozenset[str] = frozenset()
    quote_fqn: bool = False  # lookups by name quote the name first (services, users)
    since: tuple[int, int] = (1, 5)

    @cached_property
    def entity_class(self) -> type[Any]:
        return _class(f"metadata.generated.schema.entity.{self.entity_module}", self.name)

    @cached_property
    def create_class(self) -> type[Any]:
        return _class(
            f"metadata.generated.schema.api.{self.create_module}", f"Create{self.name}Request"
        )

    @cached_property
    def collection(self) -> str:
        """The path of its collection under ``/api/v1``, as the client routes it."""
        from metadata.ingestion.ometa.ometa_api import OpenMetadata

        return str(OpenMetadata.get_suffix(self.entity_class))

    @cached_property
    def fields(self) -> frozenset[str]:
        """Every field of the entity (the server's allowed ``fields=`` values)."""
        return frozenset(
            field.alias or name for name, field in self.entity_class.model_fields.items()
        )

    def returned_only_on_request(self, field: str) -> bool:
        return field in COMMON_ON_REQUEST or field in self.on_request


def _class(module: str, name: str) -> type[Any]:
    return getattr(importlib.import_module(module), name)


def _service(name: str, folder: str, type_name: str, since: tuple[int, int] = (1, 5)) -> Kind:
    return Kind(
        f"{name}Service",
        type_name,
        f"services.{folder}Service",
        f"services.create{name}Service",
        on_request=frozenset({"pipelines", "testConnectionResult", "ingestionRunner"}),
        quote_fqn=True,
        since=since,
    )


def _link(field: str, *targets: str, include: str = ALL, **options: Any) -> Link:
    return Link(field, targets, include, **options)


DATABASE_CHILD = ("service", "serviceType", "database", "databaseSchema")
DASHBOARD_ON_REQUEST = frozenset({"charts", "dataModels"})

KINDS: tuple[Kind, ...] = (
    _service("Database", "database", "databaseService"),
    Kind(
        "Database",
        "database",
        "data.database",
        "data.createDatabase",
        (_link("service", "DatabaseService", include=NON_DELETED),),
        inherit=("serviceType",),
        on_request=frozenset({"databaseSchemas", "location", "databaseProfilerConfig"}),
    ),
    Kind(
        "DatabaseSchema",
        "databaseSchema",
        "data.databaseSchema",
        "data.createDatabaseSchema",
        (_link("database", "Database"),),
        inherit=DATABASE_CHILD,
        on_request=frozenset({"tables", "databaseSchemaProfilerConfig"}),
    ),
    Kind(
        "Table",
        "table",
        "data.table",
        "data.createTable",
        (_link("databaseSchema", "DatabaseSchema"),),
        inherit=DATABASE_CHILD,
        nested=("columns",),
        column_rules=("columns",),
        on_request=frozenset(
            {
                "sampleData",
                "joins",
                "customMetrics",
                "testSuite",
                "profile",
                "tableProfilerConfig",
                "dataModel",
                "location",
                "queries",
            }
        ),
    ),
    Kind(
        "StoredProcedure",
        "storedProcedure",
        "data.storedProcedure",
        "data.createStoredProcedure",
        (_link("databaseSchema", "DatabaseSchema"),),
        inherit=DATABASE_CHILD,
    ),
    Kind(
        "Query",
        "query",
        "data.query",
        "data.createQuery",
        (_link("service", "DatabaseService"),),
        inherit=("serviceType",),
        on_request=frozenset({"queryUsedIn", "users", "usedBy"}),
    ),
    _service("Dashboard", "dashboard", "dashboardService"),
    Kind(
        "Chart",
        "chart",
        "data.chart",
        "data.createChart",
        (_link("service", "DashboardService"),),
        lists=(_link("dashboards", "Dashboard", include=NON_DELETED),),
        inherit=("serviceType",),
        on_request=frozenset({"dashboards"}),
    ),
    Kind(
        "DashboardDataModel",
        "dashboardDataModel",
        "data.dashboardDataModel",
        "data.createDashboardDataModel",
        (_link("service", "DashboardService"),),
        inherit=("serviceType",),
        fqn_infix="model",
        nested=("columns",),
        column_rules=("columns",),
    ),
    Kind(
        "Dashboard",
        "dashboard",
        "data.dashboard",
        "data.createDashboard",
        (_link("service", "DashboardService", include=NON_DELETED),),
        lists=(
            _link("charts", "Chart", include=NON_DELETED),
            _link("dataModels", "DashboardDataModel", include=NON_DELETED),
        ),
        inherit=("serviceType",),
        on_request=DASHBOARD_ON_REQUEST,
    ),
    _service("Pipeline", "pipeline", "pipelineService"),
    Kind(
        "Pipeline",
        "pipeline",
        "data.pipeline",
        "data.createPipeline",
        (_link("service", "PipelineService", include=NON_DELETED),),
        inherit=("serviceType",),
        nested=("tasks",),
        on_request=frozenset({"tasks", "pipelineStatus"}),
    ),
    _service("Messaging", "messaging", "messagingService"),
    Kind(
        "Topic",
        "topic",
        "data.topic",
        "data.createTopic",
        (_link("service", "MessagingService"),),
        inherit=("serviceType",),
        nested=("messageSchema.schemaFields",),
        on_request=frozenset({"sampleData"}),
    ),
    _service("MlModel", "mlmodel", "mlmodelService"),
    Kind(
        "MlModel",
        "mlmodel",
        "data.mlmodel",
        "data.createMlModel",
        (_link("service", "MlModelService"),),
        inherit=("serviceType",),
        nested=("mlFeatures",),
    ),
    _service("Storage", "storage", "storageService"),
    Kind(
        "Container",
        "container",
        "data.container",
        "data.createContainer",
        (
            _link("parent", "Container", by_reference=True),
            _link("service", "StorageService", include=NON_DELETED),
        ),
        inherit=("serviceType",),
        nested=("dataModel.columns",),
        column_rules=("dataModel.columns",),
        on_request=frozenset({"dataModel", "sampleData"}),
    ),
    _service("Search", "search", "searchService"),
    Kind(
        "SearchIndex",
        "searchIndex",
        "data.searchIndex",
        "data.createSearchIndex",
        (_link("service", "SearchService"),),
        inherit=("serviceType",),
        nested=("fields",),
        on_request=frozenset({"sampleData"}),
    ),
    _service("Drive", "drive", "driveService", since=(1, 9)),
    Kind(
        "Directory",
        "directory",
        "data.directory",
        "data.createDirectory",
        (
            _link("parent", "Directory", include=NON_DELETED),
            _link("service", "DriveService", include=NON_DELETED),
        ),
        inherit=("serviceType",),
        since=(1, 9),
    ),
    Kind(
        "File",
        "file",
        "data.file",
        "data.createFile",
        (
            _link("directory", "Directory", include=NON_DELETED),
            _link("service", "DriveService", include=NON_DELETED),
        ),
        inherit=("serviceType",),
        nested=("columns",),
        on_request=frozenset({"columns", "sampleData"}),
        since=(1, 9),
    ),
    Kind(
        "Spreadsheet",
        "spreadsheet",
        "data.spreadsheet",
        "data.createSpreadsheet",
        (
            _link(
                "parent",
                "Directory",
                include=NON_DELETED,
                entity_field="directory",
                by_reference=True,
            ),
            _link("service", "DriveService", include=NON_DELETED),
        ),
        inherit=("serviceType",),
        on_request=frozenset({"worksheets"}),
        since=(1, 9),
    ),
    Kind(
        "Worksheet",
        "worksheet",
        "data.worksheet",
        "data.createWorksheet",
        (
            _link("spreadsheet", "Spreadsheet", include=NON_DELETED),
            _link("service", "DriveService", include=NON_DELETED),
        ),
        inherit=("service", "serviceType"),
        nested=("columns",),
        on_request=frozenset({"columns", "sampleData"}),
        since=(1, 9),
    ),
    Kind(
        "Classification",
        "classification",
        "classification.classification",
        "classification.createClassification",
        on_request=frozenset({"usageCount", "termCount"}),
    ),
    Kind(
        "Tag",
        "tag",
        "classification.tag",
        "classification.createTag",
        (
            _link("parent", "Tag", include=NON_DELETED),
            _link("classification", "Classification", include=NON_DELETED),
        ),
        on_request=frozenset({"usageCount"}),
    ),
    Kind(
        "User",
        "user",
        "teams.user",
        "teams.createUser",
        on_request=frozenset(
            {"teams", "roles", "owns", "follows", "personas", "inheritedRoles", "defaultPersona"}
        ),
        quote_fqn=True,
    ),
    Kind(
        "Team",
        "team",
        "teams.team",
        "teams.createTeam",
        on_request=frozenset(
            {
                "users",
                "owns",
                "parents",
                "defaultRoles",
                "policies",
                "userCount",
                "childrenCount",
            }
        ),
        quote_fqn=True,
    ),
)


def available_kinds(release: Release) -> dict[str, Kind]:
    """The kinds the installed client and ``release`` both have, by entity class name."""
    kinds = {}
    for kind in KINDS:
        if not release.at_least(*kind.since):
            continue
        try:
            kind.entity_class  # noqa: B018 - importing is the check
            kind.create_class  # noqa: B018
        except (ImportError, AttributeError):
            continue
        kinds[kind.name] = kind
    return kinds


def reference_to(kind: Kind, entity: dict[str, Any]) -> dict[str, Any]:
    """The EntityReference of a stored entity (``EntityInterface.getEntityReference``)."""
    reference = {
        "id": entity["id"],
        "type": kind.entity_type,
        "name": entity["name"],
        "fullyQualifiedName": entity["fullyQualifiedName"],
        "deleted": bool(entity.get("deleted", False)),
    }
    for optional in ("displayName", "description"):
        if entity.get(optional):
            reference[optional] = entity[optional]
    return reference
