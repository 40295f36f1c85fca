"""Living with the template: cruft creates projects that are current, and a project made
from an earlier template moves to this one with the real ``cruft update``, keeping
the user's work, and passes its tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import NEWEST_RELEASE, TEMPLATE, SharedVenv

# The last template before variants per service type and client style (om_local, one
# Jinja module for every service type): what projects generated before look like.
EARLIER_TEMPLATE = "b89a304"
SNAPSHOT_IGNORE = shutil.ignore_patterns(".git", ".venv", ".cache", "build", "__pycache__", ".pytest_cache")


def _git(*args: str, cwd: Path) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def _cruft(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cruft", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )


def _snapshot(folder: Path, earlier: str | None = None) -> Path:
    """The template as a git repository (cruft clones templates): the working tree, so that
    uncommitted changes count, on top of ``earlier`` when given."""
    folder.mkdir(parents=True)
    _git("init", "--quiet", cwd=folder)
    if earlier is not None:
        archive = subprocess.run(["git", "archive", earlier], cwd=TEMPLATE, capture_output=True, check=False)
        assert archive.returncode == 0, f"the template's history must hold {earlier}: {archive.stderr!r}"
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
        _git("add", "--all", cwd=folder)
        _git("commit", "--quiet", "--message", "earlier template", cwd=folder)
        for path in folder.iterdir():
            if path.name != ".git":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copytree(TEMPLATE, folder, ignore=SNAPSHOT_IGNORE, dirs_exist_ok=True)
    _git("add", "--all", cwd=folder)
    _git("commit", "--quiet", "--message", "this template", cwd=folder)
    return folder


def test_cruft_creates_a_project_that_is_up_to_date(tmp_path: Path) -> None:
    snapshot = _snapshot(tmp_path / "template")
    extra = {"connector_name": "Acme Lake", "license": "MIT", "ci": "gitlab", "client_style": "plain"}
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


@pytest.fixture(scope="module")
def updated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of the earlier template, edited by its user, then ``cruft update``d."""
    tmp_path = tmp_path_factory.mktemp("cruft-update")
    snapshot = _snapshot(tmp_path / "template", earlier=EARLIER_TEMPLATE)
    earlier_commit = _git("rev-list", "--max-parents=0", "HEAD", cwd=snapshot).strip()
    created = _cruft(
        "create", "--no-input", str(snapshot), "--checkout", earlier_commit, "--output-dir", str(tmp_path), cwd=tmp_path
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "my-awesome-connector"
    assert (project / "om_local").is_dir(), "the earlier template's layout"
    notes = project / "NOTES.md"
    notes.write_text("Our connector's notes: kept across template updates.\n", encoding="utf-8")
    _git("init", "--quiet", cwd=project)
    _git("add", "--all", cwd=project)
    _git("commit", "--quiet", "--message", "generated, then edited", cwd=project)

    # client_style did not exist: "plain" keeps the example-records seam those projects had.
    updated = _cruft(
        "update", "--skip-apply-ask", "--variables-to-update", json.dumps({"client_style": "plain"}), cwd=project
    )
    assert updated.returncode == 0, updated.stdout + updated.stderr
    return project


def test_cruft_update_moves_an_earlier_project_to_this_layout(updated_project: Path) -> None:
    project = updated_project
    assert not (project / "om_local").exists()
    assert (project / "local-harness" / "local_harness" / "runner.py").is_file()
    package = project / "src/metadata/ingestion/source/database/my_awesome_connector"
    assert (package / "metadata.py").is_file() and (package / "client.py").is_file()
    assert not (project / "src/metadata/ingestion/source/database/my_awesome_connector.py").exists()
    assert not list(project.rglob("*.rej")), "every change of the template applied"
    assert (project / "NOTES.md").read_text(encoding="utf-8").startswith("Our connector's notes")
    assert _cruft("check", cwd=project).returncode == 0


def test_a_project_updated_by_cruft_passes_its_tests(updated_project: Path) -> None:
    venv = SharedVenv(NEWEST_RELEASE).ensure()
    venv.install(updated_project, updated_project / "local-harness")
    completed = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=updated_project)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
