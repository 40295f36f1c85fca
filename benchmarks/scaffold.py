"""Figure: scaffold to green. Bake the connector, create a fresh virtualenv, install the
project the way its Makefile does (``constraints.txt``, ``-e ".[dev]"``), run its tests.

- ``pip``: ``make .venv/bin/python`` (``python3 -m venv`` and a pip upgrade), ``make install``.
- ``uv``: ``uv venv``, ``make install PIP="uv pip"`` (what the template's ``make demo`` does).
- Both: ``make test``, then ``python -c "import metadata"`` once more, to show how much of
  every test run is that import alone (by then the bytecode is written: a warm import).

Package caches are whatever the machine has (the first run may fill them; the median
takes that into account). Each venv (~540 MB) is deleted once measured.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import log, median, ratio, run, summary

INSTALLERS = ("pip", "uv")
PHASES = ("bake", "venv", "install", "tests")


def _pip_venv(path: Path) -> float:
    return run(["make", ".venv/bin/python"], cwd=path)


def _pip_install(path: Path) -> float:
    return run(["make", "install"], cwd=path)


def _uv_venv(path: Path) -> float:
    return run([project.uv(), "venv", "--quiet", "--python", project.system_python(), ".venv"], cwd=path)


STEPS: dict[str, tuple[Callable[[Path], float], Callable[[Path], float]]] = {
    "pip": (_pip_venv, _pip_install),
    "uv": (_uv_venv, project.install_with_uv),
}


def scaffold_once(workdir: Path, installer: str) -> tuple[dict[str, float], Path]:
    """One bake-to-green with ``installer``: each phase's wall time, and the project."""
    path, bake_seconds = project.bake_bench_project(workdir)
    create_venv, install = STEPS[installer]
    phases = {"bake": bake_seconds, "venv": create_venv(path), "install": install(path)}
    phases["tests"] = run(["make", "test"], cwd=path)
    phases["import_metadata"] = run([path / ".venv" / "bin" / "python", "-c", "import metadata"], cwd=path)
    return phases, path


def measure(workdir: Path, runs: int, keep_uv_venv: bool) -> tuple[dict[str, Any], Path | None]:
    """``runs`` rounds of pip and uv, alternating; returns the figure and, if asked, the last
    uv project with its venv (for the run-time figures)."""
    measured: dict[str, list[dict[str, float]]] = {installer: [] for installer in INSTALLERS}
    kept: Path | None = None
    for index in range(runs):
        for installer in INSTALLERS if index % 2 == 0 else INSTALLERS[::-1]:
            log(f"scaffold: run {index + 1} of {runs} with {installer}")
            phases, path = scaffold_once(workdir / f"{installer}-{index}", installer)
            measured[installer].append(phases)
            if keep_uv_venv and installer == "uv":
                path, kept = kept or path, path  # keep this one, drop the one kept before
            if path != kept:
                shutil.rmtree(path / ".venv", ignore_errors=True)
    figure = {installer: summarise(runs_) for installer, runs_ in measured.items()}
    figure["pip_vs_uv"] = ratio(figure["pip"]["green"]["median"], figure["uv"]["green"]["median"])
    return {"runs": runs, **figure}, kept


def summarise(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Medians per phase, the total to green, and the shares the issue asks for."""
    green = [sum(phases[name] for name in PHASES) for phases in runs]
    result: dict[str, Any] = {name: summary([phases[name] for phases in runs]) for name in (*PHASES, "import_metadata")}
    result["green"] = summary(green)
    total = median(green)
    install = result["install"]["median"] + result["venv"]["median"]
    imported = result["import_metadata"]["median"]
    result["shares"] = {
        "installing (venv + install)": round(install / total, 3),
        "importing metadata (in the tests)": round(imported / total, 3),
        "the tests without that import": round((result["tests"]["median"] - imported) / total, 3),
        "bake": round(result["bake"]["median"] / total, 3),
    }
    return result
