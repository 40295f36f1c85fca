"""A small custom database source for the harness's run and report tests.

``connectionOptions``: ``tables`` (comma-separated names under ``db.s``; ``orders`` and
``revenue`` get columns, tags, an owner and lineage from orders to revenue).
After the tables it asks to delete the stale ones of its schema, as built-in sources do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.teams.user import User
from metadata.generated.schema.metadataIngestion.workflow import Source as WorkflowSource
from metadata.generated.schema.type.entityLineage import EntitiesEdge
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.delete import delete_entity_from_source
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.steps import Source
from metadata.ingestion.ometa.ometa_api import OpenMetadata

PII = {
    "tagFQN": "PII.Sensitive",
    "source": "Classification",
    "labelType": "Manual",
    "state": "Confirmed",
}


def barrier() -> Iterator[Either[Any]]:
    """A flush of the sink's buffer (2.0); 1.5 writes each record at once."""
    try:
        from metadata.ingestion.models.barrier import Barrier
    except ImportError:
        return
    yield Either(right=Barrier(reason="before lineage"))


class SampleSource(Source):
    """Yields a service, a database, a schema, its tables, lineage and deletions."""

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__()
        self.config = config
        self.metadata = metadata
        options = config.serviceConnection.root.config.connectionOptions.root
        self.tables = [name for name in options.get("tables", "").split(",") if name]

    @classmethod
    def create(
        cls, config_dict: dict[str, Any], metadata: OpenMetadata, pipeline_name: str | None = None
    ) -> SampleSource:
        return cls(WorkflowSource.model_validate(config_dict), metadata)

    def prepare(self) -> None:
        return None

    def test_connection(self) -> None:
        return None

    def close(self) -> None:
        return None

    def _iter(self) -> Iterator[Either[Any]]:
        service = self.config.serviceName
        yield Either(
            right=CreateDatabaseServiceRequest(
                name=service,
                serviceType="CustomDatabase",
                connection=self.config.serviceConnection.root,
            )
        )
        yield Either(right=CreateDatabaseRequest(name="db", service=service))
        yield Either(right=CreateDatabaseSchemaRequest(name="s", database=f"{service}.db"))
        admin = self.metadata.get_by_name(User, "admin")
        for name in self.tables:
            yield Either(right=self.table(f"{service}.db.s", name, admin))
        yield from barrier()
        if {"orders", "revenue"} <= set(self.tables):
            yield from self.lineage(f"{service}.db.s")
        seen = {f"{service}.db.s.{name}" for name in self.tables}
        yield from delete_entity_from_source(
            self.metadata, Table, seen, True, {"databaseSchema": f"{service}.db.s"}
        )

    @staticmethod
    def table(schema: str, name: str, owner: User | None) -> CreateTableRequest:
        return CreateTableRequest(
            name=name,
            databaseSchema=schema,
            columns=[
                {"name": "id", "dataType": "INT", "constraint": "PRIMARY_KEY"},
                {"name": "email", "dataType": "VARCHAR", "dataLength": 64, "tags": [PII]},
                {"name": "amount", "dataType": "DECIMAL", "precision": 10, "scale": 2},
            ],
            tags=[{**PII, "tagFQN": "Tier.Tier1"}] if name == "orders" else None,
            owners=[{"id": owner.id, "type": "user"}] if owner and name == "orders" else None,
        )

    def lineage(self, schema: str) -> Iterator[Either[Any]]:
        orders = self.metadata.get_by_name(Table, f"{schema}.orders")
        revenue = self.metadata.get_by_name(Table, f"{schema}.revenue")
        if orders is None or revenue is None:
            return
        yield Either(
            right=AddLineageRequest(
                edge=EntitiesEdge(
                    fromEntity=EntityReference(id=orders.id, type="table"),
                    toEntity=EntityReference(id=revenue.id, type="table"),
                )
            )
        )
