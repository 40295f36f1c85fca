"""Bakes of the variable matrix: what is generated, and that all of it is well formed.

No virtualenv and no OpenMetadata here: these run in seconds. What the generated
projects do at run time is in test_generated_projects.py.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .conftest import SERVICE_TYPES, bake

# Odd but valid input: quotes, backslashes, newlines, Jinja braces, non-ASCII letters.
ODD_TEXT: dict[str, Any] = {
    "connector_name": "Ünïcode & \"Quoted\" 'CRM'",
    "description": 'Reads "quoted" {{ things }}, C:\\back\\slashes, """ and \'\'\' ends,\nnon-ASCII: café, 東京.',
    "author": 'O\'Brien \\ "Data" Team',
}

ALWAYS = {
    ".gitignore",
    ".dockerignore",
    ".pre-commit-config.yaml",
    ".cookiecutter.json",
    "Dockerfile",
    "LICENSE",
    "Makefile",
    "README.md",
    "connector.yaml",
    "constraints.txt",
    "pyproject.toml",
    "docker/docker-compose.yml",
    "om_local/__init__.py",
    "om_local/run_local.py",
    "om_local/stand_in.py",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/test_connector.py",
    "tests/test_local_run.py",
    "tests/test_stand_in.py",
}
PYCHARM = {
    ".idea/.gitignore",
    ".idea/misc.xml",
    ".idea/modules.xml",
    ".idea/connector.iml",
    ".idea/runConfigurations/Tests.xml",
    ".idea/runConfigurations/Run_connector_locally.xml",
}
VSCODE = {".vscode/settings.json", ".vscode/launch.json", ".vscode/extensions.json"}


def expected_files(context: dict[str, Any]) -> set[str]:
    """The exact set of files a bake with ``context`` must produce."""
    service, module = context["service_type"], context["module_name"]
    files = set(ALWAYS)
    files.add(f"src/metadata/ingestion/source/{service}/{module}.py")
    files.add(f"dags/{module}_dag.py")
    if context["include_csv_example"]:
        files |= {
            f"src/metadata/ingestion/source/database/{module}_csv.py",
            "csv_example.yaml",
            "data/sample.csv",
            "tests/test_csv_example.py",
        }
    ide = context["ide"]
    if ide in ("both", "pycharm"):
        files |= PYCHARM
        if context["include_csv_example"]:
            files.add(".idea/runConfigurations/Run_CSV_example_locally.xml")
    if ide in ("both", "vscode"):
        files |= VSCODE
    if ide != "none":
        files.add("docs/ide-setup.md")
    if context["ci"] == "github":
        files.add(".github/workflows/ci.yml")
    elif context["ci"] == "gitlab":
        files.add(".gitlab-ci.yml")
    return files


def _case(**overrides: Any) -> dict[str, Any]:
    context = {
        "connector_name": "Acme CRM",
        "package_name": "acme-crm",
        "module_name": "acme_crm",
        "class_name": "AcmeCrm",
        "service_type": "database",
        "include_csv_example": True,
        "ide": "both",
        "ci": "github",
    }
    context.update(overrides)
    return context


# Every service type with and without the CSV example, the other choices rotating
# through their values, plus odd-but-valid names and text.
CASES = {
    f"{service}-{'csv' if csv else 'nocsv'}": _case(
        service_type=service,
        include_csv_example=csv,
        ide=ide,
        ci=ci,
        license=license_,
    )
    for (service, csv), ide, ci, license_ in zip(
        itertools.product(SERVICE_TYPES, (True, False)),
        itertools.cycle(("both", "pycharm", "vscode", "none")),
        itertools.cycle(("github", "gitlab", "none")),
        itertools.cycle(("Apache-2.0", "MIT", "BSD-3-Clause", "Proprietary")),
        strict=False,
    )
} | {
    "odd-text": _case(**ODD_TEXT),
    "odd-names": _case(
        connector_name="3M's Data-Lake (v2)",
        package_name="om.3m_data-lake",
        module_name="m3_data_lake_v2",
        class_name="M3DataLakeV2",
        service_type="storage",
    ),
    "longest-names": _case(
        package_name="acme-" + "x" * 59,
        module_name="acme_" + "x" * 27,
        class_name="Acme" + "X" * 28,
        service_type="mlmodel",  # the longest connection class name
    ),
    "derived-names": {
        "connector_name": "Acme CRM: Sales & Leads",
        "service_type": "dashboard",
        "include_csv_example": False,
        "ide": "none",
        "ci": "none",
    },
}


