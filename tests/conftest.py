"""Fixtures of the template's own tests: bakes through the real cookiecutter CLI, and
one shared virtualenv per OpenMetadata release for every generated project."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TEMPLATE = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("TEMPLATE_TEST_CACHE", TEMPLATE / ".cache"))
SERVICE_TYPES = ("database", "dashboard", "pipeline", "messaging", "mlmodel", "storage", "search", "drive")
NEWEST_RELEASE = "2.0.6"
OLDEST_RELEASE = "1.5.15.2"
GENERATED_PROJECTS = "tests/test_generated_projects.py"


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
        return self.output_dir / str(self.context.get("package_name", "my-awesome-connector"))


def bake(output_dir: Path, **context: Any) -> Bake:
    """Run the real cookiecutter CLI, as a user would, with ``key=value`` overrides."""
    output_dir.mkdir(parents=True, exist_ok=True)
    overrides = [f"{key}={_cli_value(value)}" for key, value in context.items()]
    completed = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(output_dir), *overrides],
        capture_output=True,
        text=True,
        check=False,
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


class SharedVenv:
    """A virtualenv with one openmetadata-ingestion release, shared by every project."""

    def __init__(self, release: str) -> None:
        self.release = release
        requirements = [
            f"openmetadata-ingestion=={release}",
            "dbt-core<1.12",  # see the generated constraints.txt
            "cachetools",  # undeclared dependency of releases before 2.0
            "pytest>=8",
            "ruff>=0.6",
            "mypy>=1.10",
        ]
        digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:12]
        self.path = CACHE / "venvs" / f"om-{release}-{digest}"
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
            uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
            subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(self.path)], check=True)
            subprocess.run(
                [
                    uv,
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

    def install(self, *projects: Path, editable: bool = False) -> None:
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        args: list[str] = []
        for project in projects:
            args += ["-e", str(project)] if editable else [str(project)]
        subprocess.run(
            [uv, "pip", "install", "--quiet", "--no-deps", "--reinstall", "--python", str(self.python), *args],
            check=True,
        )

    def run(self, *args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
        env.pop("VIRTUAL_ENV", None)
        return subprocess.run(
            [str(self.python), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
        )


# tests/harness/ tests the generated repository's local harness: it needs openmetadata-ingestion,
# so it runs inside the shared virtualenvs (tests/test_harness.py), not in this process.
collect_ignore = ["harness"]
