"""What a fresh server holds: the users, team and classifications a connector may name,
and the types custom properties need; kept out of what a run "sent"."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from local_harness import StandIn
from local_harness.__main__ import main
from local_harness.report import entity_tree
from metadata.generated.schema.api.classification.createTag import CreateTagRequest
from metadata.generated.schema.api.data.createCustomProperty import CreateCustomPropertyRequest
from metadata.generated.schema.entity.data.table import Table
from metadata.ingestion.models.custom_properties import (
    CustomPropertyDataTypes,
    OMetaCustomProperties,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from support import MODERN, Http


def test_a_fresh_stand_in_has_seeds_but_nothing_sent(stand_in: StandIn) -> None:
    assert stand_in.store.entities() == []
    assert entity_tree(stand_in.store) == []
    seeded = {(r.kind.name, r.fqn) for r in stand_in.store.records(with_seeds=True)}
    assert {
        ("User", "admin"),
        ("User", "ingestion-bot"),
        ("Team", "Organization"),
        ("Classification", "PII"),
        ("Tag", "PII.Sensitive"),
        ("Tag", "Tier.Tier5"),
    } <= seeded


def test_a_tag_added_to_a_seeded_classification_is_shown_alone(
    om: OpenMetadata, stand_in: StandIn
) -> None:
    om.create_or_update(CreateTagRequest(classification="PII", name="Secret", description="s"))
    assert [(row.kind, row.fqn) for row in entity_tree(stand_in.store)] == [("Tag", "PII.Secret")]


def test_every_property_type_of_the_client_is_registered(om: OpenMetadata, http: Http) -> None:
    from metadata.generated.schema.entity.type import Type

    for data_type in CustomPropertyDataTypes:
        reference = om.get_property_type_ref(data_type)
        assert reference.root.type == "type"
    _, table_type, _ = http.call("GET", "/metadata/types/name/table?fields=customProperties")
    assert Type.model_validate(table_type).category.value == "entity"


@pytest.mark.parametrize(
    ("value", "accepted"),
    [("2024-01-15", True), ("15/01/2024", False)],
    ids=["in-format", "out-of-format"],
)
def test_a_date_property_value_follows_its_format(
    om: OpenMetadata, http: Http, value: str, accepted: bool
) -> None:
    date_type = "date-cp" if MODERN else "date"  # the client's CustomPropertyDataTypes.DATE
    assert CustomPropertyDataTypes.DATE.value == date_type
    om.create_or_update_custom_property(
        OMetaCustomProperties(
            entity_type=Table,
            createCustomPropertyRequest=CreateCustomPropertyRequest(
                name="since",
                description="d",
                propertyType=om.get_property_type_ref(CustomPropertyDataTypes.DATE),
                customPropertyConfig={"config": "yyyy-MM-dd"} if MODERN else None,
            ),
        )
    )
    for path, body in (
        ("/services/databaseServices", {"name": "svc", "serviceType": "CustomDatabase"}),
        ("/databases", {"name": "db", "service": "svc"}),
        ("/databaseSchemas", {"name": "s", "database": "svc.db"}),
    ):
        http.call("PUT", path, body)
    status, body, _ = http.call(
        "PUT",
        "/tables",
        {"name": "t", "databaseSchema": "svc.db.s", "columns": [], "extension": {"since": value}},
    )
    if accepted or not MODERN:  # 1.5's plain "date" type has no format to check
        assert (status, body["extension"]) == (201, {"since": value})
    else:
        assert (status, body["message"]) == (
            400,
            "Custom field since value is not as per defined format yyyy-MM-dd",
        )


def test_serve_prints_how_to_get_a_token(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    ready: dict[str, Any] = {}
    thread = threading.Thread(
        target=lambda: ready.setdefault("code", main(["serve", "--port", "0"], stop=stop))
    )
    thread.start()
    stop.set()
    thread.join(timeout=30)
    printed = capsys.readouterr().out
    assert ready["code"] == 0
    assert "export OPENMETADATA_JWT_TOKEN=" in printed
    assert "serving http://localhost:" in printed


EXISTING = {
    "DatabaseService": [{"name": "warehouse", "serviceType": "CustomDatabase"}],
    "Database": [{"name": "analytics", "service": "warehouse"}],
    "DatabaseSchema": [{"name": "sales", "database": "warehouse.analytics"}],
    "Table": [
        {
            "name": "orders",
            "databaseSchema": "warehouse.analytics.sales",
            "columns": [{"name": "id", "dataType": "INT"}],
        }
    ],
}


def test_existing_entities_are_held_from_the_start_and_not_shown_as_sent(tmp_path: Any) -> None:
    """``[tool.local-harness] existing-entities``: what the project's server already holds
    (the tables of another service a connector's lineage reads)."""
    existing = tmp_path / "existing_entities.json"
    existing.write_text(json.dumps(EXISTING), encoding="utf-8")

    with StandIn(existing=existing) as server:
        from support import client_for

        om = client_for(server)
        assert om.get_by_name(Table, "warehouse.analytics.sales.orders") is not None
        assert server.store.entities() == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[]", "expected a JSON object"),
        ('{"Nope": []}', "'Nope' is not an entity kind"),
        (
            '{"Table": [{"name": "t", "databaseSchema": "no.such.schema", "columns": []}]}',
            "Table 't'",
        ),
        ("{", "cannot read"),
    ],
)
def test_existing_entities_that_cannot_be_created_are_named(
    tmp_path: Any, content: str, problem: str
) -> None:
    existing = tmp_path / "existing_entities.json"
    existing.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=problem) as raised:
        StandIn(existing=existing)
    assert str(existing) in str(raised.value)
