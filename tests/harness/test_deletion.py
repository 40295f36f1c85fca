"""Soft deletion (issue 15): what is deleted disappears from default reads, stays
readable with ``include``, comes back on a PUT or a restore, and each deletion is logged
once; a source's stale entities are deleted the way each release does it (2.0: the
server's ``deleteStale``; 1.5: listing and one DELETE each)."""

from __future__ import annotations

from typing import Any

import pytest
from local_harness import StandIn
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Table
from metadata.ingestion.api.delete import delete_entity_from_source
from metadata.ingestion.ometa.client import APIError
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.sink.metadata_rest import MetadataRestSink

from support import MODERN, Http, failures, text


def tables(om: OpenMetadata, *names: str, schema: str = "s") -> dict[str, Table]:
    om.create_or_update(CreateDatabaseServiceRequest(name="svc", serviceType="CustomDatabase"))
    om.create_or_update(CreateDatabaseRequest(name="db", service="svc"))
    om.create_or_update(CreateDatabaseSchemaRequest(name=schema, database="svc.db"))
    created = {}
    for name in names:
        created[name] = om.create_or_update(
            CreateTableRequest(
                name=name,
                databaseSchema=f"svc.db.{schema}",
                columns=[{"name": "c", "dataType": "INT"}],
            )
        )
    return created


def test_a_soft_deleted_table_leaves_default_reads_and_stays_with_include(
    om: OpenMetadata, http: Http, stand_in: StandIn
) -> None:
    table = tables(om, "t", "u")["t"]

    om.delete(Table, table.id, recursive=False, hard_delete=False)

    assert om.get_by_name(Table, "svc.db.s.t") is None
    assert om.get_by_id(Table, table.id) is None
    for include in ("all", "deleted"):
        status, found, _ = http.call("GET", f"/tables/name/svc.db.s.t?include={include}")
        assert (status, found["deleted"], found["version"]) == (200, True, 0.2)
    assert http.call("GET", "/tables/name/svc.db.s.u?include=deleted")[0] == 404
    listed = om.list_entities(Table, params={"databaseSchema": "svc.db.s"})
    assert [text(t.name) for t in listed.entities] == ["u"]
    _, deleted, _ = http.call("GET", "/tables?include=deleted")
    assert [t["name"] for t in deleted["data"]] == ["t"]
    _, everything, _ = http.call("GET", "/tables?include=all")
    assert everything["paging"]["total"] == 2
    assert stand_in.store.deletions() == ["svc.db.s.t"]
    kinds = {
        entity["fullyQualifiedName"]: entity["deleted"] for _, entity in stand_in.store.entities()
    }
    assert kinds["svc.db.s.t"] is True and kinds["svc.db.s.u"] is False


def test_a_delete_by_name_answers_the_deleted_entity(http: Http, om: OpenMetadata) -> None:
    tables(om, "t")
    status, answer, headers = http.call("DELETE", "/tables/name/svc.db.s.t?recursive=false")
    assert (status, answer["fullyQualifiedName"], answer["deleted"]) == (200, "svc.db.s.t", True)
    Table.model_validate(answer)
    assert http.call("GET", "/tables/name/svc.db.s.t")[0] == 404


def test_deleting_twice_logs_one_deletion(om: OpenMetadata, stand_in: StandIn, http: Http) -> None:
    table = tables(om, "t")["t"]
    for _ in range(2):
        status, answer, headers = http.call("DELETE", f"/tables/{table.id.root}?hardDelete=false")
        assert (status, answer["deleted"]) == (200, True)
    assert headers["X-OpenMetadata-Change"] == "entitySoftDeleted"
    assert stand_in.store.deletions() == ["svc.db.s.t"]


def test_a_parent_with_children_needs_recursive(
    om: OpenMetadata, http: Http, stand_in: StandIn
) -> None:
    tables(om, "t", "u")
    schema = om.get_by_name(DatabaseSchema, "svc.db.s")
    assert schema is not None

    with pytest.raises(APIError, match="databaseSchema is not empty"):
        om.delete(DatabaseSchema, schema.id, recursive=False)
    om.delete(DatabaseSchema, schema.id, recursive=True)

    assert stand_in.store.deletions() == ["svc.db.s.t", "svc.db.s.u", "svc.db.s"]
    assert om.get_by_name(Table, "svc.db.s.u") is None
    status, found, _ = http.call("GET", "/databaseSchemas/name/svc.db.s?include=deleted")
    assert (status, found["deleted"]) == (200, True)


def test_a_parent_whose_children_are_all_deleted_deletes_alone(om: OpenMetadata) -> None:
    table = tables(om, "t")["t"]
    om.delete(Table, table.id)
    schema = om.get_by_name(DatabaseSchema, "svc.db.s")
    assert schema is not None
    om.delete(DatabaseSchema, schema.id, recursive=False)
    assert om.get_by_name(DatabaseSchema, "svc.db.s") is None


def test_a_put_of_a_soft_deleted_table_restores_it(om: OpenMetadata, http: Http) -> None:
    table = tables(om, "t")["t"]
    om.delete(Table, table.id)

    again = tables(om, "t")["t"]

    assert again.id == table.id
    assert again.deleted is False
    assert om.get_by_name(Table, "svc.db.s.t") is not None
    assert again.version.root > table.version.root


def test_the_restore_endpoint_restores_what_a_recursive_delete_took(
    om: OpenMetadata, http: Http
) -> None:
    tables(om, "t")
    schema = om.get_by_name(DatabaseSchema, "svc.db.s")
    assert schema is not None
    om.delete(DatabaseSchema, schema.id, recursive=True)

    status, restored, headers = http.call(
        "PUT", "/databaseSchemas/restore", {"id": str(schema.id.root)}
    )

    assert (status, restored["deleted"]) == (200, False)
    assert headers["X-OpenMetadata-Change"] == "entityRestored"
    assert om.get_by_name(Table, "svc.db.s.t") is not None


