"""Remove what the choices exclude, check what was generated, print the next steps.

Runs with nothing but cookiecutter installed (standard library, plus the PyYAML that
cookiecutter depends on), Python >= 3.10, inside the generated project. When a check
fails, the exit status is 1 and cookiecutter removes the generated directory.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RENDERED_CONTEXT = r"""{{ cookiecutter | tojson }}"""

NAMESPACE = ("metadata", "ingestion", "source")
# Jinja left behind (GitHub Actions' dollar-brace expressions are not Jinja and stay).
LEFTOVER_JINJA = re.compile(r"(?<!\$)[{][{]-?\s*cookiecutter\b|[{]%-?\s*(?:if|for|set|raw|endif|endfor|else|elif)\b")
TEXT_SUFFIXES = {".py", ".toml", ".yaml", ".yml", ".json", ".md", ".txt", ".cfg", ".xml", ".iml", ".csv", ""}


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def prune(project: Path, context: dict[str, Any]) -> None:
    """Remove (or move into place) what depends on the choices."""
    service = context["service_type"]
    csv_module = project / "src" / Path(*NAMESPACE) / service / f"{context['module_name']}_csv.py"
    if not _chosen(context.get("include_csv_example")):
        for path in (
            csv_module,
            project / "csv_example.yaml",
            project / "data",
            project / "tests" / "test_csv_example.py",
            project / ".idea" / "runConfigurations" / "Run_CSV_example_locally.xml",
        ):
            _remove(path)
    elif service != "database" and csv_module.exists():
        target = project / "src" / Path(*NAMESPACE) / "database" / csv_module.name
        target.parent.mkdir(parents=True, exist_ok=True)
        csv_module.replace(target)
    ide = context.get("ide")
    if ide not in ("both", "pycharm"):
        _remove(project / ".idea")
    if ide not in ("both", "vscode"):
        _remove(project / ".vscode")
    if ide == "none":
        _remove(project / "docs" / "ide-setup.md")
    ci = context.get("ci")
    if ci != "github":
        _remove(project / ".github")
    if ci != "gitlab":
        _remove(project / ".gitlab-ci.yml")
    for folder in (project / "docs",):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def _chosen(value: Any) -> bool:
    return value is True or str(value).lower() in ("yes", "y", "true", "1")


def _text_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and ".git" not in path.parts:
            yield path


def _rendered_forms(value: str) -> set[str]:
    """How a value can appear in a generated file: as typed, or escaped by ``tojson``."""
    escaped = json.dumps(value)[1:-1]
    html_safe = escaped.replace("<", "\\u003c").replace(">", "\\u003e")
    html_safe = html_safe.replace("&", "\\u0026").replace("'", "\\u0027")
    return {value, escaped, json.dumps(value, ensure_ascii=False)[1:-1], html_safe} - {""}


def leftover_template_syntax(text: str, context: dict[str, Any]) -> bool:
    """Whether ``text`` holds Jinja that was not rendered (user values may hold braces)."""
    for key, value in context.items():
        if not key.startswith("_") and isinstance(value, str) and LEFTOVER_JINJA.search(value):
            for form in sorted(_rendered_forms(value), key=len, reverse=True):
                text = text.replace(form, "")
    return LEFTOVER_JINJA.search(text) is not None


def check(project: Path, context: dict[str, Any]) -> list[str]:
    """Every problem with the generated project, one line each."""
    problems: list[str] = []
    parsed: dict[Path, Any] = {}  # each file is parsed once: the checks below reuse it
    for path in _text_files(project):
        name = path.relative_to(project)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(f"{name}: not UTF-8 text")
            continue
        if leftover_template_syntax(text, context):
            problems.append(f"{name}: template syntax left unrendered")
        try:
            parsed[path] = _parse(path, text)
        except Exception as err:  # any parser's error means the file is broken
            first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
            problems.append(f"{name}: does not parse: {first_line}")
    problems.extend(_namespace_problems(project))
    for config in sorted(project.glob("*.yaml")):
        if config in parsed:
            problems.extend(_source_class_problems(project, config, parsed))
    return problems


def _parse(path: Path, text: str) -> Any:
    """The parsed content of a file this check can read (None for the others)."""
    if path.suffix == ".py":
        return ast.parse(text, filename=str(path))
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".toml":
        loads = _toml_loads()
        return loads(text) if loads else None
    if path.suffix in (".yaml", ".yml"):
        yaml = _yaml()
        # libyaml's loader when PyYAML was built with it: the pure-Python one is slow.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if yaml else None
    return None


def _toml_loads() -> Any:
    try:
        import tomllib  # Python >= 3.11

        return tomllib.loads
    except ModuleNotFoundError:
        return None


def _yaml() -> Any:
    try:
        import yaml  # cookiecutter depends on PyYAML

        return yaml
    except ModuleNotFoundError:
        return None


def _namespace_problems(project: Path) -> Iterator[str]:
    """OpenMetadata owns these levels: an __init__.py of ours would overwrite its files."""
    level = project / "src"
    for part in NAMESPACE:
        level = level / part
        if (level / "__init__.py").exists():
            yield f"{(level / '__init__.py').relative_to(project)}: must not exist (namespace level)"
    if level.is_dir():
        for service in level.iterdir():
            if (service / "__init__.py").exists():
                yield f"{(service / '__init__.py').relative_to(project)}: must not exist (namespace level)"


def _source_class_problems(project: Path, config: Path, parsed: dict[Path, Any]) -> Iterator[str]:
    loaded = parsed[config]
    if not isinstance(loaded, dict) or "source" not in loaded:
        return  # not a workflow config
    try:
        class_path = loaded["source"]["serviceConnection"]["config"]["sourcePythonClass"]
    except (KeyError, TypeError):
        yield f"{config.name}: no source.serviceConnection.config.sourcePythonClass"
        return
    module_path, _, class_name = str(class_path).rpartition(".")
    module_file = project / "src" / Path(*module_path.split(".")).with_suffix(".py")
    if not module_file.is_file():
        yield f"{config.name}: sourcePythonClass {class_path} names a missing module {module_file.relative_to(project)}"
        return
    tree = parsed.get(module_file)
    if tree is None:
        return  # reported as a parse problem
    if not any(isinstance(node, ast.ClassDef) and node.name == class_name for node in tree.body):
        where = module_file.relative_to(project)
        yield f"{config.name}: sourcePythonClass {class_path} names a class missing from {where}"


def next_steps(context: dict[str, Any]) -> str:
    package, service = context["package_name"], context["service_type"]
    lines = [
        f"Created {package}: an OpenMetadata {context['openmetadata_version']} custom {service} connector.",
        "Next steps:",
        f"  cd {package}",
        "  make venv        # .venv with the connector installed editable (what the IDEs use)",
        "  make test        # its tests, against the real openmetadata-ingestion",
        "  make run-local   # connector.yaml through OpenMetadata's workflow, no server needed",
    ]
    if _chosen(context.get("include_csv_example")):
        lines.append("  make run-local CONFIG=csv_example.yaml   # the CSV example")
    lines.append(f"Then edit src/metadata/ingestion/source/{service}/{context['module_name']}.py (see README.md).")
    return "\n".join(lines)


def main() -> int:
    context = json.loads(RENDERED_CONTEXT)
    project = Path.cwd()
    prune(project, context)
    problems = check(project, context)
    if problems:
        for problem in problems:
            print(f"Error: generated project is broken: {problem}", file=sys.stderr)
        return 1
    print(next_steps(context))
    return 0


if __name__ == "__main__":
    sys.exit(main())