@pytest.fixture(scope="module", params=sorted(CASES), ids=str)
def baked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    context = CASES[request.param]
    result = bake(tmp_path_factory.mktemp(request.param), **context)
    assert result.returncode == 0, result.stderr
    recorded = json.loads((result.output_dir / _package(result.output_dir) / ".cookiecutter.json").read_text())[
        "cookiecutter"
    ]
    return recorded, result.output_dir / _package(result.output_dir)


def _package(output_dir: Path) -> str:
    (project,) = [path.name for path in output_dir.iterdir()]
    return project


def _files(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


def test_exactly_the_expected_files_are_generated(baked: tuple[dict[str, Any], Path]) -> None:
    context, project = baked
    assert _files(project) == expected_files(context)


def test_no_template_syntax_is_left(baked: tuple[dict[str, Any], Path]) -> None:
    _, project = baked
    leftover = re.compile(r"(?<!\$)\{\{\s*cookiecutter|\{%")
    offenders = [name for name in _files(project) if leftover.search((project / name).read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_file_parses(baked: tuple[dict[str, Any], Path]) -> None:
    _, project = baked
    for name in sorted(_files(project)):
        path = project / name
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            ast.parse(text, filename=name)
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            yaml.safe_load(text)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix in (".xml", ".iml"):
            ET.fromstring(text)


def test_generated_python_is_lint_and_format_clean(baked: tuple[dict[str, Any], Path]) -> None:
    """What the generated CI runs first, exactly as generated (mypy needs OpenMetadata:
    it runs with each project's tests in test_generated_projects.py)."""
    _, project = baked
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_user_text_arrives_intact(baked: tuple[dict[str, Any], Path]) -> None:
    """Values are data: they reach the package metadata and the connector unchanged."""
    context, project = baked
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == context["description"]
    assert pyproject["project"]["authors"] == [{"name": context["author"], "email": context["email"]}]
    module = project / f"src/metadata/ingestion/source/{context['service_type']}/{context['module_name']}.py"
    constants = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(module.read_text()).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
    }
    assert constants["SERVICE_DISPLAY_NAME"] == context["connector_name"]
    assert constants["SERVICE_DESCRIPTION"] == context["description"]


def test_no_init_at_namespace_levels(baked: tuple[dict[str, Any], Path]) -> None:
    _, project = baked
    inits = [name for name in _files(project) if name.startswith("src/") and name.endswith("__init__.py")]
    assert inits == []


def test_workflow_configs_name_the_generated_class(baked: tuple[dict[str, Any], Path]) -> None:
    context, project = baked
    configs = {"connector.yaml": (context["service_type"], context["module_name"], context["class_name"])}
    if context["include_csv_example"]:
        configs["csv_example.yaml"] = ("database", f"{context['module_name']}_csv", f"{context['class_name']}Csv")
    for config, (service, module, class_name) in configs.items():
        loaded = yaml.safe_load((project / config).read_text())
        source_class = loaded["source"]["serviceConnection"]["config"]["sourcePythonClass"]
        assert source_class == f"metadata.ingestion.source.{service}.{module}.{class_name}"
        tree = ast.parse((project / "src/metadata/ingestion/source" / service / f"{module}.py").read_text())
        assert class_name in {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def test_derived_names_follow_the_connector_name(tmp_path: Path) -> None:
    result = bake(tmp_path, connector_name="Acme CRM: Sales & Leads", ide="none", ci="none")
    assert result.returncode == 0, result.stderr
    recorded = json.loads((result.output_dir / "acme-crm-sales-leads" / ".cookiecutter.json").read_text())[
        "cookiecutter"
    ]
    assert (recorded["package_name"], recorded["module_name"], recorded["class_name"]) == (
        "acme-crm-sales-leads",
        "acme_crm_sales_leads",
        "AcmeCrmSalesLeads",
    )


def test_next_steps_are_printed(tmp_path: Path) -> None:
    result = bake(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cd my-awesome-connector" in result.stdout
    assert "make run-local" in result.stdout
