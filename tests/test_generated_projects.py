"""Generated projects against the real openmetadata-ingestion, oldest and newest release.

Every project of a release is installed into ONE shared virtualenv (importing
``metadata`` costs seconds per interpreter), then each runs its own test suite, the
local run of each of its workflow configs, OpenMetadata's own ``metadata ingest -c``
against the stand-in as ``make stand-in`` serves it, and its lint, format and type
checks, in a single interpreter start (tests/scripts/project_check.py), two projects at
a time.

The matrix covers every value of every choice and the combinations that interact:
every service type a release has, with the default client style (rest_api) on the
newest release and the plain one on the oldest; the other styles on the database
service type on both (SQLAlchemy 1.4 and 2.0 differ); the CSV example with and without.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    CLIENT_STYLES,
    NEWEST_RELEASE,
    OLDEST_RELEASE,
    SERVICE_FACTS,
    SERVICE_TYPES,
    TEMPLATE,
    SharedVenv,
    allowed,
    bake,
    case_id,
    uv_executable,
)

SCRIPTS = TEMPLATE / "tests" / "scripts"
CSV_ENTITIES = {"DatabaseService", "Database", "DatabaseSchema", "Table"}
LABEL_TYPES = {"Classification", "Tag"}
# Odd but valid text: quotes, backslashes, a newline, Jinja braces, non-ASCII letters.
ODD_TEXT = {
    "connector_name": 'Ünïcode "Quoted" CRM',
    "description": 'Reads "quoted" {{ things }}, C:\\back\\slashes, """ and \'\'\' ends,\nnon-ASCII: café, 東京.',
    "author": 'O\'Brien \\ "Data" Team',
}


@dataclass(frozen=True)
class Generated:
    service_type: str
    client_style: str
    release: str
    include_csv_example: bool
    odd_text: bool = False

    @property
    def module_name(self) -> str:
        return f"acme_{self.service_type}_{self.client_style}{'_odd' if self.odd_text else ''}"

    @property
    def context(self) -> dict[str, Any]:
        context = {
            "service_type": self.service_type,
            "client_style": self.client_style,
            "openmetadata_version": self.release,
            "include_csv_example": self.include_csv_example,
            "connector_name": f"Acme {self.service_type.title()}",
            "package_name": self.module_name.replace("_", "-"),
            "module_name": self.module_name,
            "class_name": "".join(part.title() for part in self.module_name.split("_")) + "Source",
        }
        return context | (ODD_TEXT if self.odd_text else {})

    @property
    def id(self) -> str:
        shown = {key: value for key, value in self.context.items() if key in _VARIED}
        return case_id(shown) + ("-odd_text" if self.odd_text else "")


_VARIED = ("openmetadata_version", "service_type", "client_style", "include_csv_example")

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

LATEST = max(RELEASES, key=lambda release: tuple(int(part) for part in release.split(".")))


def _matrix(release: str) -> list[Generated]:
    default_style = "rest_api" if release == NEWEST_RELEASE else "plain"
    types = [svc for svc in SERVICE_TYPES if allowed(svc, default_style, release)]
    cases = [Generated(svc, default_style, release, index % 2 == 0) for index, svc in enumerate(types)]
    cases += [
        Generated("database", style, release, True)
        for style in CLIENT_STYLES
        if style != default_style and allowed("database", style, release)
    ]
    if release == NEWEST_RELEASE:
        cases.append(Generated("database", "plain", release, False, odd_text=True))
    return cases


MATRIX = [case for release in RELEASES for case in _matrix(release)]


@dataclass
class Outcome:
    project: Path
    returncode: int
    output: str
    check: dict[str, Any]


def _check(venv: SharedVenv, project: Path, slots: queue.Queue[Path]) -> Outcome:
    mypy_cache = slots.get()  # one mypy cache per worker: caches are not shared while written
    try:
        completed = venv.run(str(SCRIPTS / "project_check.py"), str(mypy_cache), cwd=project)
    finally:
        slots.put(mypy_cache)
    result_file = project / "project-check.json"
    check = json.loads(result_file.read_text()) if result_file.exists() else {}
    return Outcome(project, completed.returncode, completed.stdout[-8000:] + completed.stderr[-4000:], check)


