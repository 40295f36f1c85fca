"""Reads answer with the server's shapes: by name and id, ``fields``, ``include``, lists
with paging and parent filters, services with their connection."""

from __future__ import annotations

import pytest
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.database import Database
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.databaseService import DatabaseService
from metadata.generated.schema.entity.teams.user import User
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from support import Http, text

CONNECTION = {
    "config": {
        "type": "CustomDatabase",
        "sourcePythonClass": "my.module.MySource",
        "connectionOptions": {"token": "s3cr3t"},
    }
}
PII = {
    "tagFQN": "PII.Sensitive",
    "source": "Classification",
    "labelType": "Manual",
    "state": "Confirmed",
}


def two_schemas(om: OpenMetadata, tables: int = 3) -> None:
    """svc.db.{a,b}, each with ``tables`` tables t0.. (a table tagged, one owned)."""
    om.create_or_update(
        CreateDatabaseServiceRequest(
            name="svc", serviceType="CustomDatabase", connection=CONNECTION
        )
    )
    om.create_or_update(CreateDatabaseRequest(name="db", service="svc"))
    admin = om.get_by_name(User, "admin")
    assert admin is not None
    for schema in ("a", "b"):
        om.create_or_update(CreateDatabaseSchemaRequest(name=schema, database="svc.db"))
        for n in range(tables):
            om.create_or_update(
                CreateTableRequest(
                    name=f"t{n}",
                    databaseSchema=f"svc.db.{schema}",
                    columns=[{"name": "c", "dataType": "INT", "tags": [PII]}],
                    tags=[PII],
                    owners=[{"id": admin.id, "type": "user"}],
                )
            )


def test_a_service_read_by_name_carries_its_connection(om: OpenMetadata) -> None:
    """The workflow reads ``connection.config`` back when its config has none."""
    two_schemas(om, tables=0)
    service = om.get_by_name(DatabaseService, "svc")
    assert service is not None
    config = service.connection.config
    assert config.sourcePythonClass == "my.module.MySource"
    assert config.connectionOptions.root == {"token": "s3cr3t"}


def test_relationship_fields_come_only_when_asked_for(om: OpenMetadata, http: Http) -> None:
    two_schemas(om, tables=1)
    _, plain, _ = http.call("GET", "/tables/name/svc.db.a.t0")
    assert {"owners", "tags", "followers", "extension"}.isdisjoint(plain)
    assert "tags" not in plain["columns"][0]  # column tags follow fields=columns,tags
    assert plain["service"]["fullyQualifiedName"] == "svc"
    assert plain["databaseSchema"]["fullyQualifiedName"] == "svc.db.a"

    _, tagged, _ = http.call("GET", "/tables/name/svc.db.a.t0?fields=tags,owners")
    assert [t["tagFQN"] for t in tagged["tags"]] == ["PII.Sensitive"]
    assert [o["name"] for o in tagged["owners"]] == ["admin"]
    assert "tags" not in tagged["columns"][0]

    table = om.get_by_name(Table, "svc.db.a.t0", fields=["columns", "tags"])
    assert table is not None
    assert [t.tagFQN.root for t in table.columns[0].tags] == ["PII.Sensitive"]


def test_a_read_by_id_is_the_read_by_name(om: OpenMetadata) -> None:
    two_schemas(om, tables=1)
    by_name = om.get_by_name(Table, "svc.db.a.t0", fields=["*"])
    assert by_name is not None
    by_id = om.get_by_id(Table, by_name.id, fields=["*"])
    assert by_id == by_name


def test_listing_pages_through_everything_in_name_order(om: OpenMetadata, http: Http) -> None:
    two_schemas(om, tables=3)
    status, first, _ = http.call("GET", "/tables?limit=4")
    assert status == 200
    assert [t["name"] for t in first["data"]] == ["t0", "t0", "t1", "t1"]
    assert first["paging"]["total"] == 6
    assert "before" not in first["paging"]
    _, second, _ = http.call("GET", f"/tables?limit=4&after={first['paging']['after']}")
    assert [t["name"] for t in second["data"]] == ["t2", "t2"]
    assert "after" not in second["paging"] and "before" in second["paging"]
    _, back, _ = http.call("GET", f"/tables?limit=4&before={second['paging']['before']}")
    assert [t["fullyQualifiedName"] for t in back["data"]] == [
        t["fullyQualifiedName"] for t in first["data"]
    ]
    _, none, _ = http.call("GET", "/tables?limit=0")
    assert none == {"data": [], "paging": {"total": 6}}


