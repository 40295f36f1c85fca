"""Put the chosen variants in place, remove what the choices exclude, check the result.

Runs with nothing but cookiecutter installed (standard library only), Python >= 3.10,
inside the generated project. ``main`` reads
as the table of what each choice does. When a check fails, the exit status is 1 and
cookiecutter removes the generated directory: a project is either whole or not there.

Variants are whole files: ``variants/<variable>/<value>/`` (and ``variants/csv_example/``)
mirrors the project, and the chosen tree is laid over it (``service_type`` first, then
``client_style``, then the CSV example); ``variants/fragments/`` holds pieces that
generated files include. ``variants/`` is then removed with everything not chosen.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RENDERED_CONTEXT = r"""{{ cookiecutter | tojson }}"""

VARIANTS = "variants"
NAMESPACE = ("metadata", "ingestion", "source")
# Jinja left behind (GitHub Actions' dollar-brace expressions are not Jinja and stay).
LEFTOVER_JINJA = re.compile(
    r"(?<!\$)[{][{]-?\s*cookiecutter\b|[{]%-?\s*(?:if|for|set|raw|include|endif|endfor|else|elif)\b"
)
SOURCE_CLASS = re.compile(r"^\s+sourcePythonClass:\s*([\w.]+)\s*$", re.MULTILINE)
TEXT_SUFFIXES = {".py", ".toml", ".yaml", ".yml", ".json", ".md", ".txt", ".cfg", ".xml", ".iml", ".csv", ".sql", ""}


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def _chosen(value: Any) -> bool:
    return value is True or str(value).lower() in ("yes", "y", "true", "1")


# --- Variants: whole files, chosen once ---------------------------------------------------


def place_variant(project: Path, *variant: str) -> None:
    """Lay ``variants/<variant...>/`` over the project, file by file."""
    source = project.joinpath(VARIANTS, *variant)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = project / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)


def remove_variants(project: Path) -> None:
    """Everything that was not chosen (and the fragments the chosen files included)."""
    _remove(project / VARIANTS)


# --- Options -------------------------------------------------------------------------------


def remove_example_records(project: Path, context: dict[str, Any]) -> None:
    """A client style with an example system of its own (sqlalchemy: an SQLite database)
    has no use for the service type's example records."""
    package = project / "src" / Path(*NAMESPACE) / context["service_type"] / context["module_name"]
    _remove(package / "example_records.json")


def remove_csv_example_run_configuration(project: Path) -> None:
    _remove(project / ".idea" / "runConfigurations" / "Run_CSV_example_locally.xml")


def remove_pycharm_files(project: Path) -> None:
    _remove(project / ".idea")


def remove_vscode_files(project: Path) -> None:
    _remove(project / ".vscode")


def remove_ide_guide(project: Path) -> None:
    _remove(project / "docs" / "ide-setup.md")


def remove_github_ci(project: Path) -> None:
    _remove(project / ".github")


def remove_gitlab_ci(project: Path) -> None:
    _remove(project / ".gitlab-ci.yml")