def _prepare(release: str, venv: SharedVenv, workdir: Path) -> dict[str, Outcome]:
    cases = [case for case in MATRIX if case.release == release]
    projects = {}
    for case in cases:
        baked = bake(workdir / case.module_name, **case.context)
        assert baked.returncode == 0, baked.stderr
        projects[case.id] = baked.project
    # Every project's copy of the harness is the same (copied verbatim): one serves all.
    venv.install(*projects.values(), next(iter(projects.values())) / "local-harness")
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
def test_local_run_creates_the_entities_of_the_service_type(release_outcomes: ReleaseOutcomes, case: Generated) -> None:
    """``make run-local`` on the generated connector.yaml, as generated."""
    outcome = release_outcomes(case.release)[1][case.id]
    reports = outcome.check.get("reports", {})
    report = reports.get("connector.yaml")
    assert report is not None, outcome.output
    assert report["passed"] and report["failures"] == [], report
    # The example's labels become tags of the connector's own classification. SQLite, the
    # sqlalchemy style's example system, has neither labels nor stored procedures.
    lacks = {"Classification", "Tag", "StoredProcedure"} if case.client_style == "sqlalchemy" else set()
    labels = [entity for entity in report["entities"] if entity["type"] in LABEL_TYPES]
    entities = [entity for entity in report["entities"] if entity["type"] not in LABEL_TYPES]
    assert {entity["type"] for entity in labels} == LABEL_TYPES - lacks
    assert {entity["type"] for entity in entities} == set(SERVICE_FACTS[case.service_type]["entities"]) - lacks
    service_fqn = entities[0]["fqn"]
    assert all(entity["fqn"].startswith(f"{service_fqn}.") for entity in entities[1:])
    if case.include_csv_example:
        csv_report = reports["csv_example.yaml"]
        assert csv_report["passed"] and csv_report["failures"] == [], csv_report
        assert {entity["type"] for entity in csv_report["entities"]} == CSV_ENTITIES
    else:
        assert "csv_example.yaml" not in reports


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_openmetadata_cli_creates_what_the_local_run_creates(
    release_outcomes: ReleaseOutcomes, case: Generated
) -> None:
    """``metadata ingest -c connector.yaml`` against ``make stand-in``'s server: every entity
    of the local run, and no other under the service, read back by list and by name."""
    outcome = release_outcomes(case.release)[1][case.id]
    cli = outcome.check.get("cli")
    assert cli is not None, outcome.output
    assert cli["exit"] == "ok", outcome.output
    read_back = cli["read_back"]
    assert read_back["listed"] == read_back["expected"]
    assert read_back["not_found"] == []


DELETION_CASES = [case for case in MATRIX if case.service_type == "database" and case.client_style == "plain"]


@pytest.mark.parametrize("case", DELETION_CASES, ids=[case.id for case in DELETION_CASES])
def test_openmetadata_cli_soft_deletes_a_table_the_system_no_longer_has(
    release_outcomes: ReleaseOutcomes, case: Generated
) -> None:
    """A second ``metadata ingest -c`` without one table: that table, and only it, is
    soft-deleted (hidden from default reads, still there with ``include=all``)."""
    outcome = release_outcomes(case.release)[1][case.id]
    deletion = outcome.check["cli"]["deletion"]
    assert deletion["exit"] == "ok", outcome.output
    assert deletion["deleted"] == deletion["hidden"] == [deletion["removed"]]


@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_generated_project_is_lint_format_and_type_clean(release_outcomes: ReleaseOutcomes, case: Generated) -> None:
    outcome = release_outcomes(case.release)[1][case.id]
    lint = outcome.check.get("lint")
    assert lint is not None, outcome.output
    failing = {name: output for name, (status, output) in lint.items() if status != 0}
    assert failing == {}


