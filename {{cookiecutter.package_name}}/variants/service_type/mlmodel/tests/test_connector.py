{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The ML model connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_models``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn, run
from metadata.generated.schema.api.data.createDatabase import CreateDatabaseRequest
from metadata.generated.schema.api.data.createDatabaseSchema import (
    CreateDatabaseSchemaRequest,
)
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.api.services.createDatabaseService import (
    CreateDatabaseServiceRequest,
)
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.mlmodel import MlModel
from metadata.generated.schema.entity.data.table import Column, DataType, Table
from metadata.generated.schema.entity.services.connections.mlmodel.customMlModelConnection import (
    CustomMlModelConnection,
    CustomMlModelType,
)
from metadata.generated.schema.entity.services.databaseService import DatabaseServiceType
from metadata.generated.schema.entity.services.mlmodelService import MlModelService
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.ingestion.api.steps import Source
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }}.models import (
    MODELS,
    RemoteHyperParameter,
    RemoteMlModel,
)
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }}.records import Resource
from metadata.utils import fqn
from metadata.utils.importer import import_from_module

from .conftest import TEST_SERVICE, project_config, workflow_config

SOURCE_CLASS = f"{connector.__name__}.{connector.{{ cookiecutter.class_name }}.__name__}"


def source(connection_options: dict[str, str], **source_config: Any) -> dict[str, Any]:
    """The ``source`` of a workflow config for the example system."""
    return {
        "type": "customMlModel",
        "serviceName": TEST_SERVICE,
        "serviceConnection": {
            "config": {
                "type": "CustomMlModel",
                "sourcePythonClass": SOURCE_CLASS,
                "connectionOptions": connection_options,
            }
        },
        "sourceConfig": {"config": {"type": "MlModelMetadata", **source_config}},
    }


def service_connection(connection_options: dict[str, str]) -> CustomMlModelConnection:
    return CustomMlModelConnection(
        type=CustomMlModelType.CustomMlModel,
        sourcePythonClass=SOURCE_CLASS,
        connectionOptions=connection_options,
    )


def system_models(connection_options: dict[str, str]) -> list[RemoteMlModel]:
    """Every model the client reads."""
    client = connector.get_connection(service_connection(connection_options))
    models = list(rights(client.records(MODELS)))
    client.close()
    assert models, "the example system has models"
    return models


def rights(fetched: Iterator[Either]) -> Iterator[Any]:
    for item in fetched:
        assert item.left is None, item.left
        yield item.right


def model_fqn(model: str) -> str:
    return fqn.build(None, MlModel, service_name=TEST_SERVICE, mlmodel_name=model)


def read(om_client: OpenMetadata, path: str) -> Any:
    """A GET on OpenMetadata's REST API (through the real client), ``None`` for a 404."""
    from metadata.ingestion.ometa.client import APIError

    try:
        return om_client.client.get(path)
    except APIError as err:
        if err.status_code == 404:
            return None
        raise


def read_model(om_client: OpenMetadata, model: str, include: str = "non-deleted") -> Any:
    fields = "mlFeatures,mlHyperParameters,owners,tags"
    return read(
        om_client, f"/mlmodels/name/{quote(model, safe='')}?fields={fields}&include={include}"
    )


def tags_of(entity: dict[str, Any]) -> set[str]:
    return {tag["tagFQN"] for tag in entity.get("tags") or []}


def tags_from(labels: tuple[str, ...]) -> set[str]:
    return {f"{connector.CLASSIFICATION}.{label}" for label in labels}


def edit_records(
    monkeypatch: pytest.MonkeyPatch,
    resource: Resource[Any],
    change: Callable[[Any], Any | None],
) -> None:
    """Make the system answer ``resource`` with each record changed (None drops it)."""
    original = {{ prefix }}Client.records

    def records(
        self: {{ prefix }}Client,
        asked: Resource[Any],
        **parents: str,
    ) -> Iterator[Either]:
        for fetched in original(self, asked, **parents):
            if asked is resource and fetched.right is not None:
                changed = change(fetched.right)
                if changed is not None:
                    yield Either(right=changed)
            else:
                yield fetched

    monkeypatch.setattr({{ prefix }}Client, "records", records)


def create_table(om_client: OpenMetadata) -> Table:
    """A table of another service, in OpenMetadata already (where features come from)."""
    om_client.create_or_update(
        CreateDatabaseServiceRequest(
            name="warehouse", serviceType=DatabaseServiceType.CustomDatabase
        )
    )
    om_client.create_or_update(CreateDatabaseRequest(name="analytics", service="warehouse"))
    om_client.create_or_update(
        CreateDatabaseSchemaRequest(name="sales", database="warehouse.analytics")
    )
    return om_client.create_or_update(
        CreateTableRequest(
            name="customers",
            databaseSchema="warehouse.analytics.sales",
            columns=[Column(name="signup_date", dataType=DataType.DATE)],
        )
    )


