"""The Jinja extensions of this template (``EXTENSIONS``), loaded by ``template_extensions``.

``LiteralUserValues``: cookiecutter renders every variable's value as a Jinja template,
so a description holding ``{{ }}`` breaks the bake, and one holding an expression runs
it. Only the template's own text (the defaults in cookiecutter.json, the hooks, the
``{{cookiecutter.x}}`` file and folder names) is a template here; any other value is
data and comes out exactly as typed.

``ContainedProjectFolder``: cookiecutter creates the project folder before the
pre-generation hook can refuse a bad ``package_name``; a name holding ``/`` or ``..``
would create folders outside the output directory. The folder is named from the value
with those made harmless, so a refused bake leaves nothing anywhere (a valid name never
holds them, so it is unchanged).

``PythonLiterals``: the ``python_string`` filter writes a value as a Python string
literal in the quote style ``ruff format`` itself prefers, and ``python_constant``
writes a module constant laid out as ruff lays it out, so that generated code holding
any user text is format-clean as generated.

``OpenMetadataReleases``: the ``openmetadata_release`` filter turns the release a user
typed (``2.0.6``, ``1.9.17.6``, ``1.6`` or ``1.6.x``) into what the generated files need
(the pin, the tested release, the image tag, the Pythons), from the table of releases in
cookiecutter.json; ``class_prefix`` gives the name the connector's other classes start
with (``AcmeSource`` -> ``Acme``).

``QuietHookFailures``: when a hook refuses bad input, cookiecutter logs its own
traceback under the hook's clear message. A refused input is the user's mistake, not
a crash: the message stays, the traceback goes (for that one log record only).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_ROOT = Path(__file__).resolve().parent
JINJA_SYNTAX = re.compile(r"[{][{%#]")
PATH_REFERENCES = re.compile(r"[^{}]*(?:[{][{]\s*cookiecutter\.\w+\s*[}][}][^{}]*)+")
HOOK_FAILURE = "hook script didn't exit successfully"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _template_sources() -> frozenset[str]:
    sources = set(_strings(json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))))
    sources.update(hook.read_text(encoding="utf-8") for hook in (TEMPLATE_ROOT / "hooks").glob("*.py"))
    return frozenset(sources)


class LiteralUserValues(Extension):
    """Render user-supplied values as the literal text they are."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._template_sources = _template_sources()

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if (
            name is not None  # a file of the template, loaded by name
            or not JINJA_SYNTAX.search(source)
            or source in self._template_sources
            or PATH_REFERENCES.fullmatch(source)
        ):
            return source
        # A Jinja string literal: its escapes are Python's, which JSON's are a subset of.
        return "{{ " + json.dumps(source, ensure_ascii=False) + " }}"


PROJECT_FOLDER = "{{cookiecutter.package_name}}"
CONTAINED_PROJECT_FOLDER = (
    "{{ cookiecutter.package_name | replace('\\\\', '_') | replace('/', '_') | replace('..', '_') }}"
)


class ContainedProjectFolder(Extension):
    """Keep the project folder inside the output directory, whatever package_name holds."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return CONTAINED_PROJECT_FOLDER if source == PROJECT_FOLDER and name is None else source


_CONTROL_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def python_string(value: object) -> str:
    """``value`` as a Python string literal: double quotes unless single need fewer escapes."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    out = []
    for char in text:
        if char in _CONTROL_ESCAPES:
            out.append(_CONTROL_ESCAPES[char])
        elif char == quote:
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return quote + "".join(out) + quote


LINE_LENGTH = 100  # the generated projects' ruff line-length


def _width(text: str) -> int:
    """Columns ``text`` takes, as ruff counts them (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def python_constant(value: object, name: str) -> str:
    """``NAME = "value"``, parenthesized onto its own line when that is what makes it fit."""
    literal = python_string(value)
    line = f"{name} = {literal}"
    if _width(line) <= LINE_LENGTH or _width(literal) + 4 > LINE_LENGTH:
        return line
    return f"{name} = (\n    {literal}\n)"


class PythonLiterals(Extension):
    """Registers the ``python_string`` and ``python_constant`` filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["python_string"] = python_string
        environment.filters["python_constant"] = python_constant


