"""What a connector's records become, through OpenMetadata's own ``metadata-rest`` sink.

One spec per service type (like OpenMetadata's custom-connector suite): the records a
source of that type yields, and the entities the stand-in must then hold. The sink
fails nothing, and each entity comes back through the real client, parsed by the
release's own pydantic models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from local_harness import StandIn
from metadata.generated.schema.api.classification.createClassification import (
    CreateClassificationRequest,
)
from metadata.generated.schema.api.classification.createTag import CreateTagRequest
from metadata.generated.schema.api.data.createChart import CreateChartRequest
from metadata.generated.schema.api.data.createContainer import CreateContainerRequest
from metadata.generated.schema.api.data.createDashboard import CreateDashboardRequest
from metadata.generated.schema.api.data.createDashboardDataModel import (
    CreateDashboardDataModelRequest,
)
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import CreateDatabaseSchemaRequest
from metadata.generated.schema.api.data.createMlModel import CreateMlModelRequest
from metadata.generated.schema.api.data.createPipeline import CreatePipelineRequest
from metadata.generated.schema.api.data.createQuery import CreateQueryRequest
from metadata.generated.schema.api.data.createSearchIndex import CreateSearchIndexRequest
from metadata.generated.schema.api.data.createStoredProcedure import (
    CreateStoredProcedureRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.data.createTopic import CreateTopicRequest
from metadata.generated.schema.api.lineage.addLineage import AddLineageRequest
from metadata.generated.schema.api.services.createDashboardService import (
    CreateDashboardServiceRequest,
)
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.api.services.createMessagingService import (
    CreateMessagingServiceRequest,
)
from metadata.generated.schema.api.services.createMlModelService import (
    CreateMlModelServiceRequest,
)
from metadata.generated.schema.api.services.createPipelineService import (
    CreatePipelineServiceRequest,
)
from metadata.generated.schema.api.services.createSearchService import (
    CreateSearchServiceRequest,
)
from metadata.generated.schema.api.services.createStorageService import (
    CreateStorageServiceRequest,
)
from metadata.generated.schema.entity.data.chart import Chart
from metadata.generated.schema.entity.data.container import Container
from metadata.generated.schema.entity.data.dashboard import Dashboard
from metadata.generated.schema.entity.data.dashboardDataModel import DashboardDataModel
from metadata.generated.schema.entity.data.mlmodel import MlModel
from metadata.generated.schema.entity.data.pipeline import Pipeline, PipelineStatus
from metadata.generated.schema.entity.data.query import Query
from metadata.generated.schema.entity.data.searchIndex import SearchIndex
from metadata.generated.schema.entity.data.storedProcedure import StoredProcedure
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.data.topic import Topic
from metadata.generated.schema.type.entityLineage import EntitiesEdge
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.models.ometa_classification import OMetaTagAndClassification
from metadata.ingestion.models.ometa_topic_data import OMetaTopicSampleData
from metadata.ingestion.models.pipeline_status import OMetaPipelineStatus
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.sink.metadata_rest import MetadataRestSink

from support import MODERN, Http, failures, flush, fqns, text

PII = {
    "tagFQN": "PII.Sensitive",
    "source": "Classification",
    "labelType": "Manual",
    "state": "Confirmed",
}
NOW_MS = int(time.time() * 1000)


@dataclass(frozen=True)
class Spec:
    """A service type: the records its source yields, then what must be stored."""

    service_type: str
    records: Callable[[OpenMetadata], Iterator[Any]]
    expected: tuple[tuple[type[Any], str], ...]
    check: Callable[[OpenMetadata], None] = lambda om: None


def database_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreateDatabaseServiceRequest(name="db_svc", serviceType="CustomDatabase")
    yield OMetaTagAndClassification(
        classification_request=CreateClassificationRequest(name="Quality", description="q"),
        tag_request=CreateTagRequest(classification="Quality", name="Gold", description="g"),
    )
    yield CreateDatabaseRequest(name="db", service="db_svc")
    yield CreateDatabaseSchemaRequest(name="s", database="db_svc.db")
    for name in ("orders", "revenue"):
        yield CreateTableRequest(
            name=name,
            databaseSchema="db_svc.db.s",
            columns=[
                {"name": "id", "dataType": "INT", "constraint": "PRIMARY_KEY"},
                {"name": "email", "dataType": "VARCHAR", "dataLength": 64, "tags": [PII]},
                {"name": "amount", "dataType": "DECIMAL", "precision": 10, "scale": 2},
            ],
            tags=[{**PII, "tagFQN": "Quality.Gold"}],
        )
    yield CreateStoredProcedureRequest(
        name="refresh",
        databaseSchema="db_svc.db.s",
        storedProcedureCode={"code": "select 1", "language": "SQL"},
    )
    yield CreateQueryRequest(query="select * from orders", service="db_svc")
    flush_records = _barrier()
    yield from flush_records
    orders = om.get_by_name(Table, "db_svc.db.s.orders")
    revenue = om.get_by_name(Table, "db_svc.db.s.revenue")
    assert orders is not None and revenue is not None
    yield AddLineageRequest(
        edge=EntitiesEdge(
            fromEntity=EntityReference(id=orders.id, type="table"),
            toEntity=EntityReference(id=revenue.id, type="table"),
            lineageDetails={
                "columnsLineage": [
                    {
                        "fromColumns": ["db_svc.db.s.orders.amount"],
                        "toColumn": "db_svc.db.s.revenue.amount",
                    }
                ]
            },
        )
    )


def check_database(om: OpenMetadata) -> None:
    orders = om.get_by_name(Table, "db_svc.db.s.orders", fields=["tags", "columns"])
    assert orders is not None
    assert [label.tagFQN.root for label in orders.tags] == ["Quality.Gold"]
    assert [c.name.root for c in orders.columns] == ["id", "email", "amount"]
    assert [t.tagFQN.root for t in orders.columns[1].tags] == ["PII.Sensitive"]
    assert text(orders.columns[1].fullyQualifiedName) == "db_svc.db.s.orders.email"
    assert orders.database.fullyQualifiedName == "db_svc.db"
    assert orders.service.name == "db_svc"
    [query] = om.list_entities(Query, fields=["queryUsedIn"]).entities
    assert text(query.query) == "select * from orders"
    assert text(query.fullyQualifiedName) == f"db_svc.{text(query.checksum)}"
    edge = om.get_lineage_by_name(Table, "db_svc.db.s.revenue", up_depth=1, down_depth=0)
    assert edge is not None
    assert [node["fullyQualifiedName"] for node in edge["nodes"]] == ["db_svc.db.s.orders"]


def dashboard_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreateDashboardServiceRequest(name="dash_svc", serviceType="CustomDashboard")
    yield CreateChartRequest(name="c1", service="dash_svc", chartType="Line")
    yield CreateDashboardDataModelRequest(
        name="dm",
        service="dash_svc",
        dataModelType="SupersetDataModel",
        columns=[{"name": "day", "dataType": "DATE"}],
    )
    yield from _barrier()
    yield CreateDashboardRequest(
        name="overview",
        service="dash_svc",
        charts=["dash_svc.c1"],
        dataModels=["dash_svc.model.dm"],
    )


def check_dashboard(om: OpenMetadata) -> None:
    dashboard = om.get_by_name(Dashboard, "dash_svc.overview", fields=["charts", "dataModels"])
    assert dashboard is not None
    assert fqns(dashboard.charts) == ["dash_svc.c1"]
    assert fqns(dashboard.dataModels) == ["dash_svc.model.dm"]
    plain = om.get_by_name(Dashboard, "dash_svc.overview")
    assert plain is not None and fqns(plain.charts) == []  # only when fields=charts asks


def pipeline_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreatePipelineServiceRequest(name="pipe_svc", serviceType="CustomPipeline")
    yield CreatePipelineRequest(
        name="etl", service="pipe_svc", tasks=[{"name": "extract"}, {"name": "load"}]
    )
    yield OMetaPipelineStatus(
        pipeline_fqn="pipe_svc.etl",
        pipeline_status=PipelineStatus(
            timestamp=NOW_MS,
            executionStatus="Successful",
            taskStatus=[
                {"name": "extract", "executionStatus": "Successful"},
                {"name": "load", "executionStatus": "Successful"},
            ],
        ),
    )
    if MODERN:  # 2.0: several runs in one PUT /pipelines/{fqn}/status/bulk
        from metadata.ingestion.models.pipeline_status import OMetaBulkPipelineStatus

        yield OMetaBulkPipelineStatus(
            pipeline_fqn="pipe_svc.etl",
            pipeline_statuses=[
                PipelineStatus(timestamp=NOW_MS - n, executionStatus="Failed") for n in (1, 2)
            ],
        )


def check_pipeline(om: OpenMetadata) -> None:
    pipeline = om.get_by_name(Pipeline, "pipe_svc.etl", fields=["tasks", "pipelineStatus"])
    assert pipeline is not None
    assert [text(t.name) for t in pipeline.tasks] == ["extract", "load"]
    assert pipeline.pipelineStatus is not None
    assert pipeline.pipelineStatus.executionStatus.value == "Successful"  # the latest run
    http = Http(om.config.hostPort, om.config.securityConfig.jwtToken.get_secret_value())
    status, listed, _ = http.call("GET", f"/pipelines/pipe_svc.etl/status?startTs=0&endTs={NOW_MS}")
    assert status == 200
    statuses = [PipelineStatus.model_validate(item) for item in listed["data"]]
    assert [s.timestamp.root for s in statuses] == [NOW_MS, NOW_MS - 1, NOW_MS - 2][: len(statuses)]
    assert listed["paging"]["total"] == (3 if MODERN else 1)


def messaging_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreateMessagingServiceRequest(name="msg_svc", serviceType="CustomMessaging")
    yield CreateTopicRequest(
        name="orders",
        service="msg_svc",
        partitions=3,
        messageSchema={
            "schemaType": "JSON",
            "schemaText": "{}",
            "schemaFields": [{"name": "event_id", "dataType": "STRING"}],
        },
    )
    yield from _barrier()
    topic = om.get_by_name(Topic, "msg_svc.orders")
    assert topic is not None
    yield OMetaTopicSampleData(topic=topic, sample_data={"messages": ["a", "b"]})


def check_messaging(om: OpenMetadata) -> None:
    topic = om.get_by_name(Topic, "msg_svc.orders")
    assert topic is not None
    assert text(topic.messageSchema.schemaFields[0].fullyQualifiedName) == "msg_svc.orders.event_id"
    status, answer, _ = Http(
        om.config.hostPort, om.config.securityConfig.jwtToken.get_secret_value()
    ).call("GET", f"/topics/{topic.id.root}/sampleData")
    assert status == 200
    assert answer["sampleData"]["messages"] == ["a", "b"]


def mlmodel_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreateMlModelServiceRequest(name="ml_svc", serviceType="CustomMlModel")
    yield CreateMlModelRequest(
        name="churn",
        service="ml_svc",
        algorithm="GBM",
        mlFeatures=[{"name": "tenure", "dataType": "numerical"}],
    )


def storage_records(om: OpenMetadata) -> Iterator[Any]:
    yield CreateStorageServiceRequest(name="st_svc", serviceType="CustomStorage")
    yield CreateContainerRequest(name="bucket", service="st_svc")
    bucket = om.get_by_name(Container, "st_svc.bucket")
    assert bucket is not None
    yield CreateContainerRequest(
        name="prefix",
        service="st_svc",
        parent=EntityReference(id=bucket.id, type="container"),
        dataModel={"isPartitioned": False, "columns": [{"name": "ts", "dataType": "TIMESTAMP"}]},
    )


def check_storage(om: OpenMetadata) -> None:
    prefix = om.get_by_name(Container, "st_svc.bucket.prefix", fields=["dataModel", "parent"])
    assert prefix is not None
    assert prefix.parent.fullyQualifiedName == "st_svc.bucket"
    assert text(prefix.dataModel.columns[0].fullyQualifiedName) == "st_svc.bucket.prefix.ts"


def search_records(om: OpenMetadata) -> Iterator[Any]:
    from metadata.ingestion.models.search_index_data import OMetaIndexSampleData

    yield CreateSearchServiceRequest(name="se_svc", serviceType="CustomSearch")
    yield CreateSearchIndexRequest(
        name="products", service="se_svc", fields=[{"name": "title", "dataType": "TEXT"}]
    )
    yield from _barrier()
    index = om.get_by_name(SearchIndex, "se_svc.products")
    assert index is not None
    yield OMetaIndexSampleData(entity=index, data={"messages": ['{"title": "a"}']})


def check_search(om: OpenMetadata) -> None:
    index = om.get_by_name(SearchIndex, "se_svc.products", fields=["sampleData"])
    assert index is not None and index.sampleData.messages == ['{"title": "a"}']


def drive_records(om: OpenMetadata) -> Iterator[Any]:
    """Drive services arrived in 1.9: only the 2.0 client has these requests."""
    from metadata.generated.schema.api.data.createDirectory import CreateDirectoryRequest
    from metadata.generated.schema.api.data.createFile import CreateFileRequest
    from metadata.generated.schema.api.data.createSpreadsheet import CreateSpreadsheetRequest
    from metadata.generated.schema.api.data.createWorksheet import CreateWorksheetRequest
    from metadata.generated.schema.api.services.createDriveService import (
        CreateDriveServiceRequest,
    )
    from metadata.generated.schema.entity.data.directory import Directory

    yield CreateDriveServiceRequest(name="drv", serviceType="CustomDrive")
    yield CreateDirectoryRequest(name="root", service="drv")
    yield from _barrier()
    yield CreateDirectoryRequest(name="sub", service="drv", parent="drv.root")
    yield from _barrier()
    yield CreateFileRequest(name="report.csv", service="drv", directory="drv.root.sub")
    root = om.get_by_name(Directory, "drv.root")
    assert root is not None
    yield CreateSpreadsheetRequest(
        name="sheet", service="drv", parent=EntityReference(id=root.id, type="directory")
    )
    yield from _barrier()
    yield CreateWorksheetRequest(
        name="w", spreadsheet="drv.root.sheet", columns=[{"name": "day", "dataType": "DATE"}]
    )


def drive_expected() -> tuple[tuple[type[Any], str], ...]:
    from metadata.generated.schema.entity.data.directory import Directory
    from metadata.generated.schema.entity.data.file import File
    from metadata.generated.schema.entity.data.spreadsheet import Spreadsheet
    from metadata.generated.schema.entity.data.worksheet import Worksheet

    return (
        (Directory, "drv.root.sub"),
        (File, 'drv.root.sub."report.csv"'),
        (Spreadsheet, "drv.root.sheet"),
        (Worksheet, "drv.root.sheet.w"),
    )


def _barrier() -> Iterator[Any]:
    try:
        from metadata.ingestion.models.barrier import Barrier
    except ImportError:  # 1.5 writes each record at once
        return
    yield Barrier(reason="flush before reading back")


SPECS = [
    Spec(
        "database",
        database_records,
        (
            (Table, "db_svc.db.s.orders"),
            (Table, "db_svc.db.s.revenue"),
            (StoredProcedure, "db_svc.db.s.refresh"),
        ),
        check_database,
    ),
    Spec(
        "dashboard",
        dashboard_records,
        ((Chart, "dash_svc.c1"), (DashboardDataModel, "dash_svc.model.dm")),
        check_dashboard,
    ),
    Spec("pipeline", pipeline_records, ((Pipeline, "pipe_svc.etl"),), check_pipeline),
    Spec("messaging", messaging_records, ((Topic, "msg_svc.orders"),), check_messaging),
    Spec("mlmodel", mlmodel_records, ((MlModel, "ml_svc.churn"),)),
    Spec(
        "storage",
        storage_records,
        ((Container, "st_svc.bucket"), (Container, "st_svc.bucket.prefix")),
        check_storage,
    ),
    Spec("search", search_records, ((SearchIndex, "se_svc.products"),), check_search),
]
if MODERN:
    SPECS.append(Spec("drive", drive_records, drive_expected()))


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.service_type)
def test_what_a_source_yields_is_stored_and_read_back(
    spec: Spec, om: OpenMetadata, sink: MetadataRestSink, stand_in: StandIn
) -> None:
    """Every record goes through the sink without a failure; the entities come back."""
    for record in spec.records(om):
        sink.run(record)
    flush(sink)

    assert failures(sink) == []
    for entity_type, fqn in spec.expected:
        stored = om.get_by_name(entity_type, fqn, fields=["*"])
        assert stored is not None, fqn
        assert stored.fullyQualifiedName.root == fqn
    spec.check(om)
    assert stand_in.store.deletions() == []
