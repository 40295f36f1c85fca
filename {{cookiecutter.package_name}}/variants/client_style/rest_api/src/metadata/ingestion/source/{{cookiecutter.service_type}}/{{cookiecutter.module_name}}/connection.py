{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""What the connector needs to reach your API, and the checks of Test Connection.

``connectionOptions`` of the workflow config arrive as strings; ``{{ prefix }}Options`` types
and checks them. Secrets are ``SecretStr``: the connector never sends them to
OpenMetadata, and the local harness never prints them. The config takes them from the
environment (``api_token: "${ACME_API_TOKEN}"``), never holds them.

OpenMetadata finds ``get_connection`` and ``test_connection`` in the module named by
``sourcePythonClass`` (``metadata.py`` imports them from here); ``make test-connection``
runs them locally.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import urlsplit

from metadata.generated.schema.entity.services.connections.testConnectionResult import (
    TestConnectionResult,
)
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.connections.test_connections import (
    TestConnectionStep,
    _test_connection_steps,
)
from metadata.ingestion.ometa.ometa_api import OpenMetadata
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .client import {{ prefix }}Client

UNEXPANDED = re.compile(r"\$\{(\w+)\}")
"""``${VAR}`` left as it is in a value: the config reads a variable that is not set."""


class {{ prefix }}Options(BaseModel):
    """The ``connectionOptions`` of the workflow config, typed; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    auth: Literal["bearer", "basic", "api_key"] = "bearer"
    api_token: SecretStr | None = None  # bearer token, or API key
    username: str | None = None  # basic
    password: SecretStr | None = None  # basic
    api_key_header: str = "X-API-Key"
    connect_timeout_s: float = Field(default=5, gt=0)
    read_timeout_s: float = Field(default=30, gt=0)
    retries: int = Field(default=3, ge=0)
    backoff_s: float = Field(default=0.5, ge=0)
    per_page: int = Field(default=100, ge=1)

    @field_validator("*", mode="before")
    @classmethod
    def _set_in_the_environment(cls, value: Any) -> Any:
        unexpanded = UNEXPANDED.search(value) if isinstance(value, str) else None
        if unexpanded:
            raise ValueError(
                f"the environment variable {unexpanded.group(1)}, which the config reads "
                "this option from, is not set"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = urlsplit(value)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _credentials(self) -> {{ prefix }}Options:
        needed = {"bearer": ("api_token",), "api_key": ("api_token",)}.get(
            self.auth, ("username", "password")
        )
        for name in needed:
            value = getattr(self, name)
            if not (value.get_secret_value() if isinstance(value, SecretStr) else value):
                raise ValueError(f"{name} is required (and not empty) when auth is {self.auth}")
        return self

    @property
    def credential_options(self) -> str:
        """The options that hold the credential, for messages about a refused one."""
        if self.auth == "basic":
            return "username and password"
        return (
            "api_token" if self.auth == "bearer" else f"api_token (sent as {self.api_key_header})"
        )


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
    """The client of your API, from the service connection (also for Test Connection)."""
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
            description="One authenticated GET to the API at base_url.",
            function=client.check_access,
            error_message="Could not use the API; the error names the option to check.",
            mandatory=True,
            short_circuit=True,
        ),
    ]
    return _test_connection_steps(metadata, steps, automation_workflow)  # type: ignore[arg-type]
