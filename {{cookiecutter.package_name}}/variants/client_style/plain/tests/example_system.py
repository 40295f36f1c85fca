"""The example system the connector's tests run against: the example records file.

When you replace the client, make ``connection_options`` point the connector at a test
instance of your system (or at recorded answers of it); the tests of ``test_connector``
then check your connector against it.
"""

from __future__ import annotations

import pytest

EXAMPLE_SYSTEM_LACKS: frozenset[str] = frozenset()
"""What the example system cannot hold that the connector's tests look for (none here)."""


@pytest.fixture
def connection_options() -> dict[str, str]:
    """``connectionOptions`` for the example system (the plain client's default file)."""
    return {}
