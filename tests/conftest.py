"""Fixtures of the template's own tests: bakes through the real cookiecutter CLI (the one
way of baking), the choices read from cookiecutter.json, and one shared virtualenv per
OpenMetadata release for every generated project."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import tomllib

TEMPLATE = Path(__file__).resolve().parents[1]
HARNESS = TEMPLATE / "{{cookiecutter.package_name}}" / "local-harness"
CACHE = Path(os.environ.get("TEMPLATE_TEST_CACHE", TEMPLATE / ".cache"))
COOKIECUTTER_JSON: dict[str, Any] = json.loads((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
# Every choice variable and its values, as cookiecutter.json declares them (first = default).
CHOICES: dict[str, list[str]] = {key: value for key, value in COOKIECUTTER_JSON.items() if isinstance(value, list)}
SERVICE_TYPES: tuple[str, ...] = tuple(CHOICES["service_type"])
CLIENT_STYLES: tuple[str, ...] = tuple(CHOICES["client_style"])
SERVICE_FACTS: dict[str, dict[str, Any]] = COOKIECUTTER_JSON["_service_types"]
CLIENT_FACTS: dict[str, dict[str, Any]] = COOKIECUTTER_JSON["_client_styles"]
RELEASE_FACTS: dict[str, dict[str, Any]] = COOKIECUTTER_JSON["_openmetadata_releases"]
NEWEST_RELEASE = "2.0.6"
OLDEST_RELEASE = "1.5.15.2"
GENERATED_PROJECTS = "tests/test_generated_projects.py"

# tests/harness/ tests the generated repository's local harness: it needs openmetadata-ingestion,
# so it runs inside the shared virtualenvs (tests/test_harness.py), not in this process.
collect_ignore = ["harness"]


def line_of(release: str) -> tuple[int, int]:
    major, minor = release.split(".")[:2]
    return int(major), int(minor)


def allowed(service_type: str, client_style: str, release: str = NEWEST_RELEASE) -> bool:
    """Whether the hooks accept this combination (the facts of cookiecutter.json)."""
    styles_for = str(CLIENT_FACTS[client_style]["service_types"])
    return (styles_for == "all" or service_type in styles_for.split()) and line_of(release) >= line_of(
        str(SERVICE_FACTS[service_type]["since"])
    )


def case_id(context: dict[str, Any]) -> str:
    """A test id naming every variable the case sets: ``service_type:drive-client_style:plain``."""
    return "-".join(f"{key}:{_cli_value(value)}" for key, value in context.items())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests on generated projects last: their work starts in the background at the
    beginning of the session (``_start_generated_projects``) and runs beside the rest."""
    items.sort(key=lambda item: item.nodeid.startswith(GENERATED_PROJECTS))


@pytest.fixture(scope="session", autouse=True)
def _start_generated_projects(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    if any(item.nodeid.startswith(GENERATED_PROJECTS) for item in request.session.items):
        from .test_generated_projects import start_preparation

        start_preparation(tmp_path_factory)


@dataclass(frozen=True)
class Bake:
    """The outcome of one ``cookiecutter`` run."""

    returncode: int
    stdout: str
    stderr: str
    output_dir: Path
    context: dict[str, Any]

    @property
    def project(self) -> Path:
        (project,) = [path for path in self.output_dir.iterdir() if path.is_dir()]
        return project

    @property
    def answers(self) -> dict[str, Any]:
        """The answers cookiecutter recorded (``.cookiecutter.json`` of the project)."""
        recorded = json.loads((self.project / ".cookiecutter.json").read_text(encoding="utf-8"))
        return dict(recorded["cookiecutter"])


def bake(output_dir: Path, *options: str, **context: Any) -> Bake:
    """Run the real cookiecutter CLI, as a user would, with ``key=value`` overrides.

    ``options`` are more command-line options (``--replay-file F``); without any, the
    run is ``--no-input``.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    overrides = [f"{key}={_cli_value(value)}" for key, value in context.items()]
    mode = list(options) or ["--no-input"]
    completed = subprocess.run(
        [sys.executable, "-m", "cookiecutter", *mode, str(TEMPLATE), "-o", str(output_dir), *overrides],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,  # a bake that would prompt fails instead of hanging
    )
    return Bake(completed.returncode, completed.stdout, completed.stderr, output_dir, context)


def _cli_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def _lock(path: Path) -> threading.Lock:
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(path, threading.Lock())


def uv_executable() -> str:
    return shutil.which("uv") or str(Path(sys.executable).parent / "uv")


class SharedVenv:
    """A virtualenv with one openmetadata-ingestion release, shared by every project."""

    def __init__(self, release: str, extras: str = "") -> None:
        self.release = release
        requirements = [
            f"openmetadata-ingestion{extras}=={release}",
            "dbt-core<1.12",  # see the generated constraints.txt
            "pytest>=8",
            "ruff>=0.6",
            "mypy>=1.10",
        ]
        digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
        self.path = CACHE / "venvs" / f"om-{release}{extras.strip('[]') and '-' + extras.strip('[]')}-{digest}"
        self.requirements = requirements

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def ensure(self) -> SharedVenv:
        with _lock(self.path):  # the background preparation and a test may both ask
            self._build()
        return self

    def _build(self) -> None:
        marker = self.path / ".complete"
        if not marker.exists():
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([uv_executable(), "venv", "--quiet", "--python", sys.executable, str(self.path)], check=True)
            subprocess.run(
                [
                    uv_executable(),
                    "pip",
                    "install",
                    "--quiet",
                    "--compile-bytecode",
                    "--python",
                    str(self.python),
                    *self.requirements,
                ],
                check=True,
            )
            marker.write_text("\n".join(self.requirements))

    def install(self, *projects: Path, editable: bool = False, deps: bool = True) -> None:
        """Install ``projects`` afresh with what they declare beyond OpenMetadata (such as
        the undeclared imports of older releases): what the venv has already is kept.
        ``deps=False`` installs them alone, as ``pip install --no-deps`` does."""
        args: list[str] = [] if deps else ["--no-deps"]
        for project in projects:
            with (project / "pyproject.toml").open("rb") as file:
                args += ["--reinstall-package", tomllib.load(file)["project"]["name"]]
            args += ["-e", str(project)] if editable else [str(project)]
        subprocess.run([uv_executable(), "pip", "install", "--quiet", "--python", str(self.python), *args], check=True)

    def run(
        self, *args: str, cwd: Path, timeout: float = 900, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
        environment.pop("VIRTUAL_ENV", None)
        environment.update(env or {})
        return subprocess.run(
            [str(self.python), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment
        )
