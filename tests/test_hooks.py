"""The hooks: bad input refused before anything is written, generated output checked.

Hook functions are imported and tested on their own; the table of bad inputs goes
through real bakes, checking the message, the absence of a traceback and that no
directory is left behind.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import COOKIECUTTER_JSON, NEWEST_RELEASE, OLDEST_RELEASE, TEMPLATE, SharedVenv, bake


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = _load("pre_gen_project")
post_gen = _load("post_gen_project")

# Stands for an absolute path beside the output directory (filled in per test).
ABSOLUTE = "<absolute path>"
# The facts the hooks read from the rendered context, as cookiecutter passes them.
FACTS = {
    key: value
    for key, value in COOKIECUTTER_JSON.items()
    if key in ("_service_types", "_client_styles", "_openmetadata_releases")
}
VALID = {
    "connector_name": "Acme CRM",
    "package_name": "acme-crm",
    "module_name": "acme_crm",
    "class_name": "AcmeCrmSource",
    "service_type": "database",
    "client_style": "rest_api",
    "openmetadata_version": "2.0.6",
    "include_csv_example": True,
    "ide": "both",
    "ci": "github",
    "license": "MIT",
    "email": "data@example.com",
}

# (id, overrides, the variable the message must name)
BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("module-keyword", {"module_name": "class"}, "module_name"),
    ("module-soft-keyword", {"module_name": "match"}, "module_name"),
    ("module-leading-digit", {"module_name": "3m_crm"}, "module_name"),
    ("module-uppercase", {"module_name": "AcmeCrm"}, "module_name"),
    ("module-hyphen", {"module_name": "acme-crm"}, "module_name"),
    ("module-non-ascii", {"module_name": "café"}, "module_name"),
    ("module-empty", {"module_name": ""}, "module_name"),
    ("module-too-long", {"module_name": "a" * 33}, "module_name"),
    ("module-path", {"module_name": "acme/crm"}, "module_name"),
    ("module-dotdot", {"module_name": "..acme"}, "module_name"),
    ("module-dotted", {"module_name": "acme.crm"}, "module_name"),
    ("module-builtin-mysql", {"module_name": "mysql"}, "module_name"),
    ("module-builtin-tableau", {"module_name": "tableau", "service_type": "dashboard"}, "module_name"),
    ("module-builtin-kafka", {"module_name": "kafka", "service_type": "messaging"}, "module_name"),
    ("module-builtin-s3", {"module_name": "s3", "service_type": "storage"}, "module_name"),
    ("module-namespace-metadata", {"module_name": "metadata"}, "module_name"),
    ("module-namespace-source", {"module_name": "source"}, "module_name"),
    ("module-namespace-ingestion", {"module_name": "ingestion"}, "module_name"),
    ("module-init", {"module_name": "__init__"}, "module_name"),
    ("class-lowercase", {"class_name": "acmeCrm"}, "class_name"),
    ("class-leading-digit", {"class_name": "3MCrm"}, "class_name"),
    ("class-keyword", {"class_name": "None"}, "class_name"),
    ("class-shadows-source", {"class_name": "Source"}, "class_name"),
    ("class-shadows-either", {"class_name": "Either"}, "class_name"),
    ("class-with-space", {"class_name": "Acme Crm"}, "class_name"),
    ("class-non-ascii", {"class_name": "AcméCrm"}, "class_name"),
    ("class-empty", {"class_name": ""}, "class_name"),
    ("class-too-long", {"class_name": "A" * 33}, "class_name"),
    ("package-uppercase", {"package_name": "Acme-CRM"}, "package_name"),
    ("package-slash", {"package_name": "acme/crm"}, "package_name"),
    ("package-parent", {"package_name": "../escaped"}, "package_name"),
    ("package-absolute", {"package_name": ABSOLUTE}, "package_name"),
    ("package-space", {"package_name": "acme crm"}, "package_name"),
    ("package-dotdot", {"package_name": "..acme"}, "package_name"),
    ("package-trailing-dash", {"package_name": "acme-"}, "package_name"),
    ("package-non-ascii", {"package_name": "acmé"}, "package_name"),
    ("package-too-long", {"package_name": "a" * 80}, "package_name"),
    ("version-too-old", {"openmetadata_version": "1.4.8"}, "openmetadata_version"),
    ("version-unknown-major", {"openmetadata_version": "3.0.0"}, "openmetadata_version"),
    ("version-not-a-number", {"openmetadata_version": "latest"}, "openmetadata_version"),
    ("version-one-part", {"openmetadata_version": "2"}, "openmetadata_version"),
    ("version-five-parts", {"openmetadata_version": "2.0.6.0.1"}, "openmetadata_version"),
    ("version-too-old-line", {"openmetadata_version": "1.4"}, "openmetadata_version"),
    ("version-prefixed", {"openmetadata_version": "v2.0.6"}, "openmetadata_version"),
    ("sqlalchemy-for-dashboard", {"service_type": "dashboard", "client_style": "sqlalchemy"}, "client_style"),
    ("drive-before-1.9", {"service_type": "drive", "openmetadata_version": "1.7.7.4"}, "service_type"),
    ("service-unknown", {"service_type": "api"}, "service_type"),
    ("ide-unknown", {"ide": "emacs"}, "ide"),
    ("email-invalid", {"email": "not-an-email"}, "email"),
]


@pytest.mark.parametrize(("overrides", "variable"), [case[1:] for case in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_hook_function_refuses_bad_input(overrides: dict[str, Any], variable: str) -> None:
    overrides = {key: "/tmp/abs" if value == ABSOLUTE else value for key, value in overrides.items()}
    problems = pre_gen.problems({**FACTS, **VALID, **overrides})
    assert len(problems) == 1, problems
    value = overrides[variable] if variable in overrides else VALID[variable]
    assert problems[0].startswith(f"{variable} {json.dumps(value, ensure_ascii=False)}"), problems[0]
    assert "\n" not in problems[0]


def test_valid_input_has_no_problem() -> None:
    assert pre_gen.problems({**FACTS, **VALID}) == []


@pytest.mark.parametrize("version", ["2.0.6", "2.0", "2.0.x", "1.9.17.6", "1.6", "1.6.x", "1.13.2"])
def test_releases_as_people_say_them_are_accepted(version: str) -> None:
    assert pre_gen.problems({**FACTS, **VALID, "openmetadata_version": version}) == []


# Cookiecutter itself refuses a value outside a choice variable's list before any hook
# runs (with its own message); the hook still checks them for API callers.
CHOICE_CASES = {"service-unknown", "ide-unknown"}
BAKED_BAD_INPUTS = [case for case in BAD_INPUTS if case[0] not in CHOICE_CASES]


@pytest.mark.parametrize(
    ("overrides", "variable"), [case[1:] for case in BAKED_BAD_INPUTS], ids=[c[0] for c in BAKED_BAD_INPUTS]
)
def test_bake_refuses_bad_input_and_leaves_nothing(tmp_path: Path, overrides: dict[str, Any], variable: str) -> None:
    output = tmp_path / "out"
    overrides = {key: str(tmp_path / "abs") if value == ABSOLUTE else value for key, value in overrides.items()}
    result = bake(output, **{**VALID, **overrides})

    assert result.returncode != 0
    assert f"Error: {variable} " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert list(output.iterdir()) == []
    assert [path.name for path in tmp_path.iterdir()] == ["out"], "nothing outside the output directory"


def test_at_least_thirty_bad_inputs_are_baked() -> None:
    assert len(BAKED_BAD_INPUTS) >= 30


def test_an_existing_directory_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "acme-crm"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")

    result = bake(tmp_path, **VALID)

    assert result.returncode != 0
    assert "already exists" in result.stderr + result.stdout
    assert [path.name for path in existing.iterdir()] == ["keep.txt"]


def test_hooks_run_with_the_standard_library_only(tmp_path: Path) -> None:
    """``pipx install cookiecutter`` gives the hooks nothing else: no third-party import."""
    for hook in ("pre_gen_project", "post_gen_project"):
        source = (TEMPLATE / "hooks" / f"{hook}.py").read_text()
        imported = {
            line.split()[1].split(".")[0]
            for line in source.splitlines()
            if line.strip().startswith(("import ", "from ")) and not line.startswith(" " * 8)
        }
        assert imported <= set(sys.stdlib_module_names) | {"__future__", "yaml"}, (hook, imported)


def test_pre_gen_hook_runs_on_its_own(tmp_path: Path) -> None:
    """As cookiecutter runs it: a script, its rendered context inline, exit 1 on bad input."""
    script = (TEMPLATE / "hooks" / "pre_gen_project.py").read_text()
    bad = {**VALID, "module_name": "3m"}
    rendered = script.replace("{{ cookiecutter | tojson }}", json.dumps({**FACTS, **bad}))
    (tmp_path / "hook.py").write_text(rendered)

    completed = subprocess.run([sys.executable, str(tmp_path / "hook.py")], capture_output=True, text=True)

    assert completed.returncode == 1
    assert completed.stderr.startswith('Error: module_name "3m" is not valid: it starts with a digit')
    assert "Nothing was generated" in completed.stderr


def test_post_gen_check_finds_a_broken_project(tmp_path: Path) -> None:
    result = bake(tmp_path, **VALID)
    assert result.returncode == 0, result.stderr
    project = result.project
    assert post_gen.check(project, VALID) == []

    (project / "src/metadata/__init__.py").write_text("")
    (project / "broken.toml").write_text("key = [")
    (project / "broken.py").write_text("def broken(:\n")
    (project / "left.md").write_text("{{ cookiecutter.module_name }}")
    config = (project / "connector.yaml").read_text().replace("AcmeCrmSource\n", "Missing\n")
    (project / "connector.yaml").write_text(config)

    problems = "\n".join(post_gen.check(project, VALID))
    unparsable = "\n".join(post_gen.parse_problems(project))

    assert "src/metadata/__init__.py: must not exist" in problems
    assert "broken.toml: does not parse" in unparsable
    assert "broken.py: does not parse" in unparsable
    assert "left.md: template syntax left unrendered" in problems
    assert "connector.yaml: sourcePythonClass" in problems


def test_user_braces_are_not_mistaken_for_leftover_jinja() -> None:
    context = {**VALID, "description": "Handles {{ x }} and {% if %}"}
    rendered = 'description = "Handles {{ x }} and {% if %}"'
    assert not post_gen.leftover_template_syntax(rendered, context)
    assert post_gen.leftover_template_syntax(rendered + "\n{% if cookiecutter.ci %}", context)


def test_github_expressions_are_not_leftover_jinja() -> None:
    assert not post_gen.leftover_template_syntax("python-version: ${{ matrix.python }}", VALID)


@pytest.mark.parametrize("release", [OLDEST_RELEASE, NEWEST_RELEASE])
def test_builtin_connector_list_is_current(release: str) -> None:
    """The refused module names cover what OpenMetadata ships, oldest and newest release."""
    script = TEMPLATE / "tests" / "scripts" / "openmetadata_connectors.py"
    listing = SharedVenv(release).ensure().run(str(script), cwd=TEMPLATE)
    assert listing.returncode == 0, listing.stderr
    installed = json.loads(listing.stdout)
    assert installed.get("database"), "openmetadata-ingestion's files list its connectors"
    for service, facts in FACTS["_service_types"].items():
        missing = set(installed.get(service, [])) - set(facts["builtin_modules"].split())
        assert not missing, f"add to _service_types.{service}.builtin_modules in cookiecutter.json: {sorted(missing)}"


def test_a_refused_bake_says_how_to_retry_with_the_answers_kept(tmp_path: Path) -> None:
    """The replay file cookiecutter wrote holds every answer: fix one value, replay it."""
    refused = bake(tmp_path / "first", **{**VALID, "openmetadata_version": "1.4"})
    assert refused.returncode != 0
    advice = next(line for line in refused.stderr.splitlines() if "--replay-file" in line)
    replay_file = Path(advice.split("--replay-file ", 1)[1].split()[0])
    answers = json.loads(replay_file.read_text(encoding="utf-8"))
    assert answers["cookiecutter"]["openmetadata_version"] == "1.4"

    answers["cookiecutter"]["openmetadata_version"] = "1.6"
    fixed = tmp_path / "fixed.json"
    fixed.write_text(json.dumps(answers), encoding="utf-8")
    retried = bake(tmp_path / "second", "--replay-file", str(fixed))

    assert retried.returncode == 0, retried.stderr
    assert retried.answers["openmetadata_version"] == "1.6"
    assert retried.answers["class_name"] == VALID["class_name"], "the other answers were kept"
