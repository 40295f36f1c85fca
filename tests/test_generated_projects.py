"""Generated projects against the real openmetadata-ingestion, oldest and newest release.

Every project of a release is installed into ONE shared virtualenv (importing
``metadata`` costs ~10 s per interpreter), then each runs its own test suite and the
local run of each of its workflow configs in a single interpreter start.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import NEWEST_RELEASE, OLDEST_RELEASE, SERVICE_TYPES, SharedVenv, bake

EXPECTED_ENTITIES = {
    "database": {"DatabaseService", "Database", "DatabaseSchema", "Table"},
    "dashboard": {"DashboardService", "Chart", "Dashboard"},
    "pipeline": {"PipelineService", "Pipeline"},
    "messaging": {"MessagingService", "Topic"},
    "mlmodel": {"MlModelService", "MlModel"},
    "storage": {"StorageService", "Container"},
    "search": {"SearchService", "SearchIndex"},
    "drive": {"DriveService", "Directory", "File"},
}
CSV_ENTITIES = {"DatabaseService", "Database", "DatabaseSchema", "Table"}

# One interpreter start per project: its own tests, a local run of every config, then
# the lint, format and type checks its CI runs (``make lint``), exactly as generated.
PROJECT_CHECK = """
import json, subprocess, sys
from pathlib import Path
import pytest
code = pytest.main(["-q", "-p", "no:cacheprovider"])
from om_local.run_local import run_local
reports = {}
for config in ("connector.yaml", "csv_example.yaml"):
    if Path(config).exists():
        reports[config] = run_local(Path(config), Path(config + ".report.json")).report
ruff = str(Path(sys.executable).parent / "ruff")
lint = {}
for name, command in (("ruff check", [ruff, "check", "--no-cache", "."]),
                      ("ruff format", [ruff, "format", "--check", "--no-cache", "."])):
    done = subprocess.run(command, capture_output=True, text=True)
    lint[name] = [done.returncode, done.stdout[-3000:] + done.stderr[-1000:]]
from mypy import api
out, err, status = api.run(["--cache-dir", sys.argv[1]])
lint["mypy"] = [status, out[-3000:] + err[-1000:]]
result = {"pytest": int(code), "reports": reports, "lint": lint}
Path("project-check.json").write_text(json.dumps(result))
"""


# Odd but valid text: quotes, backslashes, a newline, Jinja braces, non-ASCII letters.
ODD_TEXT = {
    "connector_name": 'Ünïcode "Quoted" CRM',
    "description": 'Reads "quoted" {{ things }}, C:\\back\\slashes, """ and \'\'\' ends,\nnon-ASCII: café, 東京.',
    "author": 'O\'Brien \\ "Data" Team',
}


@dataclass(frozen=True)
class Generated:
    service_type: str
    release: str
    include_csv_example: bool
    odd_text: bool = False

    @property
    def id(self) -> str:
        csv = "-csv" if self.include_csv_example else ""
        return f"{self.release}-{self.service_type}{csv}{'-odd-text' if self.odd_text else ''}"

    @property
    def module_name(self) -> str:
        return f"acme_{self.service_type}{'_odd' if self.odd_text else ''}"

    @property
    def context(self) -> dict[str, Any]:
        context = {
            "connector_name": f"Acme {self.service_type.title()}",
            "package_name": self.module_name.replace("_", "-"),
            "module_name": self.module_name,
            "class_name": f"Acme{self.service_type.title()}{'Odd' if self.odd_text else ''}Source",
            "service_type": self.service_type,
            "openmetadata_version": self.release,
            "include_csv_example": self.include_csv_example,
        }
        return context | (ODD_TEXT if self.odd_text else {})


