"""Bakes of the variable matrix: what is generated, and that it is lint-clean and faithful.

No virtualenv and no OpenMetadata here: these run in seconds. Every bake passed the
post-generation hook's checks (every file parses, no template syntax is left, each
workflow config names a class that exists, no ``__init__.py`` at a namespace level:
tests/test_hooks.py tests those checks); what the generated projects do at run time is
in test_generated_projects.py.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib

from .conftest import (
    CHOICES,
    CLIENT_STYLES,
    OLDEST_RELEASE,
    SERVICE_TYPES,
    TEMPLATE,
    Bake,
    allowed,
    bake,
    case_id,
)

PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.package_name}}"


def _hook(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PRE_GEN = _hook("pre_gen_project")
POST_GEN = _hook("post_gen_project")
# Odd but valid input: quotes, backslashes, newlines, Jinja braces, non-ASCII letters.
ODD_TEXT: dict[str, Any] = {
    "connector_name": "Ünïcode & \"Quoted\" 'CRM'",
    "description": 'Reads "quoted" {{ things }}, C:\\back\\slashes, """ and \'\'\' ends,\nnon-ASCII: café, 東京.',
    "author": 'O\'Brien \\ "Data" Team',
}
NAMES = {
    "connector_name": "Acme CRM",
    "package_name": "acme-crm",
    "module_name": "acme_crm",
    "class_name": "AcmeCrmSource",
}


def _matrix() -> list[dict[str, Any]]:
    """Every allowed service type x client style pair; the other choices rotate through
    every value alongside (each appears, with and without the CSV example)."""
    pairs = [(svc, style) for svc in SERVICE_TYPES for style in CLIENT_STYLES if allowed(svc, style)]
    rotating = zip(
        itertools.cycle((True, False)),
        itertools.cycle(CHOICES["ide"]),
        itertools.cycle(CHOICES["ci"]),
        itertools.cycle(CHOICES["license"]),
        strict=False,
    )
    cases = [
        {"service_type": svc, "client_style": style, "include_csv_example": csv, "ide": ide, "ci": ci, "license": lic}
        for (svc, style), (csv, ide, ci, lic) in zip(pairs, rotating, strict=False)
    ]
    return cases + [
        {"client_style": "plain", "openmetadata_version": OLDEST_RELEASE, **ODD_TEXT},
        {"service_type": "drive", "client_style": "rest_api", "openmetadata_version": "1.9"},
        {
            "connector_name": "3M's Data-Lake (v2)",
            "package_name": "om.3m_data-lake",
            "module_name": "m3_data_lake_v2",
            "class_name": "M3DataLakeV2",
            "service_type": "storage",
        },
        {
            "package_name": "acme-" + "x" * 59,
            "module_name": "acme_" + "x" * 27,
            "class_name": "Acme" + "X" * 22 + "Source",
            "service_type": "mlmodel",  # the longest connection class name
            "client_style": "rest_api",
        },
    ]


CASES = _matrix()


@pytest.fixture(scope="module", params=CASES, ids=[case_id(case) for case in CASES])
def baked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bake:
    context = request.param if "connector_name" in request.param else {**NAMES, **request.param}
    result = bake(tmp_path_factory.mktemp("bake"), **context)
    assert result.returncode == 0, result.stderr
    return result


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def _rendered(template_paths: set[str], answers: dict[str, Any]) -> set[str]:
    names = {
        "{{cookiecutter.service_type}}": answers["service_type"],
        "{{cookiecutter.module_name}}": answers["module_name"],
    }
    rendered = set()
    for path in template_paths:
        for placeholder, value in names.items():
            path = path.replace(placeholder, value)
        rendered.add(path)
    return rendered


def expected_files(answers: dict[str, Any]) -> set[str]:
    """The exact files a bake with ``answers`` must produce: the common files, the chosen
    variants' files, minus what the options remove."""
    common = {path for path in _files(PROJECT_TEMPLATE) if not path.startswith("variants/")}
    chosen = [
        PROJECT_TEMPLATE / "variants" / "service_type" / answers["service_type"],
        PROJECT_TEMPLATE / "variants" / "client_style" / answers["client_style"],
    ]
    if answers["include_csv_example"] in (True, "yes"):
        chosen.append(PROJECT_TEMPLATE / "variants" / "csv_example")
    files = common | {path for folder in chosen for path in _files(folder)}
    files = {path for path in files if "__pycache__" not in path and not path.endswith(".pyc")}
    if answers["client_style"] == "sqlalchemy":  # its example system is an SQLite database
        files = {path for path in files if not path.endswith("/example_records.json")}
    ide, ci = answers["ide"], answers["ci"]
    if ide not in ("both", "pycharm"):
        files = {path for path in files if not path.startswith(".idea/")}
    elif answers["include_csv_example"] not in (True, "yes"):
        files.discard(".idea/runConfigurations/Run_CSV_example_locally.xml")
    if ide not in ("both", "vscode"):
        files = {path for path in files if not path.startswith(".vscode/")}
    if ide == "none":
        files.discard("docs/ide-setup.md")
    if ci != "github":
        files = {path for path in files if not path.startswith(".github/")}
    if ci != "gitlab":
        files.discard(".gitlab-ci.yml")
    return _rendered(files, answers)


