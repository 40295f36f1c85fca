"""Fixtures of the connector's tests: a stand-in OpenMetadata server, OpenMetadata's real
client talking to it, and a workflow config pointed at the example system.

The tests never read ``connector.yaml``'s connection: it is yours, and may point at
your real system. They take the example system from ``example_system.py`` (the
``connection_options`` fixture); point that at a test instance of your system when you
replace the client. Fixture names avoid those of openmetadata-ingestion's own pytest
plugin (``metadata``, ``workflow_config``, ``sink_config``, ``run_workflow``), which
expects a live server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from local_harness import StandIn, load_config
from local_harness.auth import local_token
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (
    OpenMetadataConnection,
)
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (
    OpenMetadataJWTClientConfig,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from .example_system import connection_options  # noqa: F401 - a fixture

# The shared test helpers assert too: pytest explains their failures as it does the tests'.
pytest.register_assert_rewrite("tests.support")

PROJECT = Path(__file__).resolve().parents[1]
TEST_SERVICE = "test_service"


def project_config(name: str) -> dict[str, Any]:
    """A workflow config of this repository, loaded as ``metadata ingest`` loads it."""
    return load_config(PROJECT / name)


def workflow_config(source: dict[str, Any], server: StandIn) -> dict[str, Any]:
    """A whole workflow config: ``source``, the metadata-rest sink, ``server``."""
    return {
        "source": source,
        "sink": {"type": "metadata-rest", "config": {}},
        "workflowConfig": {
            "loggerLevel": "INFO",
            "openMetadataServerConfig": {
                "hostPort": server.api_url,
                "authProvider": "openmetadata",
                "securityConfig": {"jwtToken": local_token()},
            },
        },
    }


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """A fresh stand-in OpenMetadata server on loopback."""
    with StandIn() as server:
        yield server


@pytest.fixture
def om_client(stand_in: StandIn) -> OpenMetadata:
    """OpenMetadata's real client, talking to the stand-in."""
    return OpenMetadata(
        OpenMetadataConnection(
            hostPort=stand_in.api_url,
            authProvider="openmetadata",
            securityConfig=OpenMetadataJWTClientConfig(jwtToken=local_token()),
        )
    )
