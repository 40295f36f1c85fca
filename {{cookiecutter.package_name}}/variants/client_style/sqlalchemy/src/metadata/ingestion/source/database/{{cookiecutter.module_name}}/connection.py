{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""What the connector needs to reach your database, and the checks of Test Connection.

One option, ``url``: a SQLAlchemy URL (``postgresql+psycopg2://user:password@host:5432/db``).
It may hold a password, so it is a ``SecretStr``: the connector never sends it to
OpenMetadata, the local harness never prints it, and messages show it with the password
hidden. The config takes it from the environment (``url: "${ACME_DATABASE_URL}"``).
The database's driver must be installed beside the connector (``pip install psycopg2``).

OpenMetadata finds ``get_connection`` and ``test_connection`` in the module named by
``sourcePythonClass`` (``metadata.py`` imports them from here); ``make test-connection``
runs them locally.
"""

from __future__ import annotations

import re
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
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .client import {{ prefix }}Client

UNEXPANDED = re.compile(r"\$\{(\w+)\}")
"""``${VAR}`` left as it is in a value: the config reads a variable that is not set."""


class {{ prefix }}Options(BaseModel):
    """The ``connectionOptions`` of the workflow config, typed; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: SecretStr

    @field_validator("url", mode="before")
    @classmethod
    def _a_sqlalchemy_url(cls, value: Any) -> Any:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(text, str):
            return value  # SecretStr's own check says what is wrong
        unexpanded = UNEXPANDED.search(text)
        if unexpanded:
            raise ValueError(
                f"the environment variable {unexpanded.group(1)}, which the config reads "
                "this option from, is not set"
            )
        try:
            make_url(text)
        except (ArgumentError, ValueError):  # its message would show the URL and password
            raise ValueError(
                "not a SQLAlchemy URL (dialect+driver://user:password@host:port/database)"
            ) from None
        return value

    @property
    def sqlalchemy_url(self) -> URL:
        return make_url(self.url.get_secret_value())

    @property
    def shown_url(self) -> str:
        """The URL as messages show it: the password hidden."""
        return self.sqlalchemy_url.render_as_string(hide_password=True)


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
    """The client of your database, from the service connection (also for Test Connection)."""
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
            description="Connect with url and list the schemas.",
            function=client.check_access,
            error_message="Could not connect to the database; the error says why.",
            mandatory=True,
            short_circuit=True,
        ),
    ]
    return _test_connection_steps(metadata, steps, automation_workflow)  # type: ignore[arg-type]