def test_a_hard_delete_forgets_the_entity(om: OpenMetadata, http: Http, stand_in: StandIn) -> None:
    table = tables(om, "t")["t"]
    om.delete(Table, table.id, hard_delete=True)
    assert http.call("GET", "/tables/name/svc.db.s.t?include=all")[0] == 404
    assert stand_in.store.deletions() == []


def run_delete_from_source(
    om: OpenMetadata, sink: MetadataRestSink, seen: set[str], params: dict[str, str]
) -> list[Any]:
    """What a source yields for stale tables (``delete_entity_from_source``, its 4th
    argument positional: ``mark_deleted_entity`` in 1.5, ``recursive`` in 2.0), through the sink."""
    records = []
    for either in delete_entity_from_source(om, Table, seen, True, params):
        assert either.left is None, either.left
        if either.right is not None:
            records.append(either.right)
            sink.run(either.right)
    return records


def test_a_source_s_stale_tables_are_deleted_once(
    om: OpenMetadata, sink: MetadataRestSink, stand_in: StandIn
) -> None:
    tables(om, "keep", "gone", "also_gone")

    records = run_delete_from_source(om, sink, {"svc.db.s.keep"}, {"databaseSchema": "svc.db.s"})

    assert failures(sink) == []
    assert sorted(stand_in.store.deletions()) == ["svc.db.s.also_gone", "svc.db.s.gone"]
    assert om.get_by_name(Table, "svc.db.s.keep") is not None
    kinds = sorted(type(record).__name__ for record in records)
    # 2.0 asks the server (deleteStale) after a Barrier; 1.5 sends one DELETE per table.
    assert kinds == (["Barrier"] if MODERN else ["DeleteEntity", "DeleteEntity"])

    run_delete_from_source(om, sink, {"svc.db.s.keep"}, {"databaseSchema": "svc.db.s"})
    assert len(stand_in.store.deletions()) == 2  # a second run deletes nothing again


def test_delete_stale_is_the_server_s_diff(om: OpenMetadata, http: Http, stand_in: StandIn) -> None:
    """2.0's ``DELETE /<c>/deleteStale``; a 1.5 server has none (a delete by an id that is
    no UUID: 404, which makes a 2.0 client fall back to listing)."""
    tables(om, "t0", "t1", "t2")
    request = {
        "scopeFqn": "svc.db.s",
        "scopeEntityType": "databaseSchema",
        "seenFqns": ["svc.db.s.t0"],
    }

    status, dry, _ = http.call("DELETE", "/tables/deleteStale", {**request, "dryRun": True})
    if not MODERN:
        assert (status, dry["message"]) == (404, "HTTP 404 Not Found")
        return
    assert (status, dry["dryRun"], dry["numberOfRowsPassed"]) == (200, True, 2)
    assert stand_in.store.deletions() == []

    result = om.delete_stale_entities(Table, {"databaseSchema": "svc.db.s"}, ["svc.db.s.t0"])

    assert result is not None
    assert sorted(str(r.request) for r in result.successRequest) == ["svc.db.s.t1", "svc.db.s.t2"]
    assert sorted(stand_in.store.deletions()) == ["svc.db.s.t1", "svc.db.s.t2"]
    empty = om.delete_stale_entities(Table, {"databaseSchema": "svc.db.s"}, [])
    assert empty is not None and empty.numberOfRowsProcessed.root == 0
    by_service = om.delete_stale_entities(Table, {"service": "svc"}, ["svc.db.s.t0"])
    assert by_service is not None and by_service.numberOfRowsPassed.root == 0


def test_delete_stale_by_service_climbs_past_a_kind_nested_in_itself(
    om: OpenMetadata, stand_in: StandIn
) -> None:
    """A container's parent is a container: the service scope is still its storage service
    (the scope OpenMetadata's own storage sources delete in)."""
    from metadata.generated.schema.api.data.createContainer import CreateContainerRequest
    from metadata.generated.schema.api.services.createStorageService import (
        CreateStorageServiceRequest,
    )
    from metadata.generated.schema.entity.data.container import Container
    from metadata.generated.schema.type.entityReference import EntityReference

    om.create_or_update(CreateStorageServiceRequest(name="store", serviceType="CustomStorage"))
    bucket = om.create_or_update(CreateContainerRequest(name="bucket", service="store"))
    om.create_or_update(
        CreateContainerRequest(
            name="folder",
            service="store",
            parent=EntityReference(id=bucket.id, type="container"),
        )
    )
    if not MODERN:
        return  # 1.5 has no deleteStale: the client lists and deletes (tests above)

    result = om.delete_stale_entities(Container, {"service": "store"}, ["store.bucket"])

    assert result is not None
    assert [str(r.request) for r in result.successRequest] == ["store.bucket.folder"]
    assert stand_in.store.deletions() == ["store.bucket.folder"]


def test_an_async_delete_answers_202_with_a_job(
    om: OpenMetadata, http: Http, stand_in: StandIn
) -> None:
    """2.0's ``DELETE /<c>/async/{id}``; a 1.5 server has no such path (404)."""
    table = tables(om, "t")["t"]
    if not MODERN:
        status, body, _ = http.call("DELETE", f"/tables/async/{table.id.root}")
        assert (status, body["message"]) == (404, "HTTP 404 Not Found")
        return
    answer = om.delete_async(Table, table.id)
    assert answer is not None and answer["jobId"]
    assert answer["message"] == "Delete operation initiated for t"
    assert stand_in.store.deletions() == ["svc.db.s.t"]