# The newest patch of every minor release line with the Source API this template targets.
EVERY_RELEASE = (
    OLDEST_RELEASE,
    "1.6.13.2",
    "1.7.7.4",
    "1.8.12.0",
    "1.9.17.6",
    "1.10.14.7",
    "1.11.14.0",
    "1.12.14.2",
    "1.13.6.3",
    NEWEST_RELEASE,
)
# Every run covers the oldest and the newest release; `make test-all-releases` all of
# them; TEMPLATE_RELEASES=1.7.7.4,1.9.17.6 picks some.
RELEASES: tuple[str, ...] = (
    EVERY_RELEASE
    if os.environ.get("TEMPLATE_ALL_RELEASES")
    else tuple(os.environ["TEMPLATE_RELEASES"].split(","))
    if os.environ.get("TEMPLATE_RELEASES")
    else (OLDEST_RELEASE, NEWEST_RELEASE)
)


def _has_drive(release: str) -> bool:
    major, minor = (int(part) for part in release.split(".")[:2])
    return (major, minor) >= (1, 9)


# Newest release: every service type with the CSV example (which then also moves into
# the database folder); other releases: every service type they have, with and
# without the example.
MATRIX = [
    Generated(svc, release, True if release == NEWEST_RELEASE else index % 2 == 0)
    for release in RELEASES
    for index, svc in enumerate(svc for svc in SERVICE_TYPES if svc != "drive" or _has_drive(release))
] + [Generated("database", release, True, odd_text=True) for release in RELEASES if release == NEWEST_RELEASE]


@dataclass
class Outcome:
    project: Path
    returncode: int
    output: str
    check: dict[str, Any]


def _check(venv: SharedVenv, project: Path, slots: queue.Queue[Path]) -> Outcome:
    mypy_cache = slots.get()  # one mypy cache per worker: caches are not shared while written
    try:
        completed = venv.run("-c", PROJECT_CHECK, str(mypy_cache), cwd=project)
    finally:
        slots.put(mypy_cache)
    result_file = project / "project-check.json"
    check = json.loads(result_file.read_text()) if result_file.exists() else {}
    return Outcome(project, completed.returncode, completed.stdout[-6000:] + completed.stderr[-4000:], check)


def _prepare(release: str, venv: SharedVenv, workdir: Path) -> dict[str, Outcome]:
    cases = [case for case in MATRIX if case.release == release]
    projects = {}
    for case in cases:
        baked = bake(workdir, **case.context)
        assert baked.returncode == 0, baked.stderr
        projects[case.id] = baked.project
    venv.install(*projects.values())
    workers = 2  # the machines have two cores
    slots: queue.Queue[Path] = queue.Queue()
    for slot in range(workers):
        slots.put(venv.path / f"mypy-cache-{slot}")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {case_id: pool.submit(_check, venv, project, slots) for case_id, project in projects.items()}
        return {case_id: future.result() for case_id, future in futures.items()}


ReleaseOutcomes = Callable[[str], tuple[SharedVenv, dict[str, Outcome]]]
# One release after the other, each checking two projects at a time; started by
# conftest.py when the session begins, so that the bakes of the other tests run beside.
_PREPARATION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="openmetadata")
_PREPARED: dict[str, Future[tuple[SharedVenv, dict[str, Outcome]]]] = {}


def _venv_and_outcomes(release: str, workdir: Path) -> tuple[SharedVenv, dict[str, Outcome]]:
    venv = SharedVenv(release).ensure()
    return venv, _prepare(release, venv, workdir)


