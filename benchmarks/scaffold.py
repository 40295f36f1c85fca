"""Figure: scaffold to green. Bake the connector, create a fresh virtualenv, install the
project the way its Makefile does (``make install``: ``-c constraints.txt -e ".[dev]"
-e ./local-harness``, the connector and its local harness), run its tests (``make test``:
the connector's own tests, which start its example system and a local run).

- ``pip``: ``make .venv/bin/python`` (``python3 -m venv`` and a pip upgrade), ``make install``.
- ``uv``: ``uv venv``, ``make install PIP="uv pip"`` (what the template's ``make demo`` does).
- Both: ``python -c "import metadata"`` (the first import in the new venv: under uv, which
  writes no bytecode at install time, it compiles OpenMetadata's modules), ``make test``,
  then the import once more (warm: what every later process pays).

"To green" is the user's path, bake, venv, ``make install``, ``make test``, with the one-time
compilation counted where the user meets it: green = bake + venv + install + tests +
(first import - warm import); its shares add up to one.

Package caches are whatever the machine has (the first run may fill them; the median
takes that into account). Each venv (~540 MB) is deleted once measured.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import log, ratio, run, summary

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
    import_metadata: list[str | Path] = [path / ".venv" / "bin" / "python", "-c", "import metadata"]
    phases["first_import"] = run(import_metadata, cwd=path)
    phases["tests"] = run(["make", "test"], cwd=path)
    phases["warm_import"] = run(import_metadata, cwd=path)
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
    figure: dict[str, Any] = {installer: summarise(runs_) for installer, runs_ in measured.items()}
    figure["pip_vs_uv"] = ratio(figure["pip"]["green"]["median"], figure["uv"]["green"]["median"])
    return {"runs": runs, **figure}, kept


def green(phases: dict[str, float]) -> float:
    return sum(phases[name] for name in PHASES) + phases["first_import"] - phases["warm_import"]


def summarise(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Medians per phase, the total to green, and the shares the issue asks for (of the run
    whose total is the median, so that they add up)."""
    result: dict[str, Any] = {name: summary([phases[name] for phases in runs]) for name in runs[0]}
    result["green"] = summary([green(phases) for phases in runs])
    typical = min(runs, key=lambda phases: abs(green(phases) - result["green"]["median"]))
    total = green(typical)
    result["shares"] = {
        "installing (venv + install)": round((typical["venv"] + typical["install"]) / total, 3),
        "importing metadata (first import)": round(typical["first_import"] / total, 3),
        "the tests without that import": round((typical["tests"] - typical["warm_import"]) / total, 3),
        "bake": round(typical["bake"] / total, 3),
    }
    return result
