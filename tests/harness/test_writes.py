"""Create and update as the server's ``EntityRepository`` does: status, change type and
version; what a bot's PUT keeps; tags added, never removed; the 2.0 bulk API."""

from __future__ import annotations

from typing import Any

from local_harness import StandIn
from local_harness.auth import local_token
from metadata.generated.schema.type.bulkOperationResult import BulkOperationResult

from support import MODERN, Http

SERVICE = {"name": "svc", "serviceType": "CustomDatabase"}
PII = {"source": "Classification", "labelType": "Manual", "state": "Confirmed"}


def schema(http: Http) -> None:
    http.call("PUT", "/services/databaseServices", SERVICE)
    http.call("PUT", "/databases", {"name": "db", "service": "svc"})
    http.call("PUT", "/databaseSchemas", {"name": "s", "database": "svc.db"})


def table(**fields: Any) -> dict[str, Any]:
    columns = fields.pop("columns", [{"name": "c", "dataType": "INT"}])
    return {"name": "t", "databaseSchema": "svc.db.s", "columns": columns, **fields}


def test_a_create_answers_201_and_an_update_200_with_the_change(http: Http) -> None:
    schema(http)
    status, created, headers = http.call("PUT", "/tables", table(displayName="T"))
    assert (status, headers["X-OpenMetadata-Change"], created["version"]) == (
        201,
        "entityCreated",
        0.1,
    )
    assert created["href"].endswith(f"/v1/tables/{created['id']}")
    assert created["updatedBy"] == "ingestion-bot"

    status, same, headers = http.call("PUT", "/tables", table(displayName="T"))
    assert (status, headers["X-OpenMetadata-Change"], same["version"]) == (
        200,
        "entityNoChange",
        0.1,
    )

    status, changed, headers = http.call("PUT", "/tables", table(displayName="T2"))
    assert (status, headers["X-OpenMetadata-Change"], changed["version"]) == (
        200,
        "entityUpdated",
        0.2,
    )
    assert changed["id"] == created["id"]


def test_a_second_change_by_the_same_user_soon_after_is_consolidated_in_1_5(http: Http) -> None:
    """EntityUpdater's change consolidation: 1.5 folds it into the version; 2.0 does not."""
    schema(http)
    http.call("PUT", "/tables", table())
    http.call("PUT", "/tables", table(displayName="one"))
    _, again, _ = http.call("PUT", "/tables", table(displayName="two"))
    assert again["version"] == (0.3 if MODERN else 0.2)


def test_removing_a_column_is_a_major_change(http: Http) -> None:
    schema(http)
    http.call(
        "PUT",
        "/tables",
        table(columns=[{"name": "a", "dataType": "INT"}, {"name": "b", "dataType": "INT"}]),
    )
    _, changed, _ = http.call("PUT", "/tables", table(columns=[{"name": "a", "dataType": "INT"}]))
    assert changed["version"] == 1.1


def test_a_bot_keeps_descriptions_a_person_overwrites(stand_in: StandIn, http: Http) -> None:
    schema(http)
    http.call(
        "PUT",
        "/tables",
        table(
            description="curated", columns=[{"name": "c", "dataType": "INT", "description": "kept"}]
        ),
    )
    _, by_bot, _ = http.call(
        "PUT",
        "/tables",
        table(
            description="from source",
            columns=[{"name": "c", "dataType": "INT", "description": "new"}],
        ),
    )
    assert (by_bot["description"], by_bot["columns"][0]["description"]) == ("curated", "kept")

    person = Http(stand_in.api_url, local_token("admin"))
    _, by_admin, _ = person.call("PUT", "/tables", table(description="from source"))
    assert by_admin["description"] == "from source"


def test_a_put_adds_tags_keeps_owners_and_rechecks_exclusion(http: Http) -> None:
    schema(http)
    _, admin, _ = http.call("GET", "/users/name/admin")
    owner = [{"id": admin["id"], "type": "user"}]
    http.call("PUT", "/tables", table(tags=[{**PII, "tagFQN": "PII.Sensitive"}], owners=owner))
    _, updated, _ = http.call("PUT", "/tables", table(tags=[{**PII, "tagFQN": "Tier.Tier1"}]))
    assert [t["tagFQN"] for t in updated["tags"]] == ["PII.Sensitive", "Tier.Tier1"]
    assert [o["name"] for o in updated["owners"]] == ["admin"]

    status, body, _ = http.call(
        "PUT", "/tables", table(tags=[{**PII, "tagFQN": "PII.NonSensitive"}])
    )
    assert (status, body["message"]) == (
        400,
        "Tag labels PII.Sensitive and PII.NonSensitive are mutually exclusive and can't be "
        "assigned together",
    )


def test_a_put_answer_parses_into_the_client_s_entity_model(http: Http) -> None:
    from metadata.generated.schema.entity.data.table import Table

    schema(http)
    _, created, _ = http.call(
        "PUT",
        "/tables",
        table(
            columns=[
                {"name": "s", "dataType": "STRUCT", "children": [{"name": "x", "dataType": "INT"}]},
                {
                    "name": "v",
                    "dataType": "VARCHAR",
                    "dataLength": 8,
                    "dataTypeDisplay": "VARCHAR(8)",
                },
            ]
        ),
    )
    parsed = Table.model_validate(created)
    assert parsed.columns[0].children[0].fullyQualifiedName.root == "svc.db.s.t.s.x"
    assert created["columns"][1]["dataTypeDisplay"] == "varchar(8)"  # DatabaseUtil lower-cases it


def test_post_creates_and_refuses_a_second_time(http: Http) -> None:
    assert http.call("POST", "/services/databaseServices", SERVICE)[0] == 201
    assert http.call("POST", "/services/databaseServices", SERVICE)[:2] == (
        409,
        {"code": 409, "message": "Entity already exists"},
    )


def test_the_bulk_api_writes_each_request_on_its_own(http: Http) -> None:
    """2.0: ``PUT /<c>/bulk`` answers a BulkOperationResult; 1.5 has no bulk API (405)."""
    schema(http)
    good, bad = table(name="good"), table(name="bad", columns=[{"name": "c", "dataType": "CHAR"}])

    status, body, _ = http.call(
        "PUT", "/tables/bulk?async=false&overrideMetadata=false", [good, bad]
    )

    if not MODERN:
        assert (status, body["message"]) == (405, "HTTP 405 Method Not Allowed")
        return
    assert status == 200
    result = BulkOperationResult.model_validate(body)
    assert (result.numberOfRowsProcessed.root, result.numberOfRowsPassed.root) == (2, 1)
    assert result.status.value == "partialSuccess"
    assert [r.request for r in result.successRequest] == ["svc.db.s.good"]
    [failure] = result.failedRequest
    assert failure.request["name"] == "bad" and failure.status == 400
    assert failure.message.startswith("For column data types char")
