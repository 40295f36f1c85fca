"""The generated projects the figures measure, and the virtualenvs they run in."""

from __future__ import annotations

import shutil
import subprocess
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
    "class_name": "BenchConnectorSource",
}
HARNESS_PACKAGE = "local-harness"

# What every bake reads: the template itself, or a clean copy of it (``use_clean_copy``).
_baked_template = TEMPLATE


def use_clean_copy(workdir: Path) -> Path:
    """Bake from a copy of the files git knows of (tracked, or new and not ignored) from now on.

    A clone of the template has nothing else, but a working copy may: caches that tools
    left inside ``{{cookiecutter.package_name}}/`` (a ``.mypy_cache`` of 140 MB, for one)
    are copied into every bake and would be measured as the template's cost.
    """
    global _baked_template
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=TEMPLATE,
        capture_output=True,
        check=True,
    ).stdout.decode()
    copy = workdir / "template"
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE / name
        if source.is_file():  # a tracked file deleted in the working copy is not there
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _baked_template = copy
    return copy


def uv() -> str:
    """The dev venv's uv, else the one on PATH."""
    local = Path(sys.executable).parent / "uv"
    return str(local) if local.exists() else (shutil.which("uv") or "uv")


def system_python() -> str:
    """The interpreter the generated Makefile creates its venv with (``python3``)."""
    return shutil.which("python3") or sys.executable


def cookiecutter_command(
    output_dir: Path, hooks: bool = True, context: dict[str, str] | None = None, template: Path | None = None
) -> list[str]:
    """The real CLI, as a user runs it, in the template's dev venv (of the clean copy if made)."""
    source = template or _baked_template
    command = [sys.executable, "-m", "cookiecutter", "--no-input", str(source), "-o", str(output_dir)]
    if not hooks:
        command += ["--accept-hooks", "no"]
    return command + [f"{key}={value}" for key, value in (context or {}).items()]


def bake(
    output_dir: Path, hooks: bool = True, context: dict[str, str] | None = None, template: Path | None = None
) -> float:
    """Bake into ``output_dir`` (created); returns the wall time of the CLI."""
    output_dir.mkdir(parents=True, exist_ok=True)
    return run(cookiecutter_command(output_dir, hooks, context, template), cwd=output_dir)


def bake_bench_project(output_dir: Path, release: str | None = None) -> tuple[Path, float]:
    """The default connector under the bench names (for ``release``: the default one if None)."""
    context = BENCH_CONTEXT | ({"openmetadata_version": release} if release else {})
    seconds = bake(output_dir, context=context)
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
        """The project's own ``local_harness`` first on ``sys.path``: ``make install`` installs it
        editable from there; in a shared venv (``--python``) it is not installed at all."""
        return clean_env(PYTHONPATH=str(self.project / HARNESS_PACKAGE))

    def release(self) -> str:
        """The openmetadata-ingestion release installed in this Python."""
        code = "from importlib.metadata import version; print(version('openmetadata-ingestion'))"
        return subprocess.run(
            [str(self.python), "-c", code], capture_output=True, text=True, check=True, env=clean_env()
        ).stdout.strip()

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


def runtime_env(workdir: Path, python: Path | None, release: str | None = None) -> RuntimeEnv:
    """A bench project installed into ``python`` (``--no-deps``), or into a new uv venv
    (with ``release`` of openmetadata-ingestion: the project's constraints pin it)."""
    project, _ = bake_bench_project(workdir / f"runtime-{release or 'default'}", release)
    if python is None:
        return RuntimeEnv(uv_venv_with(project), project)
    install: Sequence[str] = [uv(), "pip", "install", "--quiet", "--no-deps", "--python", str(python), str(project)]
    run(install, cwd=project)
    return RuntimeEnv(python, project, installed_into_shared=True)