def test_exactly_the_expected_files_are_generated(baked: Bake) -> None:
    assert _files(baked.project) == expected_files(baked.answers)


def test_every_generated_file_parses(baked: Bake) -> None:
    """Python, JSON, XML, TOML and YAML (the post-generation hook checks the rest at
    every bake; parsing is left to these tests, which bake every choice)."""
    assert POST_GEN.parse_problems(baked.project) == []


def test_generated_python_is_lint_and_format_clean(baked: Bake) -> None:
    """What the generated CI runs first, exactly as generated (mypy needs OpenMetadata:
    it runs with each project's tests in test_generated_projects.py)."""
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        done = subprocess.run(command, cwd=baked.project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_user_text_arrives_intact(baked: Bake) -> None:
    """Values are data: they reach the package metadata and the connector unchanged."""
    answers, project = baked.answers, baked.project
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"] == [{"name": answers["author"], "email": answers["email"]}]
    module = (
        project / "src/metadata/ingestion/source" / answers["service_type"] / answers["module_name"] / "metadata.py"
    )
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(module.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id.isupper()
        and isinstance(node.value, ast.Constant)
    }
    assert constants["SERVICE_DISPLAY_NAME"] == answers["connector_name"]
    assert constants["SERVICE_DESCRIPTION"] == answers["description"]


def test_no_template_python_file_branches_on_the_service_type() -> None:
    """Each service type's files are plain files of their own: no ``{% if %}`` on it."""
    offenders = [
        str(path.relative_to(TEMPLATE))
        for path in PROJECT_TEMPLATE.rglob("*.py")
        if "service_type"
        in "".join(line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("{%"))
    ]
    assert offenders == []


def test_every_service_type_has_its_variant_folder_and_facts() -> None:
    """Adding a service type is one folder plus one choice (with its facts)."""
    folders = {path.name for path in (PROJECT_TEMPLATE / "variants" / "service_type").iterdir()}
    assert folders == set(SERVICE_TYPES)
    for service_type in SERVICE_TYPES:
        folder = PROJECT_TEMPLATE / "variants" / "service_type" / service_type
        assert (folder / "connector.yaml").is_file()
        assert (folder / "tests" / "test_connector.py").is_file()
        package = folder / "src/metadata/ingestion/source" / service_type / "{{cookiecutter.module_name}}"
        assert {path.name for path in package.iterdir()} >= {"metadata.py", "models.py"}


def test_derived_names_follow_the_connector_name(tmp_path: Path) -> None:
    result = bake(tmp_path, connector_name="Acme CRM: Sales & Leads", ide="none", ci="none")
    assert result.returncode == 0, result.stderr
    answers = result.answers
    assert (answers["package_name"], answers["module_name"], answers["class_name"]) == (
        "acme-crm-sales-leads",
        "acme_crm_sales_leads",
        "AcmeCrmSalesLeadsSource",
    )


def test_next_steps_are_printed(tmp_path: Path) -> None:
    result = bake(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cd my-awesome-connector" in result.stdout
    assert "make run-local" in result.stdout


# Names a generated module defines from the class name itself: never a collision.
def _own_names(class_name: str) -> set[str]:
    prefix = class_name.removesuffix("Source")
    return {class_name, f"{class_name}Csv", f"{class_name}CsvOptions", f"{class_name}CsvFile"} | {
        f"{prefix}{suffix}" for suffix in ("Client", "Options")
    }


def _top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return {name for name in names if PRE_GEN.CLASS_NAME.fullmatch(name)}  # what a class_name can be


def test_reserved_class_names_cover_what_the_generated_modules_import(baked: Bake) -> None:
    """A class_name equal to a CamelCase name a generated module imports or defines would
    shadow it: the pre-generation hook must refuse each of them (its RESERVED_CLASS_NAMES)."""
    own = _own_names(baked.answers["class_name"])
    found: dict[str, str] = {}
    for module in baked.project.rglob("*.py"):
        if "local-harness" not in module.parts:
            for name in _top_level_names(module) - own:
                found.setdefault(name, str(module.relative_to(baked.project)))
    missing = {name: where for name, where in found.items() if name not in PRE_GEN.RESERVED_CLASS_NAMES}
    assert not missing, f"add to RESERVED_CLASS_NAMES in hooks/pre_gen_project.py: {missing}"
