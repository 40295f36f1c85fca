"""IDE files of generated projects: PyCharm's .idea/, VS Code's .vscode/, docs/ide-setup.md.

Every bake is made once per session (through the real cookiecutter CLI) and only read by the tests:
no virtualenv, no OpenMetadata import. What is checked is what the IDEs rely on: the
files parse, every path, module and config they name exists in the generated project,
nothing in them is specific to a machine or a user, and the guide names exactly the
run configurations and Make targets that exist.
"""

from __future__ import annotations

import getpass
import json
import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import TEMPLATE, bake

PYCHARM_IDES = ("both", "pycharm")
VSCODE_IDES = ("both", "vscode")
MODULE_FILE = "connector.iml"  # PyCharm's module file in .idea/, named by modules.xml


@dataclass(frozen=True)
class Case:
    ide: str
    include_csv_example: bool
    service_type: str = "database"
    connector_name: str | None = None

    @property
    def id(self) -> str:
        parts = [f"ide={self.ide}", "csv" if self.include_csv_example else "no-csv"]
        if self.service_type != "database":
            parts.append(self.service_type)
        if self.connector_name:
            parts.append(self.connector_name.replace(" ", "-").lower())
        return "-".join(parts)

    @property
    def pycharm(self) -> bool:
        return self.ide in PYCHARM_IDES

    @property
    def vscode(self) -> bool:
        return self.ide in VSCODE_IDES

    @property
    def extra_context(self) -> dict[str, Any]:
        context: dict[str, Any] = {
            "ide": self.ide,
            "include_csv_example": self.include_csv_example,
            "service_type": self.service_type,
        }
        if self.connector_name:
            context["connector_name"] = self.connector_name
        return context

    def run_configuration_names(self) -> set[str]:
        names = {"Tests (pytest)", "Run connector.yaml locally"}
        if self.include_csv_example:
            names.add("Run csv_example.yaml locally")
        return names


CASES = [Case(ide, csv) for ide in ("both", "pycharm", "vscode", "none") for csv in (True, False)] + [
    Case("both", True, service_type="dashboard"),
    Case("both", False, service_type="pipeline", connector_name="Acme CRM 2"),
]
PYCHARM_CASES = [case for case in CASES if case.pycharm]
VSCODE_CASES = [case for case in CASES if case.vscode]
GUIDE_CASES = [case for case in CASES if case.ide != "none"]
IDE_CASES = [case for case in CASES if case.pycharm or case.vscode]


def cases(selection: list[Case]) -> Any:
    return pytest.mark.parametrize("case", selection, ids=[case.id for case in selection])


@dataclass(frozen=True)
class Generated:
    case: Case
    path: Path
    output_dir: Path
    context: dict[str, Any]

    @property
    def package_name(self) -> str:
        return str(self.context["package_name"])

    @property
    def module_name(self) -> str:
        return str(self.context["module_name"])


@pytest.fixture(scope="session")
def generate(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Case], Generated]:
    """Bake a case once per session; later calls return the same project."""
    baked: dict[Case, Generated] = {}

    def get(case: Case) -> Generated:
        if case not in baked:
            result = bake(tmp_path_factory.mktemp("ide"), **case.extra_context)
            assert result.returncode == 0, f"{case.id}: {result.stderr}"
            baked[case] = Generated(case, result.project, result.output_dir, result.answers)
        return baked[case]

    return get


# --- helpers -------------------------------------------------------------------------------


def expand(value: str, project: Path, *macros: str) -> Path:
    """A path of an IDE file with its project macro replaced by the project folder."""
    for macro in macros:
        value = value.replace(macro, str(project))
    return Path(value.removeprefix("file://"))


def inside(path: Path, project: Path) -> bool:
    return path.resolve().is_relative_to(project.resolve())


