"""Shared fixtures.

Names avoid those of openmetadata-ingestion's own pytest plugin (``metadata``,
``workflow_config``, ``sink_config``, ``run_workflow``), which expects a live server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (
    OpenMetadataConnection,
)
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (
    OpenMetadataJWTClientConfig,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from om_local.run_local import load_config
from om_local.stand_in import StandIn

PROJECT = Path(__file__).resolve().parents[1]


def project_config(name: str) -> dict[str, Any]:
    """A workflow config of this repository, loaded the way ``metadata ingest`` loads it."""
    return load_config(PROJECT / name)


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
            securityConfig=OpenMetadataJWTClientConfig(jwtToken="local-run"),
        )
    )
