{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""{{ cookiecutter.module_name }}: an OpenMetadata custom ML model connector.

OpenMetadata's ingestion workflow imports ``{{ cookiecutter.class_name }}`` from the ``sourcePythonClass`` of
``connector.yaml``, calls ``create`` and ``prepare``, then iterates ``_iter``: each
``Either.right`` is a record the sink sends to the server, each ``Either.left`` an
error counted in the run's status. ``_iter`` sends, in this order:

1. the service, with its display name and description (``_service``);
2. each model the filter keeps: algorithm, target, features (their types, algorithms,
   sources and tags), hyper-parameters, where it is stored and served, tags, owners
   (``_model``);
3. the soft deletion of the models the system no longer has (``mark_deleted``).

Each step is a short method: keep, change or delete it. Where to change what:
``models.py`` (your system's records), ``client.py`` (how they are fetched),
``connection.py`` (options, Test Connection), this module (how records become entities);
``source.py`` holds what the workflow calls besides ``_iter``, the same for every type.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from metadata.generated.schema.api.data.createMlModel import CreateMlModelRequest
from metadata.generated.schema.api.services.createMlModelService import (
    CreateMlModelServiceRequest,
)
from metadata.generated.schema.entity.data.mlmodel import (
    FeatureSource,
    FeatureSourceDataType,
    FeatureType,
    MlFeature,
    MlHyperParameter,
    MlModel,
    MlStore,
)
from metadata.generated.schema.entity.data.table import Table
from metadata.generated.schema.entity.services.connections.mlmodel.customMlModelConnection import (
    CustomMlModelConnection,
)
from metadata.generated.schema.entity.services.mlmodelService import (
    MlModelConnection,
    MlModelServiceType,
)
from metadata.generated.schema.metadataIngestion.mlmodelServiceMetadataPipeline import (
    MlModelServiceMetadataPipeline,
)
from metadata.generated.schema.metadataIngestion.workflow import (
    Source as WorkflowSource,
)
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.ingestion.api.models import Either
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from .connection import get_connection, test_connection
from .models import (
    MODELS,
    RemoteFeature,
    RemoteFeatureSource,
    RemoteHyperParameter,
    RemoteMlModel,
)
from .records import entity_fqn, guarded
from .source import ConnectorSource

__all__ = ["{{ cookiecutter.class_name }}", "get_connection", "test_connection"]

{{ cookiecutter.connector_name | python_constant("SERVICE_DISPLAY_NAME") }}
{{ cookiecutter.description | python_constant("SERVICE_DESCRIPTION") }}
CLASSIFICATION = "{{ prefix }}"
"""The classification of your system's labels: a label ``gold`` becomes ``{{ prefix }}.gold``."""


class {{ cookiecutter.class_name }}(ConnectorSource[MlModelServiceMetadataPipeline]):
    """The OpenMetadata source of {{ cookiecutter.module_name }}: a custom ML model service."""

    connection_class = CustomMlModelConnection
    pipeline_model = MlModelServiceMetadataPipeline
    display_name = SERVICE_DISPLAY_NAME
    description = SERVICE_DESCRIPTION
    classification_name = CLASSIFICATION
    # ML model ingestion has no includeTags/includeOwners settings: both are always on.
    include_owners_by_default = True
    deletions = (("markDeletedMlModels", True, MlModel),)

    def __init__(self, config: WorkflowSource, metadata: OpenMetadata) -> None:
        super().__init__(config, metadata)
        self.tables: dict[str, EntityReference | None] = {}  # feature source tables, by FQN

    def _iter(self) -> Iterable[Either]:
        yield from self._service()
        # Models are compared across the whole service, as OpenMetadata's own ML model
        # connectors do: a model that the filter now leaves out is gone too.
        self.seen.scope(MlModel, "service", self.service_name)
        for model in self.fetch(MODELS):
            yield from guarded(model.name, self._model(model))
        yield from self.mark_deleted()

    # --- The service ----------------------------------------------------------------------

    def _service(self) -> Iterator[Either]:
        kept = self.connection_to_store()
        yield Either(
            right=CreateMlModelServiceRequest(
                name=self.service_name,
                serviceType=MlModelServiceType.CustomMlModel,
                connection=MlModelConnection(config=kept) if kept is not None else None,
                displayName=SERVICE_DISPLAY_NAME,
                description=SERVICE_DESCRIPTION,
            )
        )

    # --- Models ---------------------------------------------------------------------------

    def _model(self, model: RemoteMlModel) -> Iterator[Either]:
        model_fqn = entity_fqn(MlModel, service_name=self.service_name, mlmodel_name=model.name)
        if not self.settings.keep("mlModelFilterPattern", model.name, model_fqn):
            return
        self.seen.add(MlModel, "service", self.service_name, model_fqn)  # there, even if it fails
        request = self._model_request(model_fqn, model)  # fails before any yield
        yield from self.classification.tags(
            [*model.labels, *(label for feature in model.features for label in feature.labels)]
        )
        yield Either(right=request)

    def _model_request(self, model_fqn: str, model: RemoteMlModel) -> CreateMlModelRequest:
        return CreateMlModelRequest(
            name=model.name,
            description=model.description,
            service=self.service_fqn,
            algorithm=model.algorithm,
            target=model.target,
            mlFeatures=[self._feature(model_fqn, feature) for feature in model.features] or None,
            mlHyperParameters=[hyper_parameter(p) for p in model.hyper_parameters] or None,
            mlStore=ml_store(model),
            server=model.server,
            owners=self.owners.of(model.owner, model_fqn),
            tags=self.classification.labels_of(model.labels),
        )

    def _feature(self, model_fqn: str, feature: RemoteFeature) -> MlFeature:
        return MlFeature(
            name=feature.name,
            dataType=FeatureType(feature.type) if feature.type else None,
            description=feature.description,
            featureAlgorithm=feature.algorithm,
            featureSources=[self._feature_source(model_fqn, s) for s in feature.sources] or None,
            tags=self.classification.labels_of(feature.labels),
        )

    def _feature_source(self, model_fqn: str, source: RemoteFeatureSource) -> FeatureSource:
        return FeatureSource(
            name=source.name,
            dataType=FeatureSourceDataType(source.type) if source.type else None,
            description=source.description,
            dataSource=self._table(model_fqn, source.table) if source.table else None,
        )

    def _table(self, model_fqn: str, table_fqn: str) -> EntityReference | None:
        """The table a feature comes from; the server refuses a reference to none."""
        if table_fqn not in self.tables:
            table = self.metadata.get_by_name(entity=Table, fqn=table_fqn)
            found = EntityReference(id=table.id, type="table") if table is not None else None
            self.tables[table_fqn] = found
        if self.tables[table_fqn] is None:
            self.status.warning(
                model_fqn,
                f"feature source table {table_fqn!r} is not in OpenMetadata: sent without it",
            )
        return self.tables[table_fqn]


def ml_store(model: RemoteMlModel) -> MlStore | None:
    """Where the model is kept: its files (``storage``) and its image, when the system says."""
    if not (model.storage or model.image_repository):
        return None
    return MlStore(storage=model.storage, imageRepository=model.image_repository)


def hyper_parameter(parameter: RemoteHyperParameter) -> MlHyperParameter:
    """A hyper-parameter; OpenMetadata keeps values as text (numbers as JSON writes them)."""
    value = parameter.value
    return MlHyperParameter(
        name=parameter.name,
        value=value if value is None or isinstance(value, str) else json.dumps(value),
        description=parameter.description,
    )
