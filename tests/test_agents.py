"""AGENTS.md, the brief for coding agents, stays true: every command it names exists, every
file and folder it names is there, every name of the connector it cites is defined."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import CLIENT_STYLES, SERVICE_TYPES, Bake, allowed, bake, case_id

CASES = [
    {"service_type": svc, "client_style": style}
    for svc in SERVICE_TYPES
    for style in CLIENT_STYLES
    if allowed(svc, style) and (svc == "database" or style == "rest_api")
]


@pytest.fixture(scope="module", params=CASES, ids=[case_id(case) for case in CASES])
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bake:
    result = bake(tmp_path_factory.mktemp("agents"), **request.param)
    assert result.returncode == 0, result.stderr
    return result


def _code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def test_every_make_target_it_names_exists(project: Bake) -> None:
    text = (project.project / "AGENTS.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bmake ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)*)", text))
    targets = {target for command in named for target in command.split()}
    makefile = (project.project / "Makefile").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    assert {"test", "lint", "run-local", "test-connection"} <= targets
    assert targets <= defined, sorted(targets - defined)


def test_every_path_it_names_exists(project: Bake) -> None:
    text = (project.project / "AGENTS.md").read_text(encoding="utf-8")
    paths = {
        span.rstrip("/")
        for span in _code_spans(text)
        if re.fullmatch(r"[\w.-]+(?:/[\w.-]+)+/?|[\w-]+\.(?:md|py|yaml|toml)", span)
    }
    package = next((project.project / "src/metadata/ingestion/source").glob("*/*/metadata.py")).parent
    missing = []
    for path in sorted(paths):
        candidates = [project.project / path, package / path, project.project / "tests" / path]
        if not any(candidate.exists() for candidate in candidates):
            missing.append(path)
    assert not missing


def test_the_helpers_and_classes_it_cites_are_defined(project: Bake) -> None:
    text = (project.project / "AGENTS.md").read_text(encoding="utf-8")
    package = next((project.project / "src/metadata/ingestion/source").glob("*/*/metadata.py")).parent
    defined: set[str] = set()
    for module in package.glob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                defined.add(node.name)
    cited = {
        "guarded",
        "entity_fqn",
        "service_fqn",
        "flush_sink",
        "RecordError",
        "Classification",
        "Owners",
        "SourceSettings",
        "SeenEntities",
        "mark_deleted",
        "get_connection",
        "test_connection",
        project.answers["class_name"],
    }
    assert all(name in text for name in cited)
    assert cited <= defined, sorted(cited - defined)
    conftest = (project.project / "tests" / "conftest.py").read_text(encoding="utf-8")
    for fixture in ("stand_in", "om_client"):
        assert f"def {fixture}(" in conftest
    assert "def connection_options(" in (project.project / "tests" / "example_system.py").read_text(encoding="utf-8")


def test_it_is_generated_for_every_project(tmp_path: Path) -> None:
    result = bake(tmp_path, ide="none", ci="none", include_csv_example=False)
    assert result.returncode == 0, result.stderr
    assert (result.project / "AGENTS.md").is_file()
