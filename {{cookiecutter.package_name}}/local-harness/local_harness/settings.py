"""The project's settings for the harness: ``[tool.local-harness]`` of its pyproject.toml.

::

    [tool.local-harness]
    openmetadata-version = "2.0.6"          # the server release the project targets
    existing-entities = "existing_entities.json"   # what that server already holds

    [tool.local-harness.example-system]     # what `run` serves when the variable is unset
    kind = "rest_api"                       # rest_api: the example API; sqlite: a database
    source = "path/to/records.json"         # its records (rest_api) or its SQL script (sqlite)
    variable = "ACME_BASE_URL"              # the environment variable the config reads
    token-variable = "ACME_API_TOKEN"       # rest_api: the bearer token it accepts

The file is the nearest pyproject.toml with that table, from the current directory up
(a pyproject.toml that is not TOML, such as a template's, is passed over).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TABLE = "local-harness"


@dataclass(frozen=True)
class ExampleSystem:
    """The example system a local run serves in place of the user's own."""

    kind: str
    source: Path
    variable: str
    token_variable: str | None = None


@dataclass(frozen=True)
class Settings:
    root: Path | None  # the folder of the pyproject.toml they come from
    openmetadata_version: str | None
    example_system: ExampleSystem | None
    existing_entities: Path | None = None


def _table(start: Path) -> tuple[Path, dict[str, Any]] | None:
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                with pyproject.open("rb") as file:
                    table = tomllib.load(file).get("tool", {}).get(TABLE)
            except tomllib.TOMLDecodeError:  # not a project file (a template, say): look further up
                continue
            if isinstance(table, dict):
                return folder, table
    return None


def load_settings(start: Path | None = None) -> Settings:
    """The settings of the project around ``start`` (default: the current directory)."""
    found = _table((start or Path.cwd()).resolve())
    if found is None:
        return Settings(None, None, None)
    root, table = found
    example = table.get("example-system")
    system = None
    if isinstance(example, dict):
        system = ExampleSystem(
            kind=str(example["kind"]),
            source=root / str(example["source"]),
            variable=str(example["variable"]),
            token_variable=example.get("token-variable"),
        )
    version = table.get("openmetadata-version")
    existing = table.get("existing-entities")
    return Settings(
        root, str(version) if version else None, system, root / existing if existing else None
    )


def target_release(start: Path | None = None) -> str:
    """The OpenMetadata release the project targets; outside a project, the installed client's."""
    return load_settings(start).openmetadata_version or installed_version("openmetadata-ingestion")
