"""Fixtures of the harness's own tests: a stand-in playing the installed client's
release, OpenMetadata's real client and ``metadata-rest`` sink talking to it, and raw
HTTP for what the client does not expose.

These tests run inside a virtualenv with openmetadata-ingestion (1.5.15.2 or 2.0.6),
with ``PYTHONPATH`` pointing at the generated repository's ``local-harness``. Fixture
names avoid those of openmetadata-ingestion's pytest plugin (``metadata``,
``workflow_config``, ``sink_config``, ``run_workflow``), which wants a live server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from local_harness import StandIn
from local_harness.auth import local_token
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from metadata.ingestion.sink.metadata_rest import MetadataRestSink

from support import SERVER_VERSION, Http, client_for


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """A fresh stand-in playing the installed client's release."""
    with StandIn(server_version=SERVER_VERSION) as server:
        yield server


@pytest.fixture
def om(stand_in: StandIn) -> OpenMetadata:
    return client_for(stand_in)


@pytest.fixture
def http(stand_in: StandIn) -> Http:
    return Http(stand_in.api_url, local_token())


@pytest.fixture
def sink(om: OpenMetadata) -> Iterator[MetadataRestSink]:
    """OpenMetadata's ``metadata-rest`` sink; closed (flushed) at the end of the test."""
    sink = MetadataRestSink.create({}, om)
    yield sink
    sink.close()