RELEASE = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<patch>x|\d+(?:\.\d+)?))?")


# The oldest Python the generated code supports (it uses 3.10 syntax at run time).
CODE_PYTHON = (3, 10)


def _python(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@dataclass(frozen=True)
class Release:
    """The OpenMetadata release a project targets, as the generated files use it."""

    line: str  # "1.9": server and client must share it
    release: str  # the tested release: as typed, or the newest known of the line
    pin: str  # the requirement on openmetadata-ingestion
    image_tag: str  # the ingestion image (x.y.z: Python-only hotfixes have no image)
    pythons: tuple[str, ...]  # the Pythons to test, oldest first
    requires_python: str  # the project's requires-python
    image_python: str  # the Python of the release's ingestion image
    airflow: str  # the Airflow release openmetadata-ingestion[airflow] pins
    major: int

    def at_least(self, line: str) -> bool:
        """Whether the targeted release is ``line`` (``"1.12"``) or newer."""
        return _python(self.line) >= _python(line)


def openmetadata_release(version: object, releases: dict[str, dict[str, Any]]) -> Release:
    """What ``version`` (``2.0.6``, ``1.9.17.6``, ``1.6`` or ``1.6.x``) means for the files.

    The Pythons: from the release's declared floor (``Requires-Python`` of its package,
    raised to the generated code's own floor) to the newest its release notes support,
    and always the Python of its ingestion image. Raises ``ValueError`` for a release
    outside ``releases``; the pre-generation hook has refused those already.
    """
    match = RELEASE.fullmatch(str(version).strip())
    line = f"{match['major']}.{match['minor']}" if match else ""
    if match is None or line not in releases:
        raise ValueError(f"not a supported OpenMetadata release: {version!r}")
    facts = releases[line]
    exact = match["patch"] not in (None, "x")
    release = f"{line}.{match['patch']}" if exact else str(facts["newest"])
    lower = release if exact else f"{line}.0"
    major, minor = int(match["major"]), int(match["minor"])
    floor = max(_python(str(facts["requires_python"])), CODE_PYTHON)
    newest = _python(str(facts["newest_python"]))
    pythons = {(3, m) for m in range(floor[1], newest[1] + 1)} | {_python(str(facts["image_python"]))}
    return Release(
        line=line,
        release=release,
        pin=f">={lower},<{major}.{minor + 1}",
        image_tag=".".join(release.split(".")[:3]),
        pythons=tuple(f"{a}.{b}" for a, b in sorted(pythons)),
        requires_python=f">={floor[0]}.{floor[1]}",
        image_python=str(facts["image_python"]),
        airflow=str(facts["airflow"]),
        major=major,
    )


def class_prefix(class_name: object) -> str:
    """``AcmeSource`` -> ``Acme``: the start of the names of the connector's other classes."""
    name = str(class_name)
    return name.removesuffix("Source") or name


class OpenMetadataReleases(Extension):
    """Registers the ``openmetadata_release`` and ``class_prefix`` filters."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["openmetadata_release"] = openmetadata_release
        environment.filters["class_prefix"] = class_prefix


class _WithoutHookTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if HOOK_FAILURE in str(record.msg):
            record.exc_info = None
            record.exc_text = None
        return True


class QuietHookFailures(Extension):
    """Attach the filter to cookiecutter's hook logger, once."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        hooks_logger = logging.getLogger("cookiecutter.hooks")
        # By name: template_extensions loads this module afresh for every environment.
        if not any(type(f).__name__ == _WithoutHookTraceback.__name__ for f in hooks_logger.filters):
            hooks_logger.addFilter(_WithoutHookTraceback())


# In order: user values become literals before anything else reads them.
EXTENSIONS: tuple[type[Extension], ...] = (
    LiteralUserValues,
    ContainedProjectFolder,
    PythonLiterals,
    OpenMetadataReleases,
    QuietHookFailures,
)