def test_the_client_lists_all_entities_page_by_page(om: OpenMetadata) -> None:
    two_schemas(om, tables=3)
    tables = om.list_all_entities(Table, limit=2)
    assert sorted(str(t.fullyQualifiedName.root) for t in tables) == sorted(
        f"svc.db.{s}.t{n}" for s in "ab" for n in range(3)
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"databaseSchema": "svc.db.a"}, ["svc.db.a.t0", "svc.db.a.t1"]),
        # 1.5 lists a schema's tables with database=<schema FQN>: FQN-prefix semantics
        ({"database": "svc.db.b"}, ["svc.db.b.t0", "svc.db.b.t1"]),
        ({"database": "svc.db"}, [f"svc.db.{s}.t{n}" for s in "ab" for n in range(2)]),
        ({"service": "svc"}, [f"svc.db.{s}.t{n}" for s in "ab" for n in range(2)]),
        ({"databaseSchema": "svc.db.nope"}, []),
    ],
    ids=["schema", "database-as-schema", "database", "service", "unknown-parent"],
)
def test_parent_filters_keep_what_lies_under_the_parent(
    om: OpenMetadata, params: dict[str, str], expected: list[str]
) -> None:
    two_schemas(om, tables=2)
    listed = om.list_entities(Table, params=params, limit=100)
    assert sorted(text(t.fullyQualifiedName) or "" for t in listed.entities) == sorted(expected)
    assert listed.total == len(expected)


def test_a_dotted_service_name_is_quoted_in_fqns_and_lookups(om: OpenMetadata) -> None:
    om.create_or_update(
        CreateDatabaseServiceRequest(name="acme.prod", serviceType="CustomDatabase")
    )
    database = om.create_or_update(CreateDatabaseRequest(name="db", service='"acme.prod"'))
    assert database.fullyQualifiedName.root == '"acme.prod".db'
    assert om.get_by_name(DatabaseService, "acme.prod") is not None  # services quote the name
    listed = om.list_entities(Database, params={"service": "acme.prod"})
    assert [text(d.fullyQualifiedName) for d in listed.entities] == ['"acme.prod".db']


def test_unknown_fields_and_includes_are_refused_but_known_ones_pass(http: Http) -> None:
    assert http.call("GET", "/tables?fields=*")[0] == 200
    assert http.call("GET", "/tables?fields= owners , tags&include=all")[0] == 200
    assert http.call("GET", "/tables?fields=owners,nope")[0] == 400


def test_seeded_entities_are_there_for_a_connector_to_refer_to(
    om: OpenMetadata, http: Http
) -> None:
    bot = om.get_by_name(User, "ingestion-bot")
    assert bot is not None and bot.isBot
    _, organization, _ = http.call("GET", "/teams/name/Organization")
    assert organization["teamType"] == "Organization"
    _, tags, _ = http.call("GET", "/tags?parent=PII&limit=10")
    assert sorted(t["name"] for t in tags["data"]) == ["NonSensitive", "None", "Sensitive"]
    _, pii, _ = http.call("GET", "/classifications/name/PII")
    assert pii["mutuallyExclusive"] is True
    _, tiers, _ = http.call("GET", "/tags?parent=Tier")
    assert [t["name"] for t in tiers["data"]] == [f"Tier{n}" for n in range(1, 6)]


def test_a_list_answers_data_and_paging(om: OpenMetadata, http: Http) -> None:
    two_schemas(om, tables=1)
    _, answer, _ = http.call("GET", "/databaseSchemas")
    assert set(answer) == {"data", "paging"}
    assert answer["paging"] == {"total": 2}
    assert [DatabaseSchema.model_validate(item).name.root for item in answer["data"]] == ["a", "b"]
