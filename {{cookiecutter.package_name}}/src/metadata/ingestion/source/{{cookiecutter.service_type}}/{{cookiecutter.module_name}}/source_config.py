"""The run's ``sourceConfig``, honoured as built-in connectors honour it.

- ``SourceSettings``: the typed pipeline model of the service type; its filter patterns
  are checked up front (an invalid regular expression stops the run before anything is
  sent, naming the field) and applied with OpenMetadata's rule, each filtered entity
  counted in the status.
- ``SeenEntities`` and ``mark_deleted``: what this run reported, per scope, and the soft
  deletion of what it no longer reports, with OpenMetadata's ``delete_entity_from_source``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from metadata.generated.schema.type.filterPattern import FilterPattern
from metadata.ingestion.api.delete import delete_entity_from_source
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.status import Status
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.utils import filters
from pydantic import BaseModel

P = TypeVar("P", bound=BaseModel)


def excluded(pattern: FilterPattern | None, name: str) -> bool:
    """Whether a sourceConfig filter ``pattern`` leaves ``name`` out.

    OpenMetadata's rule (``metadata.utils.filters``): a name is kept when it matches an
    ``includes`` regex (or there are none) and no ``excludes`` regex, matched from its
    start, case-insensitively. Each ``filter_by_*`` helper applies this one rule to one
    kind of entity; it is called here directly because older releases lack some of the
    helpers (``filter_by_stored_procedure`` and the drive ones arrived later).
    """
    return bool(filters._filter(pattern, name))


class SourceSettings(Generic[P]):
    """The run's ``sourceConfig.config``, typed as the service type's pipeline model.

    ``keep(pattern_field, name)`` applies a filter pattern and counts what it leaves out
    in the status; ``enabled(flag, default)`` reads a flag, ``default`` when this release
    has no such setting (``markDeletedSchemas`` arrived in 1.8, for instance).
    """

    def __init__(self, config: P, status: Status) -> None:
        self.config = config
        self.status = status
        for name, value in config:
            if isinstance(value, FilterPattern):
                _check_patterns(name, value)

    def pattern(self, pattern_field: str) -> FilterPattern | None:
        value = getattr(self.config, pattern_field, None)
        return value if isinstance(value, FilterPattern) else None

    def keep(self, pattern_field: str, name: str, shown: str | None = None) -> bool:
        """Whether ``name`` passes the filter ``pattern_field``; counts it when it does not.

        ``shown`` is how the status names it (an FQN, as built-in connectors do).
        """
        if not excluded(self.pattern(pattern_field), name):
            return True
        self.status.filter(shown or name, f"Filtered out by {pattern_field}")
        return False

    def enabled(self, flag: str, default: bool) -> bool:
        value = getattr(self.config, flag, None)
        return default if value is None else bool(value)


def _check_patterns(pattern_field: str, pattern: FilterPattern) -> None:
    """Refuse an invalid regular expression before anything is sent, naming the field."""
    for side in ("includes", "excludes"):
        for position, regex in enumerate(getattr(pattern, side) or []):
            try:
                re.compile(regex)
            except re.error as err:
                raise InvalidSourceException(
                    f"sourceConfig.config.{pattern_field}.{side}[{position}]: {regex!r} is not a "
                    f"valid regular expression ({err})"
                ) from None


def source_settings(source_config: Any, model: type[P], status: Status) -> SourceSettings[P]:
    """The typed ``sourceConfig.config`` of a workflow Source, or a clear error."""
    config = getattr(source_config, "config", None)
    if config is None:
        config = model()
    if not isinstance(config, model):
        raise InvalidSourceException(
            f"sourceConfig.config: expected {model.__name__}, got {type(config).__name__}"
        )
    return SourceSettings(config, status)


@dataclass
class SeenEntities:
    """The FQNs this run reported, by entity type and scope (``"databaseSchema"``, FQN).

    A scope is opened when the run processes it, even if it reports nothing in it: an
    emptied schema is a scope whose tables are all gone. Add an entity as soon as the
    system reports it, before building what is sent: a record that fails is still there.
    ``complete`` turns false when part of the system could not be read: what is missing
    then may only be unread, and nothing is deleted.
    """

    by_scope: dict[tuple[type[Any], str, str], set[str]] = field(default_factory=dict)
    complete: bool = True

    def scope(self, entity_type: type[Any], scope_field: str, scope_fqn: str) -> set[str]:
        """Open a scope the run processes; returns the FQNs reported in it."""
        return self.by_scope.setdefault((entity_type, scope_field, scope_fqn), set())

    def add(self, entity_type: type[Any], scope_field: str, scope_fqn: str, fqn: str) -> None:
        self.scope(entity_type, scope_field, scope_fqn).add(fqn)


def mark_deleted(
    metadata: OpenMetadata, seen: SeenEntities, entity_type: type[Any], status: Status
) -> Iterator[Either]:
    """Soft-delete the entities of ``entity_type`` that the run no longer reports.

    Only within the scopes the run processed, as built-in connectors do: tables within
    each schema it read, never in a schema it skipped; and only when the run read all of
    them (``seen.complete``). OpenMetadata's ``delete_entity_from_source`` finds them (on
    the server from 2.0 on, by listing the scope before) and yields the deletions for the
    sink.
    """
    if not seen.complete:
        status.warning(
            entity_type.__name__,
            "nothing soft-deleted: part of the system could not be read, so what is missing "
            "may only be unread",
        )
        return
    for (kind, scope_field, scope_fqn), fqns in list(seen.by_scope.items()):
        if kind is entity_type:
            yield from delete_entity_from_source(
                metadata=metadata,
                entity_type=entity_type,
                entity_source_state=fqns,
                params={scope_field: scope_fqn},
            )
