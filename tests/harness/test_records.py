"""The sink's other records, beyond create requests: lineage, custom properties, life
cycle, patches, users and teams, usage, table data models and sample data. Each goes
through OpenMetadata's real ``metadata-rest`` sink (or client), and the stand-in holds
what a server would."""

from __future__ import annotations

import time
from datetime import date

from local_harness import StandIn
from metadata.generated.schema.api.data.createCustomProperty import CreateCustomPropertyRequest
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createDashboardService import (
    CreateDashboardServiceRequest,
)
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.api.teams.createTeam import CreateTeamRequest
from metadata.generated.schema.api.teams.createUser import CreateUserRequest
from metadata.generated.schema.entity.data.dashboard import Dashboard
from metadata.generated.schema.entity.data.table import DataModel, Table, TableData
from metadata.generated.schema.entity.teams.team import Team
from metadata.generated.schema.entity.teams.user import User
from metadata.generated.schema.type.entityLineage import EntitiesEdge, EntityLineage
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.generated.schema.type.lifeCycle import LifeCycle
from metadata.generated.schema.type.usageRequest import UsageRequest
from metadata.ingestion.models.custom_properties import (
    CustomPropertyDataTypes,
    OMetaCustomProperties,
)
from metadata.ingestion.models.life_cycle import OMetaLifeCycleData
from metadata.ingestion.models.patch_request import PatchRequest
from metadata.ingestion.models.user import OMetaUserProfile
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.sink.metadata_rest import MetadataRestSink
from metadata.ingestion.source.dashboard.dashboard_service import DashboardUsage
from metadata.ingestion.source.database.database_service import DataModelLink

from support import MODERN, Http, failures, fqns

NOW_MS = int(time.time() * 1000)


def two_tables(om: OpenMetadata) -> tuple[Table, Table]:
    om.create_or_update(CreateDatabaseServiceRequest(name="svc", serviceType="CustomDatabase"))
    om.create_or_update(CreateDatabaseRequest(name="db", service="svc"))
    om.create_or_update(CreateDatabaseSchemaRequest(name="s", database="svc.db"))
    made = [
        om.create_or_update(
            CreateTableRequest(
                name=name,
                databaseSchema="svc.db.s",
                columns=[{"name": "id", "dataType": "INT"}, {"name": "v", "dataType": "INT"}],
            )
        )
        for name in ("a", "b")
    ]
    return made[0], made[1]


def edge(upstream: Table, downstream: Table, **details: object) -> AddLineageRequest:
    return AddLineageRequest(
        edge=EntitiesEdge(
            fromEntity=EntityReference(id=upstream.id, type="table"),
            toEntity=EntityReference(id=downstream.id, type="table"),
            lineageDetails=details or None,
        )
    )


