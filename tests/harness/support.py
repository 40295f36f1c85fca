"""Helpers of the harness's tests: the release the stand-in plays, OpenMetadata's real
client pointed at a stand-in, raw HTTP, and the sink's flush and failures."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import requests

warnings.filterwarnings("ignore", category=UserWarning)  # pydantic's "shadows an attribute"

from local_harness import StandIn  # noqa: E402
from local_harness.auth import local_token  # noqa: E402
from local_harness.release import Release  # noqa: E402
from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (  # noqa: E402
    OpenMetadataConnection,
)
from metadata.generated.schema.security.client.openMetadataJWTClientConfig import (  # noqa: E402
    OpenMetadataJWTClientConfig,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata  # noqa: E402
from metadata.ingestion.sink.metadata_rest import MetadataRestSink  # noqa: E402

CLIENT_VERSION = version("openmetadata-ingestion")
# The release a stand-in plays in these tests: the installed client's (major.minor.patch).
SERVER_VERSION = ".".join(CLIENT_VERSION.split(".")[:3])
RELEASE = Release(SERVER_VERSION)
MODERN = RELEASE.modern  # the 2.0 family


def client_for(server: StandIn, token: str | None = None) -> OpenMetadata:
    """OpenMetadata's real client, pointed at ``server``."""
    return OpenMetadata(
        OpenMetadataConnection(
            hostPort=server.api_url,
            authProvider="openmetadata",
            securityConfig=OpenMetadataJWTClientConfig(jwtToken=token or local_token()),
        )
    )


@dataclass
class Http:
    """Raw HTTP to a stand-in: ``call("GET", "/tables?limit=1")`` -> (status, JSON, headers)."""

    base: str
    token: str | None

    def call(
        self, method: str, path: str, body: Any = None, **headers: str
    ) -> tuple[int, Any, dict[str, str]]:
        sent = dict(headers)
        if self.token is not None:
            sent["Authorization"] = f"Bearer {self.token}"
        response = requests.request(
            method, f"{self.base}/v1{path}", json=body, headers=sent, timeout=30
        )
        payload = response.json() if response.content else None
        return response.status_code, payload, dict(response.headers)


def flush(sink: MetadataRestSink) -> None:
    """Write what the sink buffered: 2.0 buffers create requests for its bulk API until
    a ``Barrier`` (1.5 writes each record at once and has no Barrier)."""
    try:
        from metadata.ingestion.models.barrier import Barrier
    except ImportError:
        return
    sink.run(Barrier(reason="test"))


def failures(sink: MetadataRestSink) -> list[str]:
    return [failure.error for failure in sink.get_status().failures]


def text(value: Any) -> str | None:
    """A value of a pydantic root type (``FullyQualifiedEntityName``...) as plain text."""
    if value is None:
        return None
    return str(getattr(value, "root", value))


def fqns(references: Any) -> list[str]:
    """The FQNs of a list of EntityReferences (an ``EntityReferenceList`` or a list)."""
    items = getattr(references, "root", references) or []
    return [str(item.fullyQualifiedName) for item in items]
