"""The example system the connector's tests run against: the example API of the local
harness, serving the example records on loopback (``[tool.local-harness.example-system]``
of pyproject.toml says which file).

When you point the connector at your API, make ``connection_options`` point at a test
instance of it (or keep the example API, serving records shaped like your API's); the
tests of ``test_connector`` then check your connector against it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_harness import ExampleApi
from local_harness.settings import load_settings

SYSTEM = load_settings(Path(__file__).resolve().parent).example_system
assert SYSTEM is not None, "pyproject.toml has no [tool.local-harness.example-system]"
EXAMPLE_RECORDS = SYSTEM.source
EXAMPLE_SYSTEM_LACKS: frozenset[str] = frozenset()
"""What the example system cannot hold that the connector's tests look for: nothing, the
example API serves every record of the example records file."""


@pytest.fixture
def connection_options() -> Iterator[dict[str, str]]:
    """``connectionOptions`` for the example API, started on loopback with a fresh token
    (strings, as in a workflow config)."""
    with ExampleApi.from_file(EXAMPLE_RECORDS, secrets.token_urlsafe(16)) as api:
        yield {"base_url": api.url, "auth": "bearer", "api_token": api.token}