# --- Configuration and loading --------------------------------------------------------------


def test_connector_yaml_passes_openmetadata_validation() -> None:
    parse_workflow_config_gracefully(project_config("connector.yaml"))


def test_source_class_of_connector_yaml_imports_through_openmetadata() -> None:
    config = project_config("connector.yaml")["source"]["serviceConnection"]["config"]
    source_class = import_from_module(config["sourcePythonClass"])
    assert source_class is connector.{{ cookiecutter.class_name }}
    assert issubclass(source_class, Source)


def test_openmetadata_finds_get_connection_and_test_connection_beside_the_source() -> None:
    module = import_from_module(SOURCE_CLASS.rpartition(".")[0] + ".test_connection")
    assert module is connector.test_connection
    assert callable(connector.get_connection)


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_model_under_it(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    models = system_models(connection_options)

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    service = om_client.get_by_name(MlModelService, TEST_SERVICE)
    assert service is not None
    assert service.displayName == connector.SERVICE_DISPLAY_NAME
    assert service.description == connector.SERVICE_DESCRIPTION  # a string here, not Markdown
    for model in models:
        stored = read_model(om_client, model_fqn(model.name))
        assert stored is not None, model.name
        assert stored["service"]["name"] == TEST_SERVICE
        assert stored.get("description") == model.description
        assert stored["algorithm"] == model.algorithm
        assert stored.get("target") == model.target
        store = stored.get("mlStore") or {}
        assert store.get("storage") == model.storage
        assert store.get("imageRepository") == model.image_repository
        assert (stored.get("server") or "").rstrip("/") == (model.server or "").rstrip("/")


def test_features_and_hyper_parameters_arrive_with_their_descriptions(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    models = system_models(connection_options)
    assert any(model.features for model in models), "the example system has features"
    assert any(model.hyper_parameters for model in models), "and hyper-parameters"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    for model in models:
        stored = read_model(om_client, model_fqn(model.name))
        features = stored.get("mlFeatures") or []
        assert [feature["name"] for feature in features] == [f.name for f in model.features]
        for feature, record in zip(features, model.features, strict=True):
            assert feature.get("dataType") == record.type
            assert feature.get("description") == record.description
            assert feature.get("featureAlgorithm") == record.algorithm
            sources = feature.get("featureSources") or []
            assert [(s["name"], s.get("dataType"), s.get("description")) for s in sources] == [
                (s.name, s.type, s.description) for s in record.sources
            ]
        parameters = stored.get("mlHyperParameters") or []
        assert [(p["name"], p.get("description")) for p in parameters] == [
            (p.name, p.description) for p in model.hyper_parameters
        ]
        assert [p.get("value") for p in parameters] == [
            connector.hyper_parameter(p).value for p in model.hyper_parameters
        ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("multiplicative", "multiplicative"),
        (200, "200"),
        (0.1, "0.1"),
        (True, "true"),
        (None, None),
    ],
)
def test_hyper_parameter_values_are_kept_as_text(value: Any, expected: str | None) -> None:
    parameter = RemoteHyperParameter(name="p", value=value)
    assert connector.hyper_parameter(parameter).value == expected


def test_labels_become_tags_of_models_and_of_features(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    models = system_models(connection_options)
    assert any(model.labels for model in models), "the example system labels a model"
    assert any(feature.labels for model in models for feature in model.features), "a feature"

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for model in models:
        stored = read_model(om_client, model_fqn(model.name))
        assert tags_of(stored) == tags_from(model.labels)
        for feature, record in zip(stored.get("mlFeatures") or [], model.features, strict=True):
            assert tags_of(feature) == tags_from(record.labels), record.name


def test_a_feature_source_refers_to_its_table_when_openmetadata_has_it(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A table OpenMetadata has is referenced; one it does not have is a warning."""
    table = create_table(om_client)
    models = system_models(connection_options)
    model = next(m for m in models if any(feature.sources for feature in m.features))
    feature = next(feature for feature in model.features if feature.sources)
    known = feature.sources[0].model_copy(update={"table": table.fullyQualifiedName.root})
    unknown = known.model_copy(
        update={"name": f"{known.name}_2", "table": "warehouse.no.such.table"}
    )
    changed = feature.model_copy(update={"sources": (known, unknown)})
    features = tuple(changed if f.name == feature.name else f for f in model.features)
    edit_records(
        monkeypatch,
        MODELS,
        lambda m: m.model_copy(update={"features": features}) if m.name == model.name else m,
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed and result.failures == [], result.failures
    assert result.status["source"]["warnings"] >= 1
    stored = read_model(om_client, model_fqn(model.name))
    [stored_feature] = [f for f in stored["mlFeatures"] if f["name"] == feature.name]
    sources = {source["name"]: source for source in stored_feature["featureSources"]}
    assert sources[known.name]["dataSource"]["id"] == str(table.id.root)
    assert not sources[unknown.name].get("dataSource")


def test_owners_must_exist_in_openmetadata(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An owner that is an OpenMetadata user is set; one that is not is a warning."""
    models = system_models(connection_options)
    owners = {"admin", "nobody"}  # a user of every server, and no one
    names = iter(sorted(owners) * len(models))
    edit_records(monkeypatch, MODELS, lambda model: model.model_copy(update={"owner": next(names)}))

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    assert result.passed
    assert result.status["source"]["warnings"] >= 1
    seen_owners = set()
    for model in models:
        stored = read_model(om_client, model_fqn(model.name))
        seen_owners |= {owner["name"] for owner in stored.get("owners") or []}
    assert seen_owners == {"admin"}


# --- sourceConfig: filters --------------------------------------------------------------------


def test_a_filtered_model_is_never_sent_and_is_counted(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    models = system_models(connection_options)
    skipped = models[0]
    pattern = {"excludes": [f"^{re.escape(skipped.name)}$"]}

    result = run(
        workflow_config(source(connection_options, mlModelFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert result.passed
    assert read_model(om_client, model_fqn(skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_model(om_client, model_fqn(model.name)) for model in models[1:])


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    config = workflow_config(
        source(connection_options, mlModelFilterPattern={"excludes": ["("]}), stand_in
    )
    with pytest.raises(
        ConfigError, match=r"mlModelFilterPattern\.excludes\[0\].*regular expression"
    ):
        run(config, stand_in)
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def _run_twice_without(
    stand_in: StandIn,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    gone: str,
    **source_config: Any,
) -> Any:
    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    edit_records(monkeypatch, MODELS, lambda model: None if model.name == gone else model)
    return run(workflow_config(source(connection_options, **source_config), stand_in), stand_in)


def test_a_model_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = system_models(connection_options)
    gone = models[-1]
    gone_fqn = model_fqn(gone.name)

    second = _run_twice_without(stand_in, connection_options, monkeypatch, gone.name)

    assert second.passed
    assert read_model(om_client, gone_fqn) is None
    deleted = read_model(om_client, gone_fqn, "deleted")
    assert deleted is not None and deleted["deleted"] is True
    assert [e for e in stand_in.store.deletions() if e == gone_fqn] == [gone_fqn]
    for model in models[:-1]:
        assert read_model(om_client, model_fqn(model.name)) is not None


def test_nothing_is_deleted_when_mark_deleted_ml_models_is_off(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = system_models(connection_options)
    gone = models[-1]

    second = _run_twice_without(
        stand_in, connection_options, monkeypatch, gone.name, markDeletedMlModels=False
    )

    assert second.passed
    assert read_model(om_client, model_fqn(gone.name)) is not None
    assert stand_in.store.deletions() == []


def test_a_model_the_filter_now_leaves_out_is_soft_deleted_like_a_gone_one(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    """Deletions cover the whole service, as in OpenMetadata's own ML model connectors."""
    models = system_models(connection_options)
    left_out = models[0]
    left_out_fqn = model_fqn(left_out.name)
    pattern = {"excludes": [f"^{re.escape(left_out.name)}$"]}

    assert run(workflow_config(source(connection_options), stand_in), stand_in).passed
    second = run(
        workflow_config(source(connection_options, mlModelFilterPattern=pattern), stand_in),
        stand_in,
    )

    assert second.passed
    assert read_model(om_client, left_out_fqn) is None
    assert stand_in.store.deletions() == [left_out_fqn]


# --- Errors -----------------------------------------------------------------------------------


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = system_models(connection_options)
    broken = models[0]
    edit_records(
        monkeypatch,
        MODELS,
        lambda model: (
            model.model_copy(update={"server": "not a URL"}) if model.name == broken.name else model
        ),
    )

    result = run(workflow_config(source(connection_options), stand_in), stand_in)

    [failure] = result.failures
    assert broken.name in failure["name"] and "server" in failure["error"]
    assert read_model(om_client, model_fqn(broken.name)) is None
    assert all(read_model(om_client, model_fqn(model.name)) for model in models[1:])


def test_test_connection_as_openmetadata_calls_it(connection_options: dict[str, str]) -> None:
    connection = service_connection(connection_options)
    client = connector.get_connection(connection)

    result = connector.test_connection(None, client, connection, automation_workflow=None)

    assert result.steps and all(step.passed for step in result.steps)
