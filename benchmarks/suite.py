"""Figure: the template's own test suite, and how it grows with the matrix.

Not the whole ``make test`` (minutes, and mostly fixed costs): its parts, serially (one
pytest worker, ``addopts`` emptied), then an extrapolation to the full matrix.

- Static bakes: ``pytest tests/test_generation.py -k <first k cases>`` at a few sizes; the
  slope of wall time over k is the cost of one more case (one bake and its checks).
- The rest of the static tests (hooks, IDE files, shipping), once, without the tests that
  need the shared OpenMetadata venvs (those are counted with the generated projects).
- One generated project: the suite's own ``PROJECT_CHECK`` (its tests, local runs, ruff,
  mypy in one interpreter) in the bench project, with a warm mypy cache (the suite keeps
  one per worker, beside its shared venvs, from run to run); mypy alone with a new and a
  warm cache shows what a worker's first project pays on a machine's first run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import clean_env, log, median, run
from benchmarks.project import TEMPLATE, RuntimeEnv
from tests import test_generated_projects, test_generation  # the suite's own matrix and check

PYTEST = [sys.executable, "-m", "pytest", "-q", "-o", "addopts=-p no:cacheprovider"]
WORKERS = 2  # test_generated_projects checks two projects at a time


def generation_growth(sizes: list[int]) -> dict[str, Any]:
    """Wall time of test_generation.py on the first k cases, for each k in ``sizes``."""
    cases = sorted(test_generation.CASES)
    _generation_tests(cases[:1])  # warm-up
    seconds = {}
    for size in sizes:
        log(f"suite: tests/test_generation.py on {size} case(s)")
        seconds[size] = _generation_tests(cases[:size])
    slope, intercept = _line(list(seconds), list(seconds.values()))
    return {
        "seconds_by_cases": {str(size): round(value, 2) for size, value in seconds.items()},
        "seconds_per_case": round(slope, 2),
        "fixed_seconds": round(intercept, 2),
        "cases_in_matrix": len(cases),
    }


def _generation_tests(cases: list[str]) -> float:
    return run([*PYTEST, "tests/test_generation.py", "-k", " or ".join(cases)], cwd=TEMPLATE, env=clean_env())


def _line(xs: list[int], ys: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0
    return slope, mean_y - slope * mean_x


def other_static_tests() -> float:
    log("suite: tests/test_hooks.py, test_ide.py, test_shipping.py (once, without the shared-venv tests)")
    files = ["tests/test_hooks.py", "tests/test_ide.py", "tests/test_shipping.py"]
    return run([*PYTEST, *files, "-k", "not builtin_connector_list"], cwd=TEMPLATE, env=clean_env())


def project_check(env: RuntimeEnv, workdir: Path) -> dict[str, float]:
    """The suite's per-project check in the bench project, its mypy cache warmed first (as for
    every project after a worker's first); mypy alone, new cache then warm, shows the difference."""
    script = workdir / "project_check.py"
    script.write_text(test_generated_projects.PROJECT_CHECK)
    cache = workdir / "mypy-cache"
    mypy = env.command("-m", "mypy", "--cache-dir", cache)
    log("suite: mypy in the generated project, a new cache then a warm one")
    seconds = {
        "mypy_new_cache": run(mypy, cwd=env.project, env=env.env()),
        "mypy_warm_cache": run(mypy, cwd=env.project, env=env.env()),
    }
    log("suite: one generated project's whole check (warm mypy cache)")
    seconds["check"] = run(env.command(script, cache), cwd=env.project, env=env.env())
    _check_passed(env.project)
    return seconds


def _check_passed(path: Path) -> None:
    check = json.loads((path / "project-check.json").read_text())
    failing = [name for name, (status, _) in check["lint"].items() if status] + (["pytest"] if check["pytest"] else [])
    if failing:
        raise RuntimeError(f"the generated project's check failed: {failing}")


def extrapolate(
    growth: dict[str, Any], static_rest: float | None, check: dict[str, float], bake: float
) -> dict[str, Any]:
    """The full suite from its parts: stated as an estimate, never as a measurement."""
    per_release = _projects_per_release()
    generation = growth["fixed_seconds"] + growth["seconds_per_case"] * growth["cases_in_matrix"] + 2 * bake
    projects = sum(per_release.values())
    generated = projects * (bake + check["check"])
    first_run = len(per_release) * WORKERS * (check["mypy_new_cache"] - check["mypy_warm_cache"])
    static = generation + (static_rest or 0.0)
    return {
        "projects_per_release": per_release,
        "test_generation_seconds": round(generation),
        "other_static_seconds": round(static_rest) if static_rest is not None else None,
        "generated_projects_serial_seconds": round(generated),
        "full_suite_serial_seconds": round(static + generated),
        "full_suite_two_cores_seconds": round((static + generated) / 2),
        "first_run_extra_seconds": round(first_run),
        "per_added_case_seconds": round(growth["seconds_per_case"], 1),
        "per_added_generated_project_seconds": round(bake + check["check"], 1),
        "not_included": "creating the shared venvs (first run only); the editable-install, CLI and built-in-list tests",
    }


def _projects_per_release() -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in test_generated_projects.MATRIX:
        counts[case.release] = counts.get(case.release, 0) + 1
    return counts


def measure(
    env: RuntimeEnv | None, workdir: Path, sizes: list[int], bake_seconds: float | None, quick: bool
) -> dict[str, Any]:
    """``bake_seconds``: the bake figure's median, or None to time three bakes here."""
    if bake_seconds is None:
        bake_seconds = median([project.bake(workdir / f"suite-bake-{index}") for index in range(3)])
    growth = generation_growth(sizes)
    static_rest = None if quick else other_static_tests()
    figure: dict[str, Any] = {"test_generation": growth, "other_static_seconds": static_rest}
    if env is not None:
        check = project_check(env, workdir)
        figure["project_check"] = {name: round(value, 1) for name, value in check.items()}
        figure["estimate"] = extrapolate(growth, static_rest, check, bake_seconds)
    return figure
