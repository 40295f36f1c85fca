"""Figure: the template's own test suite, and how it grows with the matrix.

Not the whole ``make test`` (minutes, and mostly fixed costs): its parts, serially (one
pytest worker, ``addopts`` emptied), then an extrapolation to the full matrix.

- Static bakes: ``pytest tests/test_generation.py -k <first k cases>`` at a few sizes; the
  slope of wall time over k is the cost of one more case (one bake and its checks).
- The rest of the static tests (hooks, IDE files, shipping, AGENTS.md, cruft), once,
  without the tests that need the shared OpenMetadata venvs (those are counted with the
  generated projects, or not at all: see ``NOT_INCLUDED``).
- One generated project: the suite's own check (``tests/scripts/project_check.py``: its
  tests, local runs, ruff, mypy in one interpreter) in the bench project, with a warm mypy
  cache (the suite keeps one per worker, beside its shared venvs, from run to run); mypy
  alone with a new and a warm cache shows what a worker's first project pays on a
  machine's first run.

The suite bakes the template's working copy as it is (``tests/conftest.py``), so the bakes
timed here for the estimate do too, unlike the bake figure's clean copy.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import CommandFailed, clean_env, log, median, run
from benchmarks.project import TEMPLATE, RuntimeEnv
from tests import test_generated_projects, test_generation  # the suite's own matrix and check
from tests.conftest import case_id

PYTEST = [sys.executable, "-m", "pytest", "-q", "-rf", "-o", "addopts=-p no:cacheprovider"]
TESTS_FAILED = 1  # pytest's exit status when it ran the tests and some failed
WORKERS = 2  # test_generated_projects checks two projects at a time
PROJECT_CHECK = test_generated_projects.SCRIPTS / "project_check.py"
# Static tests that need a shared OpenMetadata venv (built under .cache/venvs, which the
# benchmarks never touch): left out of the timed run, and of the estimate.
SHARED_VENV_TESTS = ("builtin_connector_list", "a_project_updated_by_cruft_passes_its_tests")
OTHER_STATIC_FILES = ("test_hooks.py", "test_ide.py", "test_shipping.py", "test_agents.py", "test_cruft.py")
NOT_INCLUDED = (
    "creating the shared venvs (first run only); the harness's own tests (once per release), the Airflow DAG "
    "run, the project updated by cruft, the editable-install, CLI and built-in-list tests"
)


class Failures:
    """The tests that failed while timed: a failing test still takes its time, so the figure
    is kept, with their names beside it (``report`` shows them)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def pytest(self, *args: str, log_as: str) -> float:
        """Wall time of ``pytest args`` in the template; failing tests are noted, not raised."""
        start = time.perf_counter()
        completed = subprocess.run(
            [*PYTEST, *args], cwd=TEMPLATE, env=clean_env(), capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - start
        if completed.returncode not in (0, TESTS_FAILED):
            raise CommandFailed(f"pytest {log_as} exited {completed.returncode}:\n{completed.stdout[-3000:]}")
        failed = set(re.findall(r"^FAILED (\S+)", completed.stdout, re.MULTILINE))
        if failed - self.names:
            log(f"suite: {len(failed - self.names)} test(s) of {log_as} failed (timed all the same)")
        self.names |= failed
        return seconds


def generation_growth(sizes: list[int], failures: Failures) -> dict[str, Any]:
    """Wall time of test_generation.py on the first k cases, for each k in ``sizes``."""
    cases = [case_id(case) for case in test_generation.CASES if _selectable(case_id(case))]
    _generation_tests(cases[:1], failures)  # warm-up
    seconds = {}
    for size in sizes:
        log(f"suite: tests/test_generation.py on {size} case(s)")
        seconds[size] = _generation_tests(cases[:size], failures)
    slope, intercept = _line(list(seconds), list(seconds.values()))
    return {
        "seconds_by_cases": {str(size): round(value, 2) for size, value in seconds.items()},
        "seconds_per_case": round(slope, 2),
        "fixed_seconds": round(intercept, 2),
        "cases_in_matrix": len(test_generation.CASES),
    }


def _selectable(case: str) -> bool:
    """Whether ``-k`` can name the case: its grammar takes words, ``:``, ``-``, ``.`` and ``/``
    (the cases of odd user text have spaces and quotes)."""
    return all(char.isalnum() or char in "_:-./" for char in case)


def _generation_tests(cases: list[str], failures: Failures) -> float:
    return failures.pytest("tests/test_generation.py", "-k", " or ".join(cases), log_as="tests/test_generation.py")


def _line(xs: list[int], ys: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0
    return slope, mean_y - slope * mean_x


def other_static_tests(failures: Failures) -> float:
    log(f"suite: tests/{', '.join(OTHER_STATIC_FILES)} (once, without the shared-venv tests)")
    files = [f"tests/{name}" for name in OTHER_STATIC_FILES]
    deselected = " and ".join(f"not {name}" for name in SHARED_VENV_TESTS)
    return failures.pytest(*files, "-k", deselected, log_as="the other static tests")


def project_check(env: RuntimeEnv, workdir: Path) -> dict[str, float]:
    """The suite's per-project check in the bench project, its mypy cache warmed first (as for
    every project after a worker's first); mypy alone, new cache then warm, shows the difference."""
    cache = workdir / "mypy-cache"
    mypy = env.command("-m", "mypy", "--cache-dir", cache)
    log("suite: mypy in the generated project, a new cache then a warm one")
    seconds = {
        "mypy_new_cache": run(mypy, cwd=env.project, env=env.env()),
        "mypy_warm_cache": run(mypy, cwd=env.project, env=env.env()),
    }
    log("suite: one generated project's whole check (warm mypy cache)")
    seconds["check"] = run(env.command(PROJECT_CHECK, cache), cwd=env.project, env=env.env())
    _check_passed(env.project)
    return seconds


def _check_passed(path: Path) -> None:
    check = json.loads((path / "project-check.json").read_text())
    failing = [name for name, (status, _) in check["lint"].items() if status] + (["pytest"] if check["pytest"] else [])
    failing += [f"local run of {config}" for config, report in check["reports"].items() if not report["passed"]]
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
        "not_included": NOT_INCLUDED,
    }


def _projects_per_release() -> dict[str, int]:
    counts: dict[str, int] = {}
    for case in test_generated_projects.MATRIX:
        counts[case.release] = counts.get(case.release, 0) + 1
    return counts


def measure(env: RuntimeEnv | None, workdir: Path, sizes: list[int], quick: bool) -> dict[str, Any]:
    # A bake as the suite's are: of the working copy (the bake figure's is of a clean copy).
    bake_seconds = median([project.bake(workdir / f"suite-bake-{index}", template=TEMPLATE) for index in range(3)])
    failures = Failures()
    growth = generation_growth(sizes, failures)
    static_rest = None if quick else other_static_tests(failures)
    figure: dict[str, Any] = {
        "test_generation": growth,
        "other_static_seconds": static_rest,
        "bake_seconds": round(bake_seconds, 2),
        "failing_tests": sorted(failures.names),
    }
    if env is not None:
        check = project_check(env, workdir)
        figure["project_check"] = {name: round(value, 1) for name, value in check.items()}
        figure["estimate"] = extrapolate(growth, static_rest, check, bake_seconds)
    return figure