@pytest.mark.parametrize("release", RELEASES)
def test_editable_installs_import_from_the_edited_sources(release: str, release_outcomes: ReleaseOutcomes) -> None:
    """The IDE flow: ``pip install -e .`` and the connector resolves to ``src/``. The first
    project installs as its README says to with uv: ``make install PIP="uv pip"
    PYTHON=<a virtualenv's python>``, no environment activated."""
    venv, outcomes = release_outcomes(release)
    cases = [case for case in MATRIX if case.release == release]
    projects = {case.id: outcomes[case.id].project for case in cases}
    first, *others = projects.values()
    environment = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "MAKEFLAGS")}
    environment["PATH"] = f"{Path(uv_executable()).parent}{os.pathsep}{environment['PATH']}"
    made = subprocess.run(
        ["make", "install", "PIP=uv pip", f"PYTHON={venv.python}"],
        cwd=first,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert made.returncode == 0, made.stdout[-2000:] + made.stderr[-4000:]
    venv.install(*others, editable=True)
    try:
        class_paths = {}
        for case in cases:
            module = f"metadata.ingestion.source.{case.service_type}.{case.module_name}.metadata"
            class_paths[f"{module}.{case.context['class_name']}"] = projects[case.id]
            if case.include_csv_example:
                csv_module = f"metadata.ingestion.source.database.{case.module_name}_csv"
                class_paths[f"{csv_module}.{case.context['class_name']}Csv"] = projects[case.id]
        completed = venv.run(str(SCRIPTS / "editable_check.py"), *class_paths, cwd=Path("/"))
        assert completed.returncode == 0, completed.stderr[-4000:]
        files = json.loads(completed.stdout.strip().splitlines()[-1])
        for class_path, project in class_paths.items():
            assert Path(files[class_path]).is_relative_to(project / "src"), (class_path, files[class_path])
    finally:
        venv.install(*projects.values(), first / "local-harness")  # regular installs again, for other tests


# --- OpenMetadata's own CLI against `make stand-in` ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"stand-in exited: {server.stdout.read() if server.stdout else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("stand-in did not start")


def _cli_against_stand_in(
    venv: SharedVenv, project: Path, environment: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], str]:
    """``metadata ingest -c connector.yaml`` against ``python -m local_harness serve``."""
    port = _free_port()
    server = subprocess.Popen(
        [str(venv.python), "-m", "local_harness", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(port, server)
        config = project / "cli.yaml"
        config.write_text((project / "connector.yaml").read_text().replace("localhost:8585", f"localhost:{port}"))
        env = {key: value for key, value in os.environ.items() if key != "OPENMETADATA_JWT_TOKEN"} | environment
        completed = subprocess.run(
            [str(venv.python.parent / "metadata"), "ingest", "-c", str(config)],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the stand-in prints what it holds
        output, _ = server.communicate(timeout=30)
    return completed, output


def _plain_database(outcomes: dict[str, Outcome]) -> Path:
    case = next(c for c in MATRIX if c.release == LATEST and c.client_style == "plain" and not c.odd_text)
    return outcomes[case.id].project


def test_openmetadata_cli_ingests_against_the_stand_in(release_outcomes: ReleaseOutcomes) -> None:
    """OpenMetadata's own ``metadata ingest -c`` against ``make stand-in``, with the token
    the stand-in prints at start-up."""
    venv, outcomes = release_outcomes(LATEST)
    project = _plain_database(outcomes)
    token = venv.run("-c", "from local_harness.auth import local_token; print(local_token())", cwd=project)
    completed, output = _cli_against_stand_in(venv, project, {"OPENMETADATA_JWT_TOKEN": token.stdout.strip()})
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "export OPENMETADATA_JWT_TOKEN=" in output
    assert "DatabaseService" in output


def test_openmetadata_cli_without_a_token_is_refused_like_a_server_refuses_it(
    release_outcomes: ReleaseOutcomes,
) -> None:
    """With OPENMETADATA_JWT_TOKEN unset the client sends ``${OPENMETADATA_JWT_TOKEN}``:
    a server answers 401 and the run fails; so does the stand-in."""
    venv, outcomes = release_outcomes(LATEST)
    completed, _ = _cli_against_stand_in(venv, _plain_database(outcomes), {})
    assert completed.returncode != 0
    assert "Not Authorized" in completed.stdout + completed.stderr


def test_a_project_for_another_release_fails_locally_like_against_its_server(
    release_outcomes: ReleaseOutcomes, tmp_path: Path
) -> None:
    """A 1.9 project installed next to the 2.0 client (``pip install --no-deps .`` as the
    Dockerfile does): the local run answers as a 1.9 server, which refuses that client."""
    venv, _ = release_outcomes(LATEST)
    targeted = "1.9.17.6" if not LATEST.startswith("1.9.") else OLDEST_RELEASE
    baked = bake(tmp_path, client_style="plain", openmetadata_version=targeted, package_name="acme-old")
    assert baked.returncode == 0, baked.stderr
    venv.install(baked.project, deps=False)
    completed = venv.run("-m", "local_harness", "run", "connector.yaml", cwd=baked.project)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert targeted in completed.stdout and LATEST in completed.stdout
    assert "Traceback" not in completed.stdout
