"""The ML model connector as OpenMetadata runs it, against the stand-in server.

Expectations come from what the client reads from the system (``system_models``...),
not from the example's names: replace the client and the tests check your connector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from local_harness import ConfigError, StandIn
from metadata.generated.schema.entity.classification.classification import Classification
from metadata.generated.schema.entity.data.mlmodel import MlModel
from metadata.generated.schema.entity.services.mlmodelService import MlModelService
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.mlmodel.{{ cookiecutter.module_name }}.models import (
    MODELS,
    RemoteHyperParameter,
    RemoteMlModel,
)
from metadata.utils import fqn

from .conftest import TEST_SERVICE
from .support import (
    create_tables,
    edit_records,
    ingest,
    read,
    rights,
    run_twice,
    run_twice_with_a_failing_record,
    run_twice_with_an_unreadable_page,
    system_client,
    tag_fqns,
    tags_of,
    without,
)


def system_models(connection_options: dict[str, str]) -> list[RemoteMlModel]:
    """Every model the client reads."""
    with system_client(connection_options) as client:
        models = list(rights(client.records(MODELS)))
    assert models, "the example system has models"
    return models


def model_fqn(model: str) -> str:
    return fqn.build(None, MlModel, service_name=TEST_SERVICE, mlmodel_name=model)


def read_model(om_client: OpenMetadata, model: str, include: str = "non-deleted") -> Any:
    fields = "mlFeatures,mlHyperParameters,owners,tags"
    return read(
        om_client, f"/mlmodels/name/{quote(model, safe='')}?fields={fields}&include={include}"
    )


# --- What a run sends, read back from the server ----------------------------------------------


def test_a_run_creates_the_service_and_every_model_under_it(
    stand_in: StandIn, om_client: OpenMetadata, connection_options: dict[str, str]
) -> None:
    models = system_models(connection_options)

    result = ingest(stand_in, connection_options)

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

    assert ingest(stand_in, connection_options).passed

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

    assert ingest(stand_in, connection_options).passed

    assert om_client.get_by_name(Classification, connector.CLASSIFICATION) is not None
    for model in models:
        stored = read_model(om_client, model_fqn(model.name))
        assert tag_fqns(stored) == tags_of(model.labels)
        for feature, record in zip(stored.get("mlFeatures") or [], model.features, strict=True):
            assert tag_fqns(feature) == tags_of(record.labels), record.name


def test_a_feature_source_refers_to_its_table_when_openmetadata_has_it(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A table OpenMetadata has is referenced; one it does not have is a warning."""
    table_fqn = "warehouse.analytics.sales.customers"  # a table of another service
    table_id = create_tables(om_client, [table_fqn])[table_fqn]
    models = system_models(connection_options)
    model = next(m for m in models if any(feature.sources for feature in m.features))
    feature = next(feature for feature in model.features if feature.sources)
    known = feature.sources[0].model_copy(update={"table": table_fqn})
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

    result = ingest(stand_in, connection_options)

    assert result.passed and result.failures == [], result.failures
    assert result.status["source"]["warnings"] >= 1
    stored = read_model(om_client, model_fqn(model.name))
    [stored_feature] = [f for f in stored["mlFeatures"] if f["name"] == feature.name]
    sources = {source["name"]: source for source in stored_feature["featureSources"]}
    assert sources[known.name]["dataSource"]["id"] == table_id
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

    result = ingest(stand_in, connection_options)

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

    result = ingest(stand_in, connection_options, mlModelFilterPattern=pattern)

    assert result.passed
    assert read_model(om_client, model_fqn(skipped.name), "all") is None
    assert result.status["source"]["filtered"] == 1
    assert all(read_model(om_client, model_fqn(model.name)) for model in models[1:])


def test_an_invalid_filter_pattern_stops_the_run_before_anything_is_sent(
    stand_in: StandIn, connection_options: dict[str, str]
) -> None:
    with pytest.raises(
        ConfigError, match=r"mlModelFilterPattern\.excludes\[0\].*regular expression"
    ):
        ingest(stand_in, connection_options, mlModelFilterPattern={"excludes": ["("]})
    assert stand_in.store.entities() == []


# --- sourceConfig: deletions ------------------------------------------------------------------


def test_a_model_the_system_no_longer_has_is_soft_deleted_once(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = system_models(connection_options)
    gone = models[-1]
    gone_fqn = model_fqn(gone.name)

    second = run_twice(stand_in, connection_options, monkeypatch, MODELS, without(gone.name))

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

    second = run_twice(
        stand_in,
        connection_options,
        monkeypatch,
        MODELS,
        without(gone.name),
        markDeletedMlModels=False,
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

    assert ingest(stand_in, connection_options).passed
    second = ingest(stand_in, connection_options, mlModelFilterPattern=pattern)

    assert second.passed
    assert read_model(om_client, left_out_fqn) is None
    assert stand_in.store.deletions() == [left_out_fqn]


# --- Errors -----------------------------------------------------------------------------------


def with_a_wrong_server(broken: RemoteMlModel) -> Callable[[RemoteMlModel], RemoteMlModel]:
    """A change of the system: ``broken`` is served at something that is not a URL, which
    the connector refuses."""
    return lambda model: (
        model.model_copy(update={"server": "not a URL"}) if model.name == broken.name else model
    )


def test_a_bad_record_is_one_failure_and_the_rest_still_arrive(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    models = system_models(connection_options)
    broken = models[0]
    edit_records(monkeypatch, MODELS, with_a_wrong_server(broken))

    result = ingest(stand_in, connection_options)

    [failure] = result.failures
    assert broken.name in failure["name"] and "server" in failure["error"]
    assert read_model(om_client, model_fqn(broken.name)) is None
    assert all(read_model(om_client, model_fqn(model.name)) for model in models[1:])


def test_a_model_whose_record_fails_is_not_soft_deleted_by_a_later_run(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A record that fails is still in the system: its model stays as the last run left it."""
    models = system_models(connection_options)
    broken = models[0]

    run_twice_with_a_failing_record(
        stand_in,
        connection_options,
        monkeypatch,
        MODELS,
        with_a_wrong_server(broken),
        failing=broken.name,
        error="server",
    )

    assert read_model(om_client, model_fqn(broken.name)) is not None


def test_a_run_that_cannot_read_a_page_soft_deletes_nothing(
    stand_in: StandIn,
    om_client: OpenMetadata,
    connection_options: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What is missing may only be unread: a model the system no longer has stays."""
    models = system_models(connection_options)
    gone = models[-1]

    run_twice_with_an_unreadable_page(
        stand_in, connection_options, monkeypatch, MODELS, without(gone.name)
    )

    assert read_model(om_client, model_fqn(gone.name)) is not None
