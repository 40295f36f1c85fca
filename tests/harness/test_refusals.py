"""The stand-in refuses what the real server refuses, with its status and message.

One row per rule: what to send, and the status and message the server answers (for
the release the stand-in plays; see local-harness/README.md for where each comes from).
Writes go through OpenMetadata's real client where it can send them (the client turns
the answer into an ``APIError``), the rest through raw HTTP.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from local_harness import StandIn
from metadata.generated.schema.api.data.createChart import CreateChartRequest
from metadata.generated.schema.api.data.createDashboard import CreateDashboardRequest
from metadata.generated.schema.api.data.createDashboardDataModel import (
    CreateDashboardDataModelRequest,
)
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createPipeline import CreatePipelineRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDashboardService import (
    CreateDashboardServiceRequest,
)
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.api.services.createPipelineService import (
    CreatePipelineServiceRequest,
)
from metadata.generated.schema.api.teams.createTeam import CreateTeamRequest
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.teams.team import Team
from metadata.ingestion.ometa.client import APIError
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from support import MODERN, Http

PII = {"source": "Classification", "labelType": "Manual", "state": "Confirmed"}


@dataclass
class Ctx:
    om: OpenMetadata
    http: Http
    stand_in: StandIn


def bean(violation: str) -> str:
    """A bean-validation message as the release words it (ConstraintViolationExceptionMapper)."""
    return f"[query param {violation}]" if MODERN else f"[{violation}]"


def schema(ctx: Ctx) -> None:
    """svc -> db -> s, through the client."""
    ctx.om.create_or_update(CreateDatabaseServiceRequest(name="svc", serviceType="CustomDatabase"))
    ctx.om.create_or_update(CreateDatabaseRequest(name="db", service="svc"))
    ctx.om.create_or_update(CreateDatabaseSchemaRequest(name="s", database="svc.db"))


def table(ctx: Ctx, *columns: dict[str, Any], **fields: Any) -> Any:
    schema(ctx)
    request = CreateTableRequest(
        name=fields.pop("name", "t"),
        databaseSchema=fields.pop("databaseSchema", "svc.db.s"),
        columns=list(columns) or [{"name": "c", "dataType": "INT"}],
        **fields,
    )
    return ctx.om.create_or_update(request)


def stored_table(ctx: Ctx) -> Table:
    created = table(ctx, {"name": "c", "dataType": "INT"})
    assert created is not None
    return created  # type: ignore[no-any-return]


def raw(method: str, path: str, body: Any = None) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        status, answer, _ = ctx.http.call(method, path, body)
        return status, answer

    return send


def group_team(ctx: Ctx, name: str, team_type: str = "Group") -> Team:
    team = ctx.om.create_or_update(CreateTeamRequest(name=name, teamType=team_type))
    assert team is not None
    return team  # type: ignore[no-any-return]


def owned_by(*owners: Callable[[Ctx], dict[str, Any]]) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        return table(ctx, owners=[owner(ctx) for owner in owners])

    return send


def team_owner(name: str, team_type: str = "Group") -> Callable[[Ctx], dict[str, Any]]:
    return lambda ctx: {"id": str(group_team(ctx, name, team_type).id.root), "type": "team"}


def admin_owner(ctx: Ctx) -> dict[str, Any]:
    admin = ctx.om.get_by_name(entity=_user(), fqn="admin")
    return {"id": str(admin.id.root), "type": "user"}


def _user() -> type[Any]:
    from metadata.generated.schema.entity.teams.user import User

    return User


def sample_data(columns: list[str], rows: list[list[Any]]) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        created = stored_table(ctx)
        status, answer, _ = ctx.http.call(
            "PUT", f"/tables/{created.id.root}/sampleData", {"columns": columns, "rows": rows}
        )
        return status, answer

    return send


def pipeline_status(task: str, pipeline: str = "psvc.etl") -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        ctx.om.create_or_update(
            CreatePipelineServiceRequest(name="psvc", serviceType="CustomPipeline")
        )
        ctx.om.create_or_update(
            CreatePipelineRequest(name="etl", service="psvc", tasks=[{"name": "extract"}])
        )
        status = {
            "timestamp": 1,
            "executionStatus": "Successful",
            "taskStatus": [{"name": task, "executionStatus": "Successful"}],
        }
        code, answer, _ = ctx.http.call("PUT", f"/pipelines/{pipeline}/status", status)
        return code, answer

    return send


def custom_property(
    property_type: str, config: Any = None, target: str = "table"
) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        _, entity_type, _ = ctx.http.call("GET", f"/metadata/types/name/{target}")
        _, prop_type, _ = ctx.http.call("GET", f"/metadata/types/name/{property_type}")
        body: dict[str, Any] = {
            "name": "size",
            "description": "d",
            "propertyType": {"id": prop_type["id"], "type": "type"},
        }
        if config is not None:
            body["customPropertyConfig"] = {"config": config}
        status, answer, _ = ctx.http.call("PUT", f"/metadata/types/{entity_type['id']}", body)
        return status, answer

    return send


def extension(property_type: str, value: Any, config: Any = None) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        status, answer = custom_property(property_type, config)(ctx)
        assert status == 200, answer
        return table(ctx, extension={"size": value})

    return send


def lineage_to_missing(ctx: Ctx) -> Any:
    created = stored_table(ctx)
    missing = str(uuid.uuid4())
    body = {
        "edge": {
            "fromEntity": {"id": str(created.id.root), "type": "table"},
            "toEntity": {"id": missing, "type": "table"},
        }
    }
    status, answer, _ = ctx.http.call("PUT", "/lineage", body)
    return status, answer, {"missing": missing}


def lineage_bad_column(ctx: Ctx) -> Any:
    first = stored_table(ctx)
    second = table(ctx, {"name": "c", "dataType": "INT"}, name="u")
    body = {
        "edge": {
            "fromEntity": {"id": str(first.id.root), "type": "table"},
            "toEntity": {"id": str(second.id.root), "type": "table"},
            "lineageDetails": {
                "columnsLineage": [{"fromColumns": ["svc.db.s.t.nope"], "toColumn": "svc.db.s.u.c"}]
            },
        }
    }
    status, answer, _ = ctx.http.call("PUT", "/lineage", body)
    return status, answer


def then(setup: Callable[[Ctx], Any], action: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
    def send(ctx: Ctx) -> Any:
        setup(ctx)
        return action(ctx)

    return send


def dashboard_with_missing_chart(ctx: Ctx) -> Any:
    ctx.om.create_or_update(
        CreateDashboardServiceRequest(name="dsvc", serviceType="CustomDashboard")
    )
    ctx.om.create_or_update(CreateChartRequest(name="c1", service="dsvc"))
    return ctx.om.create_or_update(
        CreateDashboardRequest(name="d", service="dsvc", charts=["dsvc.c1", "dsvc.nope"])
    )


def data_model_column(ctx: Ctx) -> Any:
    ctx.om.create_or_update(
        CreateDashboardServiceRequest(name="dsvc", serviceType="CustomDashboard")
    )
    return ctx.om.create_or_update(
        CreateDashboardDataModelRequest(
            name="dm",
            service="dsvc",
            dataModelType="SupersetDataModel",
            columns=[{"name": "c", "dataType": "CHAR"}],
        )
    )


@dataclass(frozen=True)
class Refusal:
    rule: str
    send: Callable[[Ctx], Any]
    status: int
    message: str | Callable[[Any], str]


LENGTH = "For column data types char, varchar, binary, varbinary dataLength must not be null"
ME = (
    "Tag labels PII.Sensitive and PII.NonSensitive are mutually exclusive "
    "and can't be assigned together"
)
REFUSALS = [
    Refusal(
        "a table under a schema that does not exist",
        lambda ctx: table(ctx, databaseSchema="svc.db.nope"),
        404,
        "databaseSchema instance for svc.db.nope not found",
    ),
    Refusal(
        "a database of a service that does not exist",
        lambda ctx: ctx.om.create_or_update(CreateDatabaseRequest(name="db", service="nosvc")),
        404,
        "databaseService instance for nosvc not found",
    ),
    Refusal(
        "a varchar without length",
        lambda ctx: table(ctx, {"name": "c", "dataType": "VARCHAR"}),
        400,
        LENGTH,
    ),
    Refusal(
        "an array without its item type",
        lambda ctx: table(ctx, {"name": "c", "dataType": "ARRAY"}),
        400,
        "For column data type array, arrayDataType must not be null",
    ),
    Refusal(
        "a struct without children",
        lambda ctx: table(ctx, {"name": "c", "dataType": "STRUCT"}),
        400,
        "For column data type struct, children must not be null",
    ),
    Refusal(
        "a scale without precision",
        lambda ctx: table(ctx, {"name": "c", "dataType": "DECIMAL", "scale": 2}),
        400,
        "Scale is set but precision is not set for the column c",
    ),
    Refusal(
        "a scale above the precision",
        lambda ctx: table(ctx, {"name": "c", "dataType": "DECIMAL", "precision": 2, "scale": 4}),
        400,
        "Scale can't be greater than the precision for the column c",
    ),
    Refusal(
        "two columns of one name",
        lambda ctx: table(ctx, {"name": "c", "dataType": "INT"}, {"name": "c", "dataType": "INT"}),
        400,
        "Column name c is repeated",
    ),
    Refusal(
        "two struct children of one name",
        lambda ctx: table(
            ctx,
            {
                "name": "c",
                "dataType": "STRUCT",
                "children": [{"name": "x", "dataType": "INT"}, {"name": "x", "dataType": "INT"}],
            },
        ),
        400,
        "Column name x is repeated",
    ),
    Refusal(
        "two primary-key columns",
        lambda ctx: table(
            ctx,
            {"name": "a", "dataType": "INT", "constraint": "PRIMARY_KEY"},
            {"name": "b", "dataType": "INT", "constraint": "PRIMARY_KEY"},
        ),
        400,
        "Multiple columns tagged with primary key constraints",
    ),
    Refusal(
        "a primary-key column and a primary-key table constraint",
        lambda ctx: table(
            ctx,
            {"name": "a", "dataType": "INT", "constraint": "PRIMARY_KEY"},
            tableConstraints=[{"constraintType": "PRIMARY_KEY", "columns": ["a"]}],
        ),
        400,
        "A column already tagged as a primary key and table constraint also includes primary key",
    ),
    Refusal(
        "a table constraint on a column the table lacks",
        lambda ctx: table(ctx, tableConstraints=[{"constraintType": "UNIQUE", "columns": ["x"]}]),
        400,
        "Invalid column name found in table constraint",
    ),
    Refusal(
        "a partition on a column the table lacks",
        lambda ctx: table(
            ctx, tablePartition={"columns": [{"columnName": "x", "intervalType": "TIME-UNIT"}]}
        ),
        400,
        "Invalid column name found in table partition",
    ),
    Refusal(
        "a tag that does not exist",
        lambda ctx: table(ctx, tags=[{**PII, "tagFQN": "PII.Nope"}]),
        404,
        "tag instance for PII.Nope not found",
    ),
    Refusal(
        "a column tag that does not exist",
        lambda ctx: table(
            ctx, {"name": "c", "dataType": "INT", "tags": [{**PII, "tagFQN": "X.y"}]}
        ),
        404,
        "tag instance for X.y not found",
    ),
    Refusal(
        "a glossary term (the stand-in has no glossaries)",
        lambda ctx: table(ctx, tags=[{**PII, "tagFQN": "G.term", "source": "Glossary"}]),
        404,
        "glossaryTerm instance for G.term not found",
    ),
    Refusal(
        "two tags of a mutually exclusive classification",
        lambda ctx: table(
            ctx, tags=[{**PII, "tagFQN": "PII.Sensitive"}, {**PII, "tagFQN": "PII.NonSensitive"}]
        ),
        400,
        ME,
    ),
    Refusal(
        "two mutually exclusive tags on a column",
        lambda ctx: table(
            ctx,
            {
                "name": "c",
                "dataType": "INT",
                "tags": [{**PII, "tagFQN": "PII.NonSensitive"}, {**PII, "tagFQN": "PII.Sensitive"}],
            },
        ),
        400,
        ME,
    ),
    Refusal(
        "an owner that does not exist",
        lambda ctx: table(
            ctx, owners=[{"id": "8f6c2b7e-0000-4000-8000-000000000001", "type": "user"}]
        ),
        404,
        "user instance for 8f6c2b7e-0000-4000-8000-000000000001 not found",
    ),
    Refusal(
        "an owning team that does not exist",
        lambda ctx: table(
            ctx, owners=[{"id": "8f6c2b7e-0000-4000-8000-000000000002", "type": "team"}]
        ),
        404,
        "team instance for 8f6c2b7e-0000-4000-8000-000000000002 not found",
    ),
    Refusal(
        "an owning team that is not a Group",
        owned_by(team_owner("sales", "Department")),
        400,
        "Team of type Department can't own entities. Only Team of type Group can own entities.",
    ),
    Refusal(
        "an owner of another type",
        lambda ctx: table(
            ctx, owners=[{"id": "8f6c2b7e-0000-4000-8000-000000000003", "type": "table"}]
        ),
        400,
        "Entity of type table can't be the owner. "
        "Only Team of type Group or a User can own entities.",
    ),
    Refusal(
        "a name holding '::' (the 2.0 client rewrites such names before sending them)",
        then(
            schema,
            raw("PUT", "/tables", {"name": "a::b", "databaseSchema": "svc.db.s", "columns": []}),
        ),
        400,
        bean('name must match "^((?!::).)*$"'),
    ),
    Refusal(
        "a name holding a quote",
        then(
            schema,
            raw("PUT", "/tables", {"name": 'a"b', "databaseSchema": "svc.db.s", "columns": []}),
        ),
        400,
        'Invalid name a"b',
    ),
    Refusal(
        "a request without a required field",
        raw("PUT", "/tables", {"databaseSchema": "svc.db.s", "columns": []}),
        400,
        bean("name must not be null"),
    ),
    Refusal(
        "a name longer than 256 characters",
        raw("PUT", "/tables", {"name": "x" * 257, "databaseSchema": "svc.db.s", "columns": []}),
        400,
        bean("name size must be between 1 and 256"),
    ),
    Refusal(
        "a field the request does not have",
        raw(
            "PUT", "/tables", {"name": "t", "databaseSchema": "svc.db.s", "columns": [], "bogus": 1}
        ),
        400,
        "Invalid request format"
        if MODERN
        else 'Unrecognized field "bogus" (class org.openmetadata.schema.api.data.CreateTable), '
        "not marked as ignorable",
    ),
    Refusal(
        "a domain that does not exist",
        lambda ctx: table(ctx, **({"domains": ["Sales"]} if MODERN else {"domain": "Sales"})),
        404,
        "domain instance for Sales not found",
    ),
    Refusal(
        "data products without a domain",
        lambda ctx: table(ctx, dataProducts=["p"]),
        400,
        "Domain cannot be empty when data products are provided.",
    ),
    Refusal(
        "sample data of a column the table lacks",
        sample_data(["nope"], [[1]]),
        400,
        "Invalid column name nope",
    ),
    Refusal(
        "a sample row longer than its columns",
        sample_data(["c"], [[1, 2]]),
        400,
        "Number of columns is 1 but row has 2 sample values",
    ),
    Refusal(
        "a pipeline status of a task the pipeline lacks",
        pipeline_status("nope"),
        400,
        "Invalid task name nope",
    ),
    Refusal(
        "a pipeline status of a pipeline that does not exist",
        pipeline_status("extract", "psvc.nope"),
        404,
        "pipeline instance for psvc.nope not found",
    ),
    Refusal(
        "pipeline statuses without startTs",
        raw("GET", "/pipelines/psvc.etl/status?endTs=1"),
        400,
        bean("startTs must not be null"),
    ),
    Refusal(
        "an extension with a property the type lacks",
        lambda ctx: table(ctx, extension={"nope": 1}),
        400,
        "Unknown custom field nope",
    ),
    Refusal(
        "an extension value of the wrong type",
        extension("integer", "big"),
        400,
        "Custom field size has invalid JSON [$: string found, integer expected]",
    ),
    Refusal(
        "two values of a single-select enum",
        extension("enum", ["a", "b"], {"values": ["a", "b"], "multiSelect": False}),
        400,
        "Only one value allowed for non-multiSelect size property",
    ),
    Refusal(
        "an enum value the property lacks",
        extension("enum", ["z"], {"values": ["a", "b"], "multiSelect": False}),
        400,
        "Values '[z]' not supported for property size",
    ),
    Refusal(
        "an enum property without values",
        custom_property("enum"),
        400,
        "Enum Custom Property Type must have EnumConfig.",
    ),
    Refusal(
        "an enum property with duplicate values",
        custom_property("enum", {"values": ["a", "a"]}),
        400,
        "Enum Custom Property values cannot have duplicates.",
    ),
    Refusal(
        "a property on a field type",
        custom_property("integer", target="string"),
        400,
        "Only entity types can be extended and field types can't be extended",
    ),
    Refusal(
        "lineage to an entity that does not exist",
        lineage_to_missing,
        404,
        lambda extra: f"table instance for {extra['missing']} not found",
    ),
    Refusal(
        "column lineage from a column the table lacks",
        lineage_bad_column,
        400,
        "Invalid fully qualified column name svc.db.s.t.nope",
    ),
    Refusal(
        "a lineage depth above 3",
        then(stored_table, raw("GET", "/lineage/table/name/svc.db.s.t?upstreamDepth=4")),
        400,
        "[query param upstreamDepth must be less than or equal to 3]",
    ),
    Refusal(
        "a dashboard with a chart that does not exist",
        dashboard_with_missing_chart,
        404,
        "chart instance for dsvc.nope not found",
    ),
    Refusal("a data model column without length", data_model_column, 400, LENGTH),
    Refusal(
        "deleting a schema that still has tables",
        lambda ctx: (
            ctx.http.call("DELETE", "/databaseSchemas/name/svc.db.s?hardDelete=false", None)[:2]
            if stored_table(ctx)
            else None
        ),
        400,
        "databaseSchema is not empty",
    ),
    Refusal(
        "deleting a system classification",
        lambda ctx: ctx.http.call("DELETE", "/classifications/name/PII?recursive=true")[:2],
        400,
        "System entity [PII] of type classification can not be deleted.",
    ),
    Refusal(
        "a negative limit",
        raw("GET", "/tables?limit=-1"),
        400,
        "[query param limit must be greater than or equal to 0]",
    ),
    Refusal(
        "a limit above 1000000",
        raw("GET", "/tables?limit=1000001"),
        400,
        "[query param limit must be less than or equal to 1000000]",
    ),
    Refusal(
        "an include that does not exist",
        raw("GET", "/tables?include=some"),
        400,
        "query param include must be one of [all, deleted, non-deleted]",
    ),
    Refusal(
        "a field the entity does not have",
        raw("GET", "/tables?fields=columns,nope"),
        400,
        "Invalid field name nope",
    ),
    Refusal(
        "before and after together",
        raw("GET", "/tables?before=a&after=b"),
        400,
        "Only one of before or after query parameter allowed",
    ),
    Refusal("an id that is not a UUID", raw("GET", "/tables/not-an-id"), 404, "HTTP 404 Not Found"),
    Refusal(
        "POST of an entity that exists",
        lambda ctx: (
            ctx.om.create(CreateDatabaseServiceRequest(name="svc", serviceType="CustomDatabase"))
            if ctx.om.create_or_update(
                CreateDatabaseServiceRequest(name="svc", serviceType="CustomDatabase")
            )
            else None
        ),
        409,
        "Entity already exists",
    ),
]
if MODERN:
    REFUSALS += [
        Refusal(
            "two owning teams (the 2.0 rule engine)",
            owned_by(team_owner("a"), team_owner("b")),
            400,
            "Rule [Multiple Users or Single Team Ownership] validation failed: Entity does not "
            "satisfy the rule. Rule context: Validates that an entity has either multiple owners "
            "or a single team as the owner.",
        ),
        Refusal(
            "a team and a user as owners (the 2.0 rule engine)",
            owned_by(team_owner("a"), admin_owner),
            400,
            "Rule [Multiple Users or Single Team Ownership] validation failed: Entity does not "
            "satisfy the rule. Rule context: Validates that an entity has either multiple owners "
            "or a single team as the owner.",
        ),
        Refusal(
            "deleteStale with a scope type that does not exist",
            raw(
                "DELETE",
                "/tables/deleteStale",
                {"scopeFqn": "svc", "scopeEntityType": "nope", "seenFqns": ["svc.db.s.t"]},
            ),
            400,
            "Unsupported scopeEntityType 'nope' for deleteStale",
        ),
        Refusal(
            "more than 1000 pipeline statuses at once",
            raw("PUT", "/pipelines/psvc.etl/status/bulk", [{"timestamp": n} for n in range(1001)]),
            400,
            "Bulk pipeline status list cannot exceed 1000 items",
        ),
    ]
else:
    REFUSALS += [
        Refusal(
            "the bulk API (not in 1.5)",
            raw("PUT", "/tables/bulk", []),
            405,
            "HTTP 405 Method Not Allowed",
        ),
        Refusal(
            "deleteStale (not in 1.5: a delete by an id that is no UUID)",
            raw(
                "DELETE",
                "/tables/deleteStale",
                {"scopeFqn": "a", "scopeEntityType": "service", "seenFqns": []},
            ),
            404,
            "HTTP 404 Not Found",
        ),
    ]


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda refusal: refusal.rule)
def test_the_stand_in_refuses_what_the_server_refuses(
    refusal: Refusal, om: OpenMetadata, http: Http, stand_in: StandIn
) -> None:
    ctx = Ctx(om, http, stand_in)
    extra: Any = None
    try:
        outcome = refusal.send(ctx)
    except APIError as err:
        status, message = err.status_code, str(err)
    else:
        assert isinstance(outcome, tuple), f"accepted: {outcome!r}"
        status, body = outcome[0], outcome[1]
        extra = outcome[2] if len(outcome) > 2 else None
        message = body["message"] if isinstance(body, dict) else body
    expected = refusal.message(extra) if callable(refusal.message) else refusal.message
    assert (status, message) == (refusal.status, expected)


def test_an_error_body_is_the_server_s_envelope(http: Http) -> None:
    """``{"code", "message"}`` (and, for rule violations, ``errorType``): the client needs
    ``code`` to turn a 404 into None."""
    status, body, headers = http.call("GET", "/tables/name/nope")
    assert status == 404
    assert body == {"code": 404, "message": "table instance for nope not found"}
    assert headers["Content-Type"] == "application/json"


def test_a_patch_naming_another_version_is_refused_with_412_in_2_0(
    om: OpenMetadata, http: Http, stand_in: StandIn
) -> None:
    schema(Ctx(om, http, stand_in))
    _, database, headers = http.call("GET", "/databases/name/svc.db")
    patch = [{"op": "add", "path": "/description", "value": "x"}]
    status, body, _ = http.call(
        "PATCH",
        f"/databases/{database['id']}",
        patch,
        **{"If-Match": 'W/"9.9"', "Content-Type": "application/json-patch+json"},
    )
    if not MODERN:  # 1.5 has no ETags: the header is ignored
        assert (status, body["description"]) == (200, "x")
        return
    assert status == 412
    assert body["message"] == (
        f"The entity has been modified. Current ETag: {headers['ETag']}. "
        "Please refresh and retry with the latest version."
    )
