{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom database connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. per database and schema the filters keep: the database, the schema, its tables and
   views (columns, key, tags, owners, custom properties) and stored procedures;
3. once all of them exist on the server: the lineage of views (``_lineage``);
4. the soft deletion of what the system no longer has (``mark_deleted``, per ``deletions``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from metadata.generated.schema.api.data.createCustomProperty import (
    CreateCustomPropertyRequest,
)
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createStoredProcedure import (
    CreateStoredProcedureRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.storedProcedure import (
    Language,
    StoredProcedure,
    StoredProcedureCode,
)
from metadata.generated.schema.entity.data.table import (
    Column,
    Constraint,
    ConstraintType,
    Table,
    TableConstraint,
    TableType,
)
from metadata.generated.schema.entity.services.connections.database.customDatabaseConnection import (
    CustomDatabaseConnection,
)
from metadata.generated.schema.entity.services.databaseService import (
    DatabaseConnection,
    DatabaseServiceType,
)
from metadata.generated.schema.metadataIngestion.databaseServiceMetadataPipeline import (
    DatabaseServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.entityLineage import EntitiesEdge, LineageDetails
from metadata.generated.schema.type.entityLineage import Source as LineageSource
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.models import Either
from metadata.ingestion.models.custom_properties import (
    CustomPropertyDataTypes,
    OMetaCustomProperties,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.database.column_type_parser import ColumnTypeParser

from .connection import get_connection, test_connection
from .models import (
    DATABASES,
    SCHEMAS,
    STORED_PROCEDURES,
    TABLES,
    RemoteColumn,
    RemoteDatabase,
    RemoteSchema,
    RemoteStoredProcedure,
    RemoteTable,
)
from .records import RecordError, entity_fqn, flush_sink, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""
CUSTOM_PROPERTIES = {"retention_days": (CustomPropertyDataTypes.INTEGER, "Days rows are kept.")}
"""Custom properties of tables: name -> (type, description); records set them in ``properties``."""
TYPE_SPELLINGS: dict[str, str] = {}
"""Column types your system spells in a way OpenMetadata's parser does not know, lowercase,
mapped to one it knows: ``{"string(max)": "varchar(max)"}``."""
LENGTH_TYPES = frozenset({"CHAR", "VARCHAR", "BINARY", "VARBINARY"})
DEFAULT_DATA_LENGTH = 1
"""dataLength of a char/varchar/binary/varbinary without one (or ``(max)``): the server
requires one, and this is the value OpenMetadata's own connectors send."""


class {{ cookiecutter.class_name }}(ConnectorSource[DatabaseServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom database service."""

    connection_class = CustomDatabaseConnection
    pipeline_model = DatabaseServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # Tables and stored procedures within each schema the run reads; schemas and databases
    # (OpenMetadata 1.8+) within each database, the service: the scopes of the built-ins.
    deletions = (
        ("markDeletedTables", True, Table),
        ("markDeletedStoredProcedures", True, StoredProcedure),
        ("markDeletedSchemas", False, DatabaseSchema),
        ("markDeletedDatabases", False, Database),
    )

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        self.views: list[tuple[str, str, RemoteTable]] = []  # (database, view FQN, view)

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        yield from self._custom_properties()
        for database in self.fetch(DATABASES):
            yield from guarded(database.name, self._database(database))
        yield from flush_sink("the entities exist before lineage and deletions")
        yield from self._lineage()
        yield from self.mark_deleted()

    # --- The service and what it declares -----------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateDatabaseServiceRequest(
                name=self.service_name,
                serviceType=DatabaseServiceType.CustomDatabase,
                connection=DatabaseConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    def _custom_properties(self) -> Iterator[Either]:
        """Declare the custom properties of tables (``includeCustomProperties``, 1.12+)."""
        if not self.settings.enabled("includeCustomProperties", False):
            return
        for name, (data_type, description) in CUSTOM_PROPERTIES.items():
            yield from guarded(
                f"custom property {name}", self._custom_property(name, data_type, description)
            )

    def _custom_property(
        self, name: str, data_type: CustomPropertyDataTypes, description: str
    ) -> Iterator[Either]:
        yield Either(
            right=OMetaCustomProperties(
                entity_type=Table,
                createCustomPropertyRequest=CreateCustomPropertyRequest(
                    name=name,
                    description=description,
                    propertyType=self.metadata.get_property_type_ref(data_type),
                ),
            )
        )

    # --- Databases, schemas, tables, stored procedures ----------------------------------

    def _database(self, database: RemoteDatabase) -> Iterator[Either]:
        database_fqn = entity_fqn(
            Database, service_name=self.service_name, database_name=database.name
        )
        if not self.settings.keep("databaseFilterPattern", database.name, database_fqn):
            return
        self.seen.add(Database, "service", self.service_name, database_fqn)
        self.seen.scope(DatabaseSchema, "database", database_fqn)
        yield from self.classification.tags(database.labels)
        yield Either(
            right=CreateDatabaseRequest(
                name=database.name,
                description=database.description,
                service=self.service_fqn,
                owners=self.owners.of(database.owner, database_fqn),
                tags=self.classification.labels_of(database.labels),
            )
        )
        for schema in self.fetch(SCHEMAS, database=database.name):
            yield from guarded(
                f"{database_fqn}.{schema.name}", self._schema(database, database_fqn, schema)
            )

    def _schema(
        self, database: RemoteDatabase, database_fqn: str, schema: RemoteSchema
    ) -> Iterator[Either]:
        schema_fqn = entity_fqn(
            DatabaseSchema,
            service_name=self.service_name,
            database_name=database.name,
            schema_name=schema.name,
        )
        if not self.settings.keep("schemaFilterPattern", schema.name, schema_fqn):
            return
        self.seen.add(DatabaseSchema, "database", database_fqn, schema_fqn)
        # Tables and stored procedures are compared within each schema the run reads.
        self.seen.scope(Table, "databaseSchema", schema_fqn)
        self.seen.scope(StoredProcedure, "databaseSchema", schema_fqn)
        yield from self.classification.tags(schema.labels)
        yield Either(
            right=CreateDatabaseSchemaRequest(
                name=schema.name,
                description=schema.description,
                database=database_fqn,
                owners=self.owners.of(schema.owner, schema_fqn),
                tags=self.classification.labels_of(schema.labels),
            )
        )
        parents = {"database": database.name, "schema": schema.name}
        for table in self.fetch(TABLES, **parents):
            yield from guarded(
                f"{schema_fqn}.{table.name}", self._table(database, schema, schema_fqn, table)
            )
        if self.settings.enabled("includeStoredProcedures", True):
            for procedure in self.fetch(STORED_PROCEDURES, **parents):
                yield from guarded(
                    f"{schema_fqn}.{procedure.name}",
                    self._stored_procedure(database, schema, schema_fqn, procedure),
                )

    def _table(
        self, database: RemoteDatabase, schema: RemoteSchema, schema_fqn: str, table: RemoteTable
    ) -> Iterator[Either]:
        table_fqn = self._table_fqn(database.name, schema.name, table.name)
        include = "includeViews" if table.kind == "view" else "includeTables"
        if not self.settings.enabled(include, True):
            self.status.filter(table_fqn, f"{include} is off")
            return
        if not self.settings.keep("tableFilterPattern", table.name, table_fqn):
            return
        self.seen.add(Table, "databaseSchema", schema_fqn, table_fqn)  # there, even if it fails
        request = self._table_request(schema_fqn, table_fqn, table)  # fails before any yield
        yield from self.classification.tags(
            [*table.labels, *(label for column in table.columns for label in column.labels)]
        )
        yield Either(right=request)
        if table.kind == "view" and table.upstream:
            self.views.append((database.name, table_fqn, table))

    def _table_request(
        self, schema_fqn: str, table_fqn: str, table: RemoteTable
    ) -> CreateTableRequest:
        names = [column.name for column in table.columns]
        if len(set(names)) != len(names):
            raise RecordError("a column name appears twice")
        missing = [name for name in table.primary_key if name not in names]
        if missing:
            raise RecordError(f"primary key names columns the table does not have: {missing}")
        single_key = table.primary_key[0] if len(table.primary_key) == 1 else None
        return CreateTableRequest(
            name=table.name,
            description=table.description,
            tableType=TableType.View if table.kind == "view" else TableType.Regular,
            columns=[self._column(column, column.name == single_key) for column in table.columns],
            tableConstraints=[
                TableConstraint(
                    constraintType=ConstraintType.PRIMARY_KEY, columns=list(table.primary_key)
                )
            ]
            if len(table.primary_key) > 1
            else None,
            schemaDefinition=table.view_definition,
            databaseSchema=schema_fqn,
            owners=self.owners.of(table.owner, table_fqn),
            tags=self.classification.labels_of(table.labels),
            extension=self._properties(table),
        )

    def _column(self, column: RemoteColumn, primary_key: bool = False) -> Column:
        """A column, its type mapped by OpenMetadata's own parser (``ColumnTypeParser``)."""
        constraint = (
            Constraint.PRIMARY_KEY
            if primary_key
            else None
            if column.nullable
            else Constraint.NOT_NULL
        )
        return Column(
            name=column.name,
            description=column.description,
            constraint=constraint,
            tags=self.classification.labels_of(column.labels),
            **column_type(column.type),
        )

    def _properties(self, table: RemoteTable) -> dict[str, Any] | None:
        if not table.properties or not self.settings.enabled("includeCustomProperties", False):
            return None
        unknown = sorted(set(table.properties) - set(CUSTOM_PROPERTIES))
        if unknown:
            raise RecordError(
                f"unknown custom properties {unknown}: declare them in CUSTOM_PROPERTIES"
            )
        return dict(table.properties)

    def _stored_procedure(
        self,
        database: RemoteDatabase,
        schema: RemoteSchema,
        schema_fqn: str,
        procedure: RemoteStoredProcedure,
    ) -> Iterator[Either]:
        procedure_fqn = entity_fqn(
            StoredProcedure,
            service_name=self.service_name,
            database_name=database.name,
            schema_name=schema.name,
            procedure_name=procedure.name,
        )
        if not self.settings.keep("storedProcedureFilterPattern", procedure.name, procedure_fqn):
            return
        self.seen.add(StoredProcedure, "databaseSchema", schema_fqn, procedure_fqn)
        yield from self.classification.tags(procedure.labels)
        yield Either(
            right=CreateStoredProcedureRequest(
                name=procedure.name,
                description=procedure.description,
                storedProcedureCode=StoredProcedureCode(
                    language=Language(procedure.language), code=procedure.code
                ),
                databaseSchema=schema_fqn,
                owners=self.owners.of(procedure.owner, procedure_fqn),
                tags=self.classification.labels_of(procedure.labels),
            )
        )

    def _table_fqn(self, database: str, schema: str, table: str) -> str:
        return entity_fqn(
            Table,
            service_name=self.service_name,
            database_name=database,
            schema_name=schema,
            table_name=table,
            skip_es_search=True,
        )

    # --- Lineage, once the tables exist on the server -----------------------------------

    def _lineage(self) -> Iterator[Either]:
        """Each view's lineage from the tables it reads (``upstream``: ``schema.table``)."""
        for database, view_fqn, view in self.views:
            for upstream in view.upstream:
                yield from guarded(view_fqn, self._edge(database, upstream, view_fqn, view))

    def _edge(
        self, database: str, upstream: str, view_fqn: str, view: RemoteTable
    ) -> Iterator[Either]:
        schema, _, table = upstream.rpartition(".")
        if not schema:
            raise RecordError(f"upstream {upstream!r} is not of the form schema.table")
        from_fqn = self._table_fqn(database, schema, table)
        source = self.metadata.get_by_name(entity=Table, fqn=from_fqn)
        target = self.metadata.get_by_name(entity=Table, fqn=view_fqn)
        if source is None or target is None:
            missing = from_fqn if source is None else view_fqn
            self.status.warning(
                view_fqn, f"no lineage from {from_fqn}: {missing} is not in OpenMetadata"
            )
            return
        yield Either(
            right=AddLineageRequest(
                edge=EntitiesEdge(
                    fromEntity=EntityReference(id=source.id, type="table"),
                    toEntity=EntityReference(id=target.id, type="table"),
                    lineageDetails=LineageDetails(
                        source=LineageSource.ViewLineage, sqlQuery=view.view_definition
                    ),
                )
            )
        )


def column_type(spelling: str) -> dict[str, Any]:
    """The ``Column`` fields of a type as your system spells it, by OpenMetadata's parser.

    ``ColumnTypeParser`` knows the spellings of the databases OpenMetadata supports
    (``varchar(max)``, ``character varying(64)``, ``decimal(10,2)``, ``array<int>``,
    ``struct<a:int>``...); what it does not know becomes ``UNKNOWN``, which the server
    accepts. What the server requires besides is added: a ``dataLength`` for character
    and binary types, an ``arrayDataType`` for arrays. The spelling is kept for display.
    """
    known = _normalized(TYPE_SPELLINGS.get(spelling.strip().lower(), spelling))
    parsed: Any
    if "<" in known:  # arrays, maps, structs, unions: the parser's nested grammar
        parsed = ColumnTypeParser._parse_datatype_string(known)
    else:
        parsed = ColumnTypeParser._parse_primitive_datatype_string(known)
    if not isinstance(parsed, dict):  # a union's members: the column itself is a UNION
        parsed = {"dataType": "UNION"}
    return {**_server_ready(parsed), "dataTypeDisplay": spelling}


def _normalized(spelling: str) -> str:
    """``DECIMAL( 10 , 2 )`` -> ``DECIMAL(10,2)``: the spacing the parser expects."""
    collapsed = " ".join(spelling.split())
    collapsed = re.sub(r"\s*\(\s*", "(", collapsed)
    collapsed = re.sub(r"\s*\)", ")", collapsed)
    return re.sub(r"\s*,\s*", ",", collapsed)


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
