"""The stand-in refuses what the real OpenMetadata server refuses, with its messages."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.entity.data.table import Column, DataType, Table
from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult
from metadata.ingestion.ometa.client import APIError
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from om_local.stand_in import StandIn


def table(**column: Any) -> CreateTableRequest:
    return CreateTableRequest(
        name="t",
        databaseSchema="svc.db.schema",
        columns=[Column(name="c", **column)],
    )


def create_schema(om_client: OpenMetadata) -> None:
    """service -> database -> schema, through the real client."""
    from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
    from metadata.generated.schema.api.data.createDatabaseSchema import (
        CreateDatabaseSchemaRequest,
    )
    from metadata.generated.schema.api.services.createDatabaseService import (
        CreateDatabaseServiceRequest,
    )
    from metadata.generated.schema.entity.services.databaseService import (
        DatabaseServiceType,
    )

    om_client.create_or_update(
        CreateDatabaseServiceRequest(name="svc", serviceType=DatabaseServiceType.CustomDatabase)
    )
    om_client.create_or_update(CreateDatabaseRequest(name="db", service="svc"))
    om_client.create_or_update(CreateDatabaseSchemaRequest(name="schema", database="svc.db"))


def test_a_child_of_a_missing_parent_is_refused_with_404(om_client: OpenMetadata) -> None:
    with pytest.raises(APIError, match=r"databaseSchema instance for svc\.db\.schema not found"):
        om_client.create_or_update(table(dataType=DataType.INT))


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"dataType": DataType.VARCHAR}, "dataLength must not be null"),
        ({"dataType": DataType.CHAR}, "dataLength must not be null"),
        ({"dataType": DataType.ARRAY}, "arrayDataType must not be null"),
        ({"dataType": DataType.DECIMAL, "precision": 4, "scale": 6}, "scale must be between"),
    ],
)
def test_columns_the_server_refuses(
    om_client: OpenMetadata, column: dict[str, Any], message: str
) -> None:
    create_schema(om_client)
    with pytest.raises(APIError, match=message):
        om_client.create_or_update(table(**column))


def test_accepted_entities_come_back_by_name(om_client: OpenMetadata) -> None:
    create_schema(om_client)
    om_client.create_or_update(table(dataType=DataType.VARCHAR, dataLength=20))

    stored = om_client.get_by_name(Table, "svc.db.schema.t")

    assert stored is not None
    assert stored.fullyQualifiedName is not None
    assert stored.fullyQualifiedName.root == "svc.db.schema.t"
    assert om_client.get_by_name(Table, "svc.db.schema.missing") is None


def test_bulk_requests_succeed_or_fail_one_by_one(
    om_client: OpenMetadata, stand_in: StandIn
) -> None:
    create_schema(om_client)
    good = table(dataType=DataType.INT)
    bad = CreateTableRequest(
        name="no_length",
        databaseSchema="svc.db.schema",
        columns=[Column(name="c", dataType=DataType.VARCHAR)],
    )
    url = f"{stand_in.api_url}/v1{OpenMetadata.get_suffix(Table)}/bulk"
    body = [request.model_dump(mode="json", exclude_none=True) for request in (good, bad)]

    response = requests.put(url, json=body, timeout=10)

    assert response.status_code == 200
    result = BulkOperationResult.model_validate(response.json())
    assert result.numberOfRowsFailed is not None
    assert result.numberOfRowsFailed.root == 1
    assert result.failedRequest is not None
    assert [failure.request for failure in result.failedRequest] == ["no_length"]
    assert "dataLength must not be null" in (result.failedRequest[0].message or "")
