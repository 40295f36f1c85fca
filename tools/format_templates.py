"""Format the template's Python files as ruff formats the generated ones.

A template file is Jinja, so ruff cannot format it directly. This renders each file with
the longest values the hooks accept for the names it substitutes, runs ``ruff check
--fix`` (import order) and ``ruff format`` on the rendered text with the generated
projects' settings, and maps the values back. Then it renders again with the shortest
names and reports where ruff would lay the code out differently: those lines need a
layout that holds for every name length (a magic trailing comma, a shorter line). A
file whose Jinja is more than name substitutions (control tags outside a leading
``{%- set -%}`` block) is reported, not touched.

    .venv/bin/python tools/format_templates.py [PATH ...]   # default: every template .py
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1]
PROJECT = TEMPLATE / "{{cookiecutter.package_name}}"
# Expression (as written in the templates) -> what it renders to while formatting: the
# longest names the pre-generation hook accepts (32 characters), then the shortest.
LONGEST = {
    "{{ cookiecutter.module_name }}": "m" * 32,
    "{{ cookiecutter.class_name }}": "C" * 26 + "Source",
    "{{ prefix }}": "C" * 26,
    "{{ cookiecutter.service_type }}": "zzservice",  # as long as the longest, "messaging"
    "{{ cookiecutter.package_name }}": "p" * 64,
    "{{ cookiecutter.client_style }}": "zzclientzz",  # as long as the longest, "sqlalchemy"
}
SHORTEST = LONGEST | {
    "{{ cookiecutter.module_name }}": "m",
    "{{ cookiecutter.class_name }}": "CSource",
    "{{ prefix }}": "C",
    "{{ cookiecutter.package_name }}": "p",
    "{{ cookiecutter.service_type }}": "zzsvc",  # as short as the shortest, "drive"
    "{{ cookiecutter.client_style }}": "zzplain",
}
CONSTANT = re.compile(r'\{\{ cookiecutter\.(\w+) \| python_constant\("(\w+)"\) \}\}')
HEADER = re.compile(r"\A(?:\{%-?\s*set [^%]*-?%\}\n?)+")
OTHER_JINJA = re.compile(r"\{%|\{\{|\{#")
PYPROJECT = """
[tool.ruff]
line-length = 100
target-version = "py310"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]
ignore = ["E501"]

[tool.ruff.lint.isort]
known-third-party = ["metadata"]
"""


def _ruff() -> str:
    return str(Path(sys.executable).parent / "ruff")


def _ruff_format(text: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
        rendered = Path(folder) / "module.py"
        rendered.write_text(text, encoding="utf-8")
        for command in (
            [_ruff(), "check", "--fix-only", "--select", "I", "-q", str(rendered)],
            [_ruff(), "format", "-q", str(rendered)],
        ):
            subprocess.run(command, cwd=folder, check=True)
        return rendered.read_text(encoding="utf-8")


def _render(body: str, values: dict[str, str]) -> str:
    for expression, value in values.items():
        body = body.replace(expression, value)
    return body


def format_template(path: Path) -> tuple[str, list[str]] | None:
    """The formatted template text and the lines whose layout depends on the names'
    length; None when the file has Jinja this cannot map back."""
    text = path.read_text(encoding="utf-8")
    header_match = HEADER.match(text)
    header = header_match.group(0) if header_match else ""
    body = text[len(header) :]
    constants = {m.group(0): f"{m.group(2)} = 'zzconst{i}zz'" for i, m in enumerate(CONSTANT.finditer(body))}
    body = _render(body, constants)
    if OTHER_JINJA.search(_render(body, LONGEST)):
        return None
    formatted = _ruff_format(_render(body, LONGEST))
    for expression, value in sorted(LONGEST.items(), key=lambda item: -len(item[1])):
        formatted = formatted.replace(value, expression)
    short = _render(formatted, SHORTEST)
    unstable = [
        line
        for line in difflib.unified_diff(short.splitlines(), _ruff_format(short).splitlines(), lineterm="", n=0)
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    for expression, sentinel in constants.items():
        formatted = formatted.replace(sentinel, expression).replace(sentinel.replace("'", '"'), expression)
    return header + formatted, unstable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted(p for p in PROJECT.rglob("*.py") if "local-harness" not in p.parts)
    status = 0
    for path in paths:
        shown = path.resolve().relative_to(TEMPLATE)
        result = format_template(path)
        if result is None:
            print(f"skipped (Jinja beyond name substitutions): {shown}")
            continue
        formatted, unstable = result
        if formatted != path.read_text(encoding="utf-8"):
            path.write_text(formatted, encoding="utf-8")
            print(f"formatted {shown}")
        if unstable:
            status = 1
            print(f"layout depends on the length of names in {shown}:")
            print("\n".join(f"    {line}" for line in unstable))
    return status


if __name__ == "__main__":
    sys.exit(main())
