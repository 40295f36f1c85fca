"""Tags and owners, as OpenMetadata wants them on entities.

- ``Classification``: your system's labels become tags of one classification that the
  connector owns; each tag is created (``OMetaTagAndClassification``) the first time a
  record uses it, before the record, because the server refuses a tag that does not
  exist.
- ``Owners``: owners are OpenMetadata users or teams that must exist already: a name
  from your system is looked up once; one that is not there is reported as a warning
  and the entity is sent without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from metadata.generated.schema.api.classification.createClassification import (
    CreateClassificationRequest,
)
from metadata.generated.schema.api.classification.createTag import CreateTagRequest
from metadata.generated.schema.entity.teams.team import Team
from metadata.generated.schema.entity.teams.user import User
from metadata.generated.schema.type.entityReference import EntityReference
from metadata.generated.schema.type.entityReferenceList import EntityReferenceList
from metadata.generated.schema.type.tagLabel import LabelType, State, TagLabel, TagSource
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.status import Status
from metadata.ingestion.models.ometa_classification import OMetaTagAndClassification
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils import fqn


class Classification:
    """The classification of your system's labels: ``<name>.<label>`` tags.

    ``tags(labels)`` yields the creation of each label's tag the first time it appears
    (nothing when ``enabled`` is false: ``includeTags`` off), then ``labels_of(labels)``
    gives the ``TagLabel``s to put on an entity or a column.
    """

    def __init__(self, name: str, description: str, enabled: bool = True) -> None:
        self.name = name
        self.description = description
        self.enabled = enabled
        self._created: set[str] = set()

    def tag_fqn(self, label: str) -> str:
        return f"{fqn.quote_name(self.name)}.{fqn.quote_name(label)}"

    def tags(self, labels: Iterable[str]) -> Iterator[Either]:
        """The tags (and the classification) of ``labels`` not created yet in this run."""
        if not self.enabled:
            return
        for label in dict.fromkeys(labels):
            if label in self._created:
                continue
            self._created.add(label)
            yield Either(
                right=OMetaTagAndClassification(
                    fqn=self.tag_fqn(label),
                    classification_request=CreateClassificationRequest(
                        name=self.name, description=self.description
                    ),
                    tag_request=CreateTagRequest(
                        classification=self.name,
                        name=label,
                        description=f"{label}: a label of {self.name}.",
                    ),
                )
            )

    def labels_of(self, labels: Iterable[str]) -> list[TagLabel] | None:
        """The ``TagLabel``s of ``labels`` (None when there are none or tags are off)."""
        if not self.enabled:
            return None
        found = [
            TagLabel(
                tagFQN=self.tag_fqn(label),
                source=TagSource.Classification,
                labelType=LabelType.Automated,
                state=State.Confirmed,
            )
            for label in dict.fromkeys(labels)
        ]
        return found or None


class Owners:
    """Owner names of your system, resolved to OpenMetadata users or teams once each.

    A user is looked up by its name, then a team: only ``Group`` teams can own assets.
    ``enabled`` false (``includeOwners`` off) sends no owners at all.
    """

    def __init__(self, metadata: OpenMetadata, status: Status, enabled: bool) -> None:
        self.metadata = metadata
        self.status = status
        self.enabled = enabled
        self._resolved: dict[str, EntityReferenceList | None] = {}

    def of(self, name: str | None, entity: str) -> EntityReferenceList | None:
        """The owners of ``entity`` (its FQN, for the warning) from the owner ``name``."""
        if not self.enabled or not name:
            return None
        if name not in self._resolved:
            self._resolved[name] = self._lookup(name)
        owners = self._resolved[name]
        if owners is None:
            self.status.warning(
                entity,
                f"owner {name!r} is not a user or a Group team in OpenMetadata: sent without "
                "an owner (create the user or team, or map your system's owner names)",
            )
        return owners

    def _lookup(self, name: str) -> EntityReferenceList | None:
        user = self.metadata.get_by_name(entity=User, fqn=name)
        if user is not None:
            return EntityReferenceList(root=[EntityReference(id=user.id, type="user")])
        team = self.metadata.get_by_name(entity=Team, fqn=name)
        if team is not None and getattr(team.teamType, "value", team.teamType) == "Group":
            return EntityReferenceList(root=[EntityReference(id=team.id, type="team")])
        return None
