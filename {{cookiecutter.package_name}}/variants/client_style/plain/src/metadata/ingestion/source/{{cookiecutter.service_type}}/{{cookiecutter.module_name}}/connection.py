{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""What the connector needs to reach your system, and the checks of Test Connection.

``connectionOptions`` of the workflow config arrive as strings; ``{{ prefix }}Options`` types
and checks them. Declare secrets as ``SecretStr``: the connector never sends them to
OpenMetadata, and the local harness never prints them. Take them from the environment
in the config (``api_token: "${ACME_API_TOKEN}"``), never write them into it.

OpenMetadata finds ``get_connection`` and ``test_connection`` in the module named by
``sourcePythonClass`` (``metadata.py`` imports them from here); ``make test-connection``
runs them locally.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metadata.generated.schema.entity.services.connections.testConnectionResult import (
    TestConnectionResult,
)
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.connections.test_connections import (
    TestConnectionStep,
    _test_connection_steps,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from pydantic import BaseModel, ConfigDict, ValidationError

from .client import EXAMPLE_RECORDS, {{ prefix }}Client


class {{ prefix }}Options(BaseModel):
    """The ``connectionOptions`` of the workflow config, typed; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # TODO: declare what your system needs to connect, e.g.
    #   host: str
    #   api_token: SecretStr   (a secret: never sent to OpenMetadata, never printed)
    records_file: Path = EXAMPLE_RECORDS


def parse_options(connection: Any) -> {{ prefix }}Options:
    """Validate ``connectionOptions``; errors name the option, never its value."""
    options = connection.connectionOptions.root if connection.connectionOptions else {}
    try:
        return {{ prefix }}Options.model_validate(options)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'connectionOptions'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InvalidSourceException(f"Invalid connectionOptions: {problems}") from None


def get_connection(connection: Any) -> {{ prefix }}Client:
    """The client of your system, from the service connection (also for Test Connection)."""
    return {{ prefix }}Client(parse_options(connection))


def test_connection(
    metadata: OpenMetadata | None,
    client: {{ prefix }}Client,
    service_connection: Any,
    automation_workflow: Any | None = None,
) -> TestConnectionResult:
    """Run the connection checks, one step each; OpenMetadata reports each step's outcome.

    ``client`` and ``service_connection`` have no defaults on purpose: OpenMetadata's
    runner tries other call forms first and must fail on them.
    """
    steps = [
        TestConnectionStep(
            name="CheckAccess",
            description="Reach the system with the configured options.",
            function=client.check_access,
            error_message="Could not reach the system; check connectionOptions.",
            mandatory=True,
            short_circuit=True,
        ),
    ]
    return _test_connection_steps(metadata, steps, automation_workflow)  # type: ignore[arg-type]