def remove_empty_folders(project: Path) -> None:
    for folder in sorted((p for p in project.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def arrange(project: Path, context: dict[str, Any]) -> None:
    """What each choice puts in place or removes."""
    place_variant(project, "service_type", context["service_type"])
    place_variant(project, "client_style", context["client_style"])
    if context["client_style"] == "sqlalchemy":
        remove_example_records(project, context)
    if _chosen(context.get("include_csv_example")):
        place_variant(project, "csv_example")
    else:
        remove_csv_example_run_configuration(project)
    remove_variants(project)
    ide = context.get("ide")
    if ide not in ("both", "pycharm"):
        remove_pycharm_files(project)
    if ide not in ("both", "vscode"):
        remove_vscode_files(project)
    if ide == "none":
        remove_ide_guide(project)
    if context.get("ci") != "github":
        remove_github_ci(project)
    if context.get("ci") != "gitlab":
        remove_gitlab_ci(project)
    remove_empty_folders(project)


# --- Checks ----------------------------------------------------------------------------------


# Copied verbatim (``_copy_without_render``): not rendered, so nothing to check here; the
# template's own tests check it once.
VERBATIM = ("local-harness",)


def _text_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        parts = path.relative_to(project).parts
        if path.is_file() and path.suffix in TEXT_SUFFIXES and ".git" not in parts and parts[0] not in VERBATIM:
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
    """What makes the generated project broken, one line each: what is cheap to check at
    every bake (a third of a bake's time is its hooks' budget). That every file also
    parses is ``parse_problems``, which the template's own tests run on every bake."""
    problems: list[str] = []
    for path in _text_files(project):
        name = path.relative_to(project)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            problems.append(f"{name}: not UTF-8 text")
            continue
        if leftover_template_syntax(text, context):
            problems.append(f"{name}: template syntax left unrendered")
        if path.parent == project and path.suffix == ".yaml":
            problems.extend(_source_class_problems(project, name, text))
    if (project / VARIANTS).exists():
        problems.append(f"{VARIANTS}/: left in the project")
    problems.extend(_namespace_problems(project))
    return problems


def parse_problems(project: Path) -> list[str]:
    """The rendered files that do not parse (Python, JSON, XML, TOML, YAML), one line each."""
    problems: list[str] = []
    for path in _text_files(project):
        try:
            _parse(path, path.read_text(encoding="utf-8"))
        except Exception as err:  # any parser's error means the file is broken
            first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
            problems.append(f"{path.relative_to(project)}: does not parse: {first_line}")
    return problems


def _parse(path: Path, text: str) -> Any:
    """The parsed content of a file this check can read (None for the others)."""
    if path.suffix == ".py":
        return ast.parse(text, filename=str(path))
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix in (".xml", ".iml"):
        return ET.fromstring(text)
    if path.suffix == ".toml":
        import tomllib  # Python >= 3.11, where the template's tests run

        return tomllib.loads(text)
    if path.suffix in (".yaml", ".yml"):
        import yaml  # cookiecutter depends on PyYAML

        return yaml.safe_load(text)
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


def _module_file(project: Path, module_path: str) -> Path | None:
    base = project / "src" / Path(*module_path.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _source_class_problems(project: Path, config: Path, text: str) -> Iterator[str]:
    """The class a workflow config names must exist where it says (read without a YAML
    parser: the ``sourcePythonClass:`` line of the generated configs)."""
    match = SOURCE_CLASS.search(text)
    if "\nsource:" not in f"\n{text}":
        return  # not a workflow config
    if match is None:
        yield f"{config}: no source.serviceConnection.config.sourcePythonClass"
        return
    class_path = match.group(1)
    module_path, _, class_name = class_path.rpartition(".")
    module_file = _module_file(project, module_path)
    if module_file is None:
        yield f"{config}: sourcePythonClass {class_path} names a missing module {module_path}"
        return
    defined = re.search(rf"^class {re.escape(class_name)}\b", module_file.read_text(encoding="utf-8"), re.MULTILINE)
    if defined is None:
        yield f"{config}: sourcePythonClass {class_path} names a class missing from {module_file.relative_to(project)}"


def next_steps(context: dict[str, Any]) -> str:
    package, service = context["package_name"], context["service_type"]
    lines = [
        f"Created {package}: an OpenMetadata {context['openmetadata_version']} custom {service} connector"
        f" ({context['client_style']} client).",
        "Next steps:",
        f"  cd {package}",
        "  make venv              # .venv with the connector installed editable (what the IDEs use)",
        "  make test              # its tests, against the real openmetadata-ingestion",
        "  make run-local         # connector.yaml through OpenMetadata's workflow, no server needed",
        "  make test-connection   # the connector's connection checks, step by step",
    ]
    if _chosen(context.get("include_csv_example")):
        lines.append("  make run-local CONFIG=csv_example.yaml   # the CSV example")
    lines.append(f"Then edit src/metadata/ingestion/source/{service}/{context['module_name']}/ (see README.md).")
    return "\n".join(lines)


def main() -> int:
    context = json.loads(RENDERED_CONTEXT)
    project = Path.cwd()
    arrange(project, context)
    problems = check(project, context)
    if problems:
        for problem in problems:
            print(f"Error: generated project is broken: {problem}", file=sys.stderr)
        return 1
    print(next_steps(context))
    return 0


if __name__ == "__main__":
    sys.exit(main())
