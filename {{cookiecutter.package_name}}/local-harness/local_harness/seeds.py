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

from local_harness import writes
from local_harness.auth import Principal
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


def _add(store: Store, kind_name: str, body: dict[str, object]) -> None:
    written = writes.put(store, store.kinds[kind_name], body, SYSTEM)
    written.record.seeded = True
    written.record.touched = False