def module_file(project: Path, module: str) -> Path | None:
    """The file a dotted module name resolves to: from the project folder, src, or the
    local harness (all three on the IDEs' paths)."""
    for root in (project, project / "src", project / "local-harness"):
        base = root.joinpath(*module.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py", base / "__main__.py"):
            if candidate.is_file():
                return candidate
    return None


def runs_the_harness(project: Path, module: str) -> bool:
    """Whether ``python -m <module>`` runs the local harness's command line."""
    harness = project / "local-harness" / "local_harness"
    return module_file(project, module) == harness / "__init__.py" and (harness / "__main__.py").is_file()


def make_targets(project: Path) -> set[str]:
    text = (project / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", text, flags=re.MULTILINE))


def dev_requirements(project: Path) -> str:
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r"^dev\s*=\s*\[(.*?)\]", text, flags=re.MULTILINE | re.DOTALL)
    assert match, "pyproject.toml has no dev extra"
    return match.group(1)


def run_configurations(project: Path) -> dict[str, ET.Element]:
    """PyCharm's shared run configurations, by name."""
    found: dict[str, ET.Element] = {}
    for path in sorted((project / ".idea" / "runConfigurations").glob("*.xml")):
        root = ET.parse(path).getroot()
        assert root.tag == "component" and root.get("name") == "ProjectRunConfigurationManager", path.name
        configurations = root.findall("configuration")
        assert len(configurations) == 1, f"{path.name}: one configuration per file"
        name = configurations[0].get("name")
        assert name and name not in found, f"{path.name}: missing or duplicate name {name!r}"
        found[name] = configurations[0]
    return found


def options(configuration: ET.Element) -> dict[str, str]:
    return {option.get("name", ""): option.get("value", "") for option in configuration.findall("option")}


def launch_configurations(project: Path) -> dict[str, dict[str, Any]]:
    launch = json.loads((project / ".vscode" / "launch.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for configuration in launch["configurations"]:
        assert configuration["name"] not in found, f"duplicate launch configuration {configuration['name']!r}"
        found[configuration["name"]] = configuration
    return found


def guide_spans(text: str) -> list[str]:
    """Inline code spans of the guide (fenced blocks excluded)."""
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    return re.findall(r"`([^`\n]+)`", prose)


def guide_code(text: str) -> str:
    """Everything the guide shows as code: fenced blocks and inline spans."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.DOTALL)
    return "\n".join(blocks + guide_spans(text))


ROOT_ENTRIES = ("src", "tests", "local-harness", "docs", "data", ".idea", ".vscode")
ROOT_FILE_SUFFIXES = (".yaml", ".yml", ".toml", ".txt", ".json", ".md", ".csv", ".cfg")
MADE_LATER = {"report.json"}  # written by a local run, not generated


def guide_paths(text: str) -> set[str]:
    """Code spans of the guide that name a file or folder of the project."""
    paths = set()
    for token in (token for span in guide_spans(text) for token in span.split()):
        if token in MADE_LATER or "*" in token or "=" in token:
            continue
        first = token.split("/")[0]
        if first in ROOT_ENTRIES or ("/" not in token and token.endswith(ROOT_FILE_SUFFIXES)) or token == "Makefile":
            paths.add(token.rstrip("/"))
    return paths


def ide_files(project: Path) -> list[Path]:
    return sorted(
        path
        for folder in (".idea", ".vscode")
        if (project / folder).is_dir()
        for path in (project / folder).rglob("*")
        if path.is_file()
    )


# --- which files exist -----------------------------------------------------------------------


@cases(CASES)
def test_ide_files_follow_the_ide_choice(generate: Callable[[Case], Generated], case: Case) -> None:
    """Needs the post-generation hook: the template generates every IDE file, the hook prunes."""
    project = generate(case).path
    assert (project / ".idea").is_dir() == case.pycharm
    assert (project / ".vscode").is_dir() == case.vscode
    assert (project / "docs" / "ide-setup.md").is_file() == (case.ide != "none")
    if case.pycharm:
        csv_run = project / ".idea" / "runConfigurations" / "Run_CSV_example_locally.xml"
        assert csv_run.is_file() == case.include_csv_example


# --- PyCharm -------------------------------------------------------------------------------


@cases(PYCHARM_CASES)
def test_pycharm_files_parse(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    idea = generated.path / ".idea"
    for name in ("misc.xml", "modules.xml", MODULE_FILE, ".gitignore"):
        assert (idea / name).is_file(), name
    for path in sorted(idea.rglob("*")):
        if path.suffix in (".xml", ".iml"):
            ET.parse(path)  # raises on malformed XML
    assert not (idea / "workspace.xml").exists()
    ignored = (idea / ".gitignore").read_text(encoding="utf-8").split()
    assert "/workspace.xml" in ignored


@cases(PYCHARM_CASES)
def test_pycharm_project_sdk_is_a_portable_python_sdk(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    root = ET.parse(generated.path / ".idea" / "misc.xml").getroot()
    manager = root.find("component[@name='ProjectRootManager']")
    assert manager is not None
    assert manager.get("version") == "2"
    assert manager.get("project-jdk-type") == "Python SDK"
    assert manager.get("project-jdk-name") == f"Python 3 ({generated.package_name})"


@cases(PYCHARM_CASES)
def test_pycharm_module_roots_exist(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    project = generated.path
    modules = ET.parse(project / ".idea" / "modules.xml").getroot().findall(".//module")
    assert len(modules) == 1
    iml = expand(modules[0].get("filepath", ""), project, "$PROJECT_DIR$")
    assert iml == expand(modules[0].get("fileurl", ""), project, "$PROJECT_DIR$")
    assert iml == project / ".idea" / MODULE_FILE
    assert iml.is_file()

    module = ET.parse(iml).getroot()
    assert module.get("type") == "PYTHON_MODULE"
    # A module file in .idea/ has the project folder as $MODULE_DIR$.
    [content] = module.findall("component[@name='NewModuleRootManager']/content")
    assert expand(content.get("url", ""), project, "$MODULE_DIR$") == project
    sources = {
        expand(folder.get("url", ""), project, "$MODULE_DIR$"): folder.get("isTestSource")
        for folder in content.findall("sourceFolder")
    }
    assert sources == {project / "src": "false", project / "local-harness": "false", project / "tests": "true"}
    assert all(path.is_dir() for path in sources)
    excluded = {expand(folder.get("url", ""), project, "$MODULE_DIR$") for folder in content.findall("excludeFolder")}
    assert project / ".venv" in excluded
    assert all(inside(path, project) for path in excluded)
    # The local harness resolves from its own source root.
    assert (project / "local-harness" / "local_harness" / "__main__.py").is_file()
    assert not any(path in excluded for path in sources)
    entries = [entry.get("type") for entry in module.iter("orderEntry")]
    assert "inheritedJdk" in entries  # the project interpreter, not a machine's SDK name


@cases(PYCHARM_CASES)
def test_pycharm_run_configurations_target_existing_files(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    project = generated.path
    found = run_configurations(project)
    assert set(found) == case.run_configuration_names()
    for name, configuration in found.items():
        opts = options(configuration)
        module = configuration.find("module")
        # A module is named after its file; a fixed name keeps the files identical across projects.
        assert module is not None and module.get("name") == Path(MODULE_FILE).stem, name
        assert opts["WORKING_DIRECTORY"] == "$PROJECT_DIR$", name
        assert opts.get("SDK_HOME", "") == "" and opts.get("IS_MODULE_SDK") == "true", name
        if configuration.get("type") == "PythonConfigurationType":
            assert opts["MODULE_MODE"] == "true", name
            assert runs_the_harness(project, opts["SCRIPT_NAME"]), name
            command, config, *rest = shlex.split(opts["PARAMETERS"])
            assert command == "run", name
            assert (project / config).is_file(), f"{name}: {config} is missing"
            assert name == f"Run {config} locally"
            assert rest == ["--report", "report.json"], name
        else:
            assert (configuration.get("type"), configuration.get("factoryName")) == ("tests", "py.test"), name
            # PyCharm stores these two options JSON-quoted.
            assert json.loads(opts["_new_targetType"]) == "PATH", name
            target = expand(json.loads(opts["_new_target"]), project, "$PROJECT_DIR$")
            assert target == project / "tests" and target.is_dir(), name


# --- VS Code -------------------------------------------------------------------------------


@cases(VSCODE_CASES)
def test_vscode_settings(generate: Callable[[Case], Generated], case: Case) -> None:
    project = generate(case).path
    for name in ("settings.json", "launch.json", "extensions.json"):
        json.loads((project / ".vscode" / name).read_text(encoding="utf-8"))  # strict JSON
    settings = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    interpreter = settings["python.defaultInterpreterPath"]
    assert interpreter == "${workspaceFolder}/.venv/bin/python"
    assert re.search(r"^VENV\s*:?=\s*\.venv\s*$", (project / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert settings["python.testing.pytestEnabled"] is True
    assert settings["python.testing.unittestEnabled"] is False
    assert settings["python.testing.pytestArgs"] == ["tests"]
    assert (project / "tests").is_dir()
    assert settings["[python]"]["editor.defaultFormatter"] == "charliermarsh.ruff"
    extra_paths = settings["python.analysis.extraPaths"]
    assert {"src", "local-harness", "."} <= set(extra_paths)
    assert all((project / path).is_dir() for path in extra_paths)
    extensions = json.loads((project / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert {"ms-python.python", "ms-python.debugpy", "charliermarsh.ruff"} <= set(extensions["recommendations"])


@cases(VSCODE_CASES)
def test_vscode_launch_configurations_target_existing_files(generate: Callable[[Case], Generated], case: Case) -> None:
    project = generate(case).path
    found = launch_configurations(project)
    assert set(found) == case.run_configuration_names()
    for name, configuration in found.items():
        assert configuration["type"] == "debugpy", name
        assert configuration["request"] == "launch", name
        assert configuration["cwd"] == "${workspaceFolder}", name
        assert configuration["justMyCode"] is False, name
        module, args = configuration["module"], configuration["args"]
        if module == "pytest":
            assert re.search(r'"pytest\b', dev_requirements(project)), "pytest is not a dev requirement"
            assert args == ["tests"] and (project / "tests").is_dir(), name
        else:
            assert runs_the_harness(project, module), name
            command, config, *rest = args
            assert command == "run", name
            assert (project / config).is_file(), f"{name}: {config} is missing"
            assert name == f"Run {config} locally"
            assert rest == ["--report", "report.json"], name


# --- both ----------------------------------------------------------------------------------


@cases(IDE_CASES)
def test_ide_files_name_no_machine_or_user(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    project = generated.path
    forbidden = {
        str(generated.output_dir),
        str(Path.home()),
        str(TEMPLATE),
        "$USER_HOME$",
        str(generated.context["author"]),
        str(generated.context["email"]),
    }
    absolute = re.compile(r"(?<![\w$}.])/(?:home|Users|root|tmp|opt|usr|var|mnt|private)/|\b[A-Za-z]:[\\/]|file:///")
    user = re.compile(rf"\b{re.escape(getpass.getuser())}\b")
    files = ide_files(project)
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(project)
        assert not absolute.search(text), f"{name}: absolute path {absolute.search(text)}"
        for value in forbidden:
            assert value not in text, f"{name} holds {value!r}"
        assert not user.search(text), f"{name} holds the user name"
    assert not (project / ".idea" / "workspace.xml").exists()


# --- the guide -----------------------------------------------------------------------------


@cases(GUIDE_CASES)
def test_guide_names_the_run_configurations_of_the_ide_files(generate: Callable[[Case], Generated], case: Case) -> None:
    project = generate(case).path
    text = (project / "docs" / "ide-setup.md").read_text(encoding="utf-8")
    named = {span for span in guide_spans(text) if re.fullmatch(r"Tests \(pytest\)|Run \S+ locally", span)}
    in_files: set[str] = set()
    if case.pycharm:
        in_files |= set(run_configurations(project))
    if case.vscode:
        in_files |= set(launch_configurations(project))
    assert named == in_files
    # Each IDE's section lists exactly that IDE's configurations ("- `name`: what it does").
    sections = dict(re.findall(r"^## \d+\. (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL))
    listed = {title: set(re.findall(r"^\s*- `([^`]+)`:", body, flags=re.MULTILINE)) for title, body in sections.items()}
    assert ("PyCharm" in listed) == case.pycharm
    assert ("VS Code" in listed) == case.vscode
    if case.pycharm:
        assert listed["PyCharm"] == set(run_configurations(project))
    if case.vscode:
        assert listed["VS Code"] == set(launch_configurations(project))


@cases(GUIDE_CASES)
def test_guide_names_existing_paths_modules_and_make_targets(generate: Callable[[Case], Generated], case: Case) -> None:
    generated = generate(case)
    project = generated.path
    text = (project / "docs" / "ide-setup.md").read_text(encoding="utf-8")
    code = guide_code(text)

    paths = guide_paths(text)
    assert {"src", "tests", "connector.yaml"} <= paths
    missing = sorted(path for path in paths if not (project / path).exists())
    assert not missing, f"the guide names missing paths: {missing}"
    if not case.pycharm:
        assert ".idea" not in text
    if not case.vscode:
        assert ".vscode" not in text

    targets = set(re.findall(r"\bmake ([a-z][a-z-]*)", code))
    assert {"venv", "install", "test", "run-local"} <= targets
    assert targets <= make_targets(project), f"unknown Make targets: {sorted(targets - make_targets(project))}"

    for module in set(re.findall(r"\blocal_harness(?:\.\w+)*", code)):
        assert module_file(project, module), f"{module} does not resolve"
    modules = set(re.findall(r"\bmetadata\.ingestion\.source\.\w+\.\w+(?:\.metadata)?", code))
    own = f"metadata.ingestion.source.{case.service_type}.{generated.module_name}"
    assert own in modules
    for module in modules:
        assert module_file(project, module), f"{module} does not resolve under src"

    assert f"python -m pip show -f {generated.package_name}\n" in code
    assert f'python -c "import {own} as m; print(m.__file__)"' in code
    assert 'python -c "import sys; print(sys.executable)"' in code
    if case.pycharm:
        sdk = ET.parse(project / ".idea" / "misc.xml").getroot().find("component[@name='ProjectRootManager']")
        assert sdk is not None and f"`{sdk.get('project-jdk-name')}`" in text
        assert f"`.idea/{MODULE_FILE}`" in text
    if case.vscode:
        settings = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
        assert f"`{settings['python.defaultInterpreterPath']}`" in text