def test_lineage_through_the_sink_is_stored_and_read_back(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    """1.5 reads the lineage of the upstream entity after each write; 2.0 does not."""
    a, b = two_tables(om)
    columns = [{"fromColumns": ["svc.db.s.a.id"], "toColumn": "svc.db.s.b.id"}]

    sink.run(edge(a, b, columnsLineage=columns, source="Manual"))
    sink.run(
        edge(a, b, columnsLineage=[{"fromColumns": ["svc.db.s.a.v"], "toColumn": "svc.db.s.b.v"}])
    )

    assert failures(sink) == []
    lineage = om.get_lineage_by_name(Table, "svc.db.s.b", up_depth=1, down_depth=1)
    assert lineage is not None
    EntityLineage.model_validate(lineage)  # the shape of the release's own model
    assert lineage["entity"]["fullyQualifiedName"] == "svc.db.s.b"
    assert lineage["upstreamEdges"][0]["fromEntity"] == str(a.id.root)
    stored = lineage["upstreamEdges"][0]["lineageDetails"]["columnsLineage"]
    # The client merges a second write's column lineage into the first (getLineageEdge, PATCH).
    assert sorted(c["toColumn"] for c in stored) == ["svc.db.s.b.id", "svc.db.s.b.v"]
    status, answer, _ = http.call("GET", f"/lineage/getLineageEdge/{a.id.root}/{b.id.root}")
    assert status == 200 and answer["edge"]["source"] == "Manual"


def test_lineage_by_fqn_and_override_by_source(
    om: OpenMetadata, sink: MetadataRestSink, http: Http, stand_in: StandIn
) -> None:
    a, b = two_tables(om)
    if MODERN:  # 2.0: OMetaFQNLineageRequest, PUT /lineage/{t}/name/{fqn}/{t}/name/{fqn}
        from metadata.ingestion.models.ometa_lineage import OMetaFQNLineageRequest

        sink.run(
            OMetaFQNLineageRequest(
                from_entity_fqn="svc.db.s.a",
                from_entity_type="table",
                to_entity_fqn="svc.db.s.b",
                to_entity_type="table",
                lineage_details={"source": "QueryLineage"},
            )
        )
    else:  # 1.5 has no FQN lineage: the same edge by ids
        sink.run(edge(a, b, source="QueryLineage"))
    assert failures(sink) == []
    assert [e.details["source"] for e in stand_in.store.lineage.edges()] == ["QueryLineage"]

    status, _, _ = http.call("DELETE", f"/lineage/table/{b.id.root}/type/QueryLineage")

    assert status == 200
    assert stand_in.store.lineage.edges() == []
    assert http.call("GET", f"/lineage/getLineageEdge/{a.id.root}/{b.id.root}")[:2] == (
        404,
        {"code": 404, "message": f"Lineage edge not found between {a.id.root} and  {b.id.root}"},
    )


def test_override_lineage_replaces_the_edges_of_its_source(
    om: OpenMetadata, sink: MetadataRestSink, stand_in: StandIn, http: Http
) -> None:
    """``OMetaLineageRequest(override_lineage=True)``: the sink deletes the downstream
    entity's incoming edges of that source, then writes; 2.0 then marks it processed."""
    from metadata.generated.schema.api.data.createTable import CreateTableRequest as Create
    from metadata.ingestion.models.ometa_lineage import OMetaLineageRequest

    a, b = two_tables(om)
    c = om.create_or_update(
        Create(name="c", databaseSchema="svc.db.s", columns=[{"name": "id", "dataType": "INT"}])
    )
    om.add_lineage(edge(c, b, source="QueryLineage"))
    extra = {"entity_fqn": "svc.db.s.b", "entity": Table} if MODERN else {}
    sink.run(
        OMetaLineageRequest(
            override_lineage=True, lineage_request=edge(a, b, source="QueryLineage"), **extra
        )
    )

    assert failures(sink) == []
    fqns_by_id = {r.id: r.fqn for r in stand_in.store.records()}
    assert [fqns_by_id[e.from_id] for e in stand_in.store.lineage.edges()] == ["svc.db.s.a"]
    if MODERN:
        _, table, _ = http.call("GET", "/tables/name/svc.db.s.b")
        assert table["processedLineage"] is True


def test_a_lineage_edge_is_deleted_by_ends(om: OpenMetadata, http: Http, stand_in: StandIn) -> None:
    a, b = two_tables(om)
    om.add_lineage(edge(a, b))
    assert http.call("DELETE", "/lineage/table/name/svc.db.s.a/table/name/svc.db.s.b")[0] == 200
    status, body, _ = http.call("DELETE", f"/lineage/table/{a.id.root}/table/{b.id.root}")
    assert (status, body["message"]) == (404, "Lineage edge not found")


def test_a_custom_property_is_added_and_its_values_checked(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    property_type = om.get_property_type_ref(CustomPropertyDataTypes.INTEGER)
    sink.run(
        OMetaCustomProperties(
            entity_type=Table,
            createCustomPropertyRequest=CreateCustomPropertyRequest(
                name="rowCount", description="rows", propertyType=property_type
            ),
        )
    )
    assert failures(sink) == []
    _, table_type, _ = http.call("GET", "/metadata/types/name/table?fields=customProperties")
    assert [(p["name"], p["propertyType"]["name"]) for p in table_type["customProperties"]] == [
        ("rowCount", "integer")
    ]
    a, _ = two_tables(om)
    created = om.create_or_update(
        CreateTableRequest(
            name="c",
            databaseSchema="svc.db.s",
            columns=[{"name": "id", "dataType": "INT"}],
            extension={"rowCount": 3},
        )
    )
    assert created.extension.root == {"rowCount": 3}


def test_a_life_cycle_becomes_a_patch_of_the_entity(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    """2.0 keeps life-cycle records until the sink closes; 1.5 patches at once."""
    two_tables(om)
    life_cycle = LifeCycle(created={"timestamp": NOW_MS, "accessedByAProcess": "etl"})
    sink.run(OMetaLifeCycleData(entity=Table, entity_fqn="svc.db.s.a", life_cycle=life_cycle))
    sink.close()

    assert failures(sink) == []
    _, table, _ = http.call("GET", "/tables/name/svc.db.s.a?fields=lifeCycle")
    assert table["lifeCycle"]["created"]["timestamp"] == NOW_MS
    assert table["version"] == 0.2


def test_a_patch_request_changes_only_what_differs(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    a, _ = two_tables(om)
    original = om.get_by_name(Table, "svc.db.s.a", fields=["*"])
    assert original is not None
    changed = original.model_copy(deep=True)
    changed.description = "now described"
    sink.run(PatchRequest(original_entity=original, new_entity=changed))

    assert failures(sink) == []
    _, table, _ = http.call("GET", "/tables/name/svc.db.s.a")
    assert (table["description"], table["version"]) == ("now described", 0.2)


def test_a_patch_request_adds_a_tag_and_an_owner(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    from metadata.generated.schema.type.tagLabel import TagLabel

    two_tables(om)
    original = om.get_by_name(Table, "svc.db.s.a", fields=["*"])
    admin = om.get_by_name(User, "admin")
    assert original is not None and admin is not None
    changed = original.model_copy(deep=True)
    changed.tags = [
        TagLabel(
            tagFQN="Tier.Tier2", source="Classification", labelType="Manual", state="Confirmed"
        )
    ]
    changed.owners = [EntityReference(id=admin.id, type="user")]
    sink.run(PatchRequest(original_entity=original, new_entity=changed, override_metadata=True))

    assert failures(sink) == []
    _, table, _ = http.call("GET", "/tables/name/svc.db.s.a?fields=tags,owners")
    assert [t["tagFQN"] for t in table["tags"]] == ["Tier.Tier2"]
    assert [o["name"] for o in table["owners"]] == ["admin"]


def test_a_user_profile_creates_its_team_and_user(om: OpenMetadata, sink: MetadataRestSink) -> None:
    sink.run(
        OMetaUserProfile(
            user=CreateUserRequest(name="ana", email="ana@example.com"),
            teams=[CreateTeamRequest(name="data", teamType="Group")],
            roles=[],
        )
    )
    assert failures(sink) == []
    user = om.get_by_name(User, "ana", fields=["teams"])
    assert user is not None
    assert fqns(user.teams) == ["data"]
    team = om.get_by_name(Team, "data", fields=["parents"])
    assert team is not None and fqns(team.parents) == ["Organization"]


def test_dashboard_usage_adds_up_per_day(
    om: OpenMetadata, sink: MetadataRestSink, http: Http
) -> None:
    from metadata.generated.schema.api.data.createDashboard import CreateDashboardRequest

    om.create_or_update(CreateDashboardServiceRequest(name="dsvc", serviceType="CustomDashboard"))
    dashboard = om.create_or_update(CreateDashboardRequest(name="d", service="dsvc"))
    today = date.today().isoformat()
    for count in (3, 4):
        sink.run(DashboardUsage(dashboard=dashboard, usage=UsageRequest(date=today, count=count)))

    assert failures(sink) == []
    read = om.get_by_name(Dashboard, "dsvc.d", fields=["usageSummary"])
    assert read is not None and read.usageSummary.dailyStats.count == 7


def test_a_table_data_model_is_stored_and_describes_the_columns(
    om: OpenMetadata, sink: MetadataRestSink
) -> None:
    a, _ = two_tables(om)
    model = DataModel(
        modelType="DBT",
        sql="select 1",
        columns=[{"name": "id", "dataType": "INT", "description": "the key"}],
    )
    sink.run(DataModelLink(table_entity=a, datamodel=model))

    assert failures(sink) == []
    table = om.get_by_name(Table, "svc.db.s.a", fields=["dataModel"])
    assert table is not None
    assert table.dataModel.sql.root == "select 1"
    assert table.columns[0].description.root == "the key"


def test_table_sample_data_is_stored_and_counted_in_the_report(
    om: OpenMetadata, stand_in: StandIn
) -> None:
    a, _ = two_tables(om)
    sample = TableData(columns=["id", "v"], rows=[[1, 2], [3, 4]])
    om.ingest_table_sample_data(a, sample)

    read = om.get_sample_data(a)
    assert read is not None and read.sampleData.rows == [[1, 2], [3, 4]]
    from local_harness.report import entity_tree

    [row] = [row for row in entity_tree(stand_in.store) if row.fqn == "svc.db.s.a"]
    assert "sample data: 2 rows" in row.details