def start_preparation(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start, in the background, every release's projects (once per session)."""
    for release in RELEASES:
        if release not in _PREPARED:
            workdir = tmp_path_factory.mktemp(f"om-{release}")
            _PREPARED[release] = _PREPARATION.submit(_venv_and_outcomes, release, workdir)


@pytest.fixture(scope="session")
def release_outcomes(tmp_path_factory: pytest.TempPathFactory) -> ReleaseOutcomes:
    """Per release: its shared venv and the outcome of each of its projects."""
    start_preparation(tmp_path_factory)  # a no-op when conftest.py already started it
    return lambda release: _PREPARED[release].result()


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_generated_project_passes_its_own_tests(release_outcomes: ReleaseOutcomes, case: Generated) -> None:
    outcome = release_outcomes(case.release)[1][case.id]
    assert outcome.check.get("pytest") == 0, outcome.output


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_local_run_creates_the_service_and_its_entities(release_outcomes: ReleaseOutcomes, case: Generated) -> None:
    outcome = release_outcomes(case.release)[1][case.id]
    reports = outcome.check.get("reports", {})
    report = reports.get("connector.yaml")
    assert report is not None, outcome.output
    assert report["passed"] and report["failures"] == [], report
    assert {entity["type"] for entity in report["entities"]} == EXPECTED_ENTITIES[case.service_type]
    service_fqn = report["entities"][0]["fqn"]
    assert all(entity["fqn"].startswith(f"{service_fqn}.") for entity in report["entities"][1:])
    if case.include_csv_example:
        csv_report = reports["csv_example.yaml"]
        assert csv_report["passed"] and csv_report["failures"] == [], csv_report
        assert {entity["type"] for entity in csv_report["entities"]} == CSV_ENTITIES
    else:
        assert "csv_example.yaml" not in reports


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_generated_project_is_lint_format_and_type_clean(release_outcomes: ReleaseOutcomes, case: Generated) -> None:
    outcome = release_outcomes(case.release)[1][case.id]
    lint = outcome.check.get("lint")
    assert lint is not None, outcome.output
    failing = {name: output for name, (status, output) in lint.items() if status != 0}
    assert failing == {}


EDITABLE_CHECK = """
import inspect, json, sys
from metadata.utils.importer import import_from_module
print(json.dumps({path: inspect.getfile(import_from_module(path)) for path in sys.argv[1:]}))
"""


@pytest.mark.parametrize("release", RELEASES)
def test_editable_installs_import_from_the_edited_sources(release: str, release_outcomes: ReleaseOutcomes) -> None:
    """The IDE flow: ``pip install -e .`` and the connector resolves to ``src/``."""
    venv, outcomes = release_outcomes(release)
    cases = [case for case in MATRIX if case.release == release]
    projects = {case.id: outcomes[case.id].project for case in cases}
    venv.install(*projects.values(), editable=True)
    try:
        class_paths = {}
        for case in cases:
            module = f"metadata.ingestion.source.{case.service_type}.{case.module_name}"
            class_paths[f"{module}.{case.context['class_name']}"] = projects[case.id]
            if case.include_csv_example:
                csv_module = f"metadata.ingestion.source.database.{case.module_name}_csv"
                class_paths[f"{csv_module}.{case.context['class_name']}Csv"] = projects[case.id]
        completed = venv.run("-c", EDITABLE_CHECK, *class_paths, cwd=Path("/"))
        assert completed.returncode == 0, completed.stderr[-4000:]
        files = json.loads(completed.stdout.strip().splitlines()[-1])
        for class_path, project in class_paths.items():
            assert Path(files[class_path]).is_relative_to(project / "src"), (class_path, files[class_path])
    finally:
        venv.install(*projects.values())  # leave the regular installs for other tests


def test_openmetadata_cli_ingests_against_the_stand_in(release_outcomes: ReleaseOutcomes) -> None:
    """OpenMetadata's own ``metadata ingest -c`` runs the config against ``make stand-in``."""
    newest_venv, outcomes = release_outcomes(NEWEST_RELEASE)
    project = outcomes[f"{NEWEST_RELEASE}-database-csv"].project
    port = _free_port()
    server = subprocess.Popen(
        [str(newest_venv.python), "-m", "om_local.stand_in", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(port, server)
        config = project / "cli.yaml"
        config.write_text((project / "connector.yaml").read_text().replace("localhost:8585", f"localhost:{port}"))
        metadata_cli = newest_venv.python.parent / "metadata"
        completed = subprocess.run(
            [str(metadata_cli), "ingest", "-c", str(config)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the stand-in prints what it holds
        output, _ = server.communicate(timeout=30)
    assert "acme_database.analytics.sales.orders" in output


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    import socket

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"stand-in exited: {server.stdout.read() if server.stdout else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("stand-in did not start")
