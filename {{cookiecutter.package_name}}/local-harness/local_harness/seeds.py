"""What a fresh OpenMetadata server already holds and a connector may refer to.

- users ``admin`` (an administrator) and ``ingestion-bot`` (the bot ingestion runs as);
- team ``Organization`` (``teamType: Organization``, the root of every team);
- classifications ``PII`` (mutually exclusive: ``None``, ``NonSensitive``, ``Sensitive``)
  and ``Tier`` (mutually exclusive: ``Tier1`` to ``Tier5``), ``provider: system``;
- the ``Type`` registry of custom properties (``custom_properties.TypeRegistry``).

Sources: the server's seed data (``json/data/user``, ``json/data/team/organization.json``,
``json/data/tags/piiTags.json``, ``tierTags.json``, loaded at start-up by the
repositories' ``initSeedDataFromResources``). The stand-in seeds only these; other seed
data (roles, policies, glossaries, bots...) is not served. Seeded entities are marked
``seeded`` and stay out of ``Store.entities()`` and the run's report until a request
changes them.
"""

from __future__ import annotations

import json
from pathlib import Path

from local_harness import writes
from local_harness.auth import Principal
from local_harness.errors import ApiError
from local_harness.store import Store

SYSTEM = Principal("admin", bot=False)
CLASSIFICATIONS = {
    "PII": (
        "Personally Identifiable Information: information that, when used alone or with "
        "other relevant data, can identify an individual.",
        {
            "None": "Non PII",
            "NonSensitive": "PII which is easily accessible from public sources.",
            "Sensitive": "PII which if lost, compromised, or disclosed without authorization, "
            "could result in substantial harm.",
        },
    ),
    "Tier": (
        "Tiering captures the business importance of data.",
        {f"Tier{n}": f"Tier {n}" for n in range(1, 6)},
    ),
}


def seed(store: Store) -> None:
    """Put a fresh server's entities into ``store``."""
    with store.lock:
        _add(store, "Team", {"name": "Organization", "teamType": "Organization"})
        _add(store, "User", {"name": "admin", "email": "admin@open-metadata.org", "isAdmin": True})
        _add(
            store,
            "User",
            {"name": "ingestion-bot", "email": "ingestion-bot@open-metadata.org", "isBot": True},
        )
        for name, (description, tags) in CLASSIFICATIONS.items():
            _add(
                store,
                "Classification",
                {
                    "name": name,
                    "description": description,
                    "mutuallyExclusive": True,
                    "provider": "system",
                },
            )
            for tag, tag_description in tags.items():
                _add(
                    store,
                    "Tag",
                    {
                        "name": tag,
                        "description": tag_description,
                        "classification": name,
                        "provider": "system",
                    },
                )


def seed_existing(store: Store, path: Path) -> None:
    """Put what the project's OpenMetadata server already holds into ``store``, as seeds.

    ``path`` (``[tool.local-harness] existing-entities``) is a JSON object mapping entity
    kinds to create requests, parents first: ``{"DatabaseService": [...], "Table": [...]}``
    (the entities of other services a connector refers to, e.g. the tables its lineage
    reads). Raises ``ValueError`` naming the file and the entity that cannot be created.
    """
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: cannot read the existing entities: {err}") from None
    if not isinstance(existing, dict):
        raise ValueError(f"{path}: expected a JSON object of entity kinds to create requests")
    with store.lock:
        for kind_name, bodies in existing.items():
            if kind_name not in store.kinds:
                raise ValueError(f"{path}: {kind_name!r} is not an entity kind this release has")
            for body in bodies:
                try:
                    _add(store, kind_name, body)
                except ApiError as err:
                    name = body.get("name") if isinstance(body, dict) else body
                    raise ValueError(
                        f"{path}: cannot create {kind_name} {name!r}: {err.message}"
                    ) from None


def _add(store: Store, kind_name: str, body: dict[str, object]) -> None:
    written = writes.put(store, store.kinds[kind_name], body, SYSTEM)
    written.record.seeded = True
    written.record.touched = False
