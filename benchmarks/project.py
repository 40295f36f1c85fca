"""The generated projects the figures measure, and the virtualenvs they run in."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import clean_env, run

TEMPLATE = Path(__file__).resolve().parents[1]
# Unique names: the project may be installed into a shared virtualenv (--python).
BENCH_CONTEXT = {
    "connector_name": "Bench Connector",
    "package_name": "bench-connector",
    "module_name": "bench_connector",
    "class_name": "BenchConnector",
}


def uv() -> str:
    """The dev venv's uv, else the one on PATH."""
    local = Path(sys.executable).parent / "uv"
    return str(local) if local.exists() else (shutil.which("uv") or "uv")


def system_python() -> str:
    """The interpreter the generated Makefile creates its venv with (``python3``)."""
    return shutil.which("python3") or sys.executable


def cookiecutter_command(output_dir: Path, hooks: bool = True, context: dict[str, str] | None = None) -> list[str]:
    """The real CLI, as a user runs it, in the template's dev venv."""
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(TEMPLATE), "-o", str(output_dir)]
    if not hooks:
        command += ["--accept-hooks", "no"]
    return command + [f"{key}={value}" for key, value in (context or {}).items()]


def bake(output_dir: Path, hooks: bool = True, context: dict[str, str] | None = None) -> float:
    """Bake into ``output_dir`` (created); returns the wall time of the CLI."""
    output_dir.mkdir(parents=True, exist_ok=True)
    return run(cookiecutter_command(output_dir, hooks, context), cwd=output_dir)


def bake_bench_project(output_dir: Path) -> tuple[Path, float]:
    seconds = bake(output_dir, context=BENCH_CONTEXT)
    return output_dir / BENCH_CONTEXT["package_name"], seconds


@dataclass(frozen=True)
class RuntimeEnv:
    """A Python with openmetadata-ingestion and the bench project installed, and that project."""

    python: Path
    project: Path
    installed_into_shared: bool = False  # uninstall when done

    def command(self, *args: str | Path) -> list[str | Path]:
        return [self.python, *args]

    def env(self) -> dict[str, str]:
        """The project folder on ``sys.path`` (``om_local`` is not installed), as its tests have it."""
        return clean_env(PYTHONPATH=str(self.project))

    def cleanup(self) -> None:
        if self.installed_into_shared:
            run(
                [uv(), "pip", "uninstall", "--python", str(self.python), BENCH_CONTEXT["package_name"]],
                cwd=self.project,
            )


def uv_venv_with(project: Path) -> Path:
    """``uv venv`` + the project's ``make install`` with uv (the demo's way): its .venv's python."""
    venv = project / ".venv"
    run([uv(), "venv", "--quiet", "--python", system_python(), str(venv)], cwd=project)
    install_with_uv(project)
    return venv / "bin" / "python"


def install_with_uv(project: Path) -> float:
    env = clean_env(VIRTUAL_ENV=str(project / ".venv"))
    return run(["make", "install", f"PIP={uv()} pip"], cwd=project, env=env)


def runtime_env(workdir: Path, python: Path | None) -> RuntimeEnv:
    """A bench project installed into ``python`` (``--no-deps``), or into a new uv venv."""
    project, _ = bake_bench_project(workdir / "runtime")
    if python is None:
        return RuntimeEnv(uv_venv_with(project), project)
    install: Sequence[str] = [uv(), "pip", "install", "--quiet", "--no-deps", "--python", str(python), str(project)]
    run(install, cwd=project)
    return RuntimeEnv(python, project, installed_into_shared=True)
