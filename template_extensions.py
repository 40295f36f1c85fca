"""The one Jinja extension cookiecutter.json names: it loads the template's extensions
(``local_extensions.EXTENSIONS``) fresh from disk for every environment.

cruft renders two versions of this template in one process (the one a project was made
from, then the new one), and Python imports a module of a given name once: the second
render would get the first version's extensions. This module is that name; it never
changes, and it reads ``local_extensions.py`` from the template being rendered each time,
under a name of its own. Keep it this small; change ``local_extensions.py`` instead.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension

_LOADS = itertools.count()


def _load_extensions() -> Any:
    path = Path(__file__).with_name("local_extensions.py")
    spec = importlib.util.spec_from_file_location(f"_template_local_extensions_{next(_LOADS)}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


class TemplateExtensions(Extension):
    """Every extension of ``local_extensions.EXTENSIONS``, in order, on this environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._extensions = [extension(environment) for extension in _load_extensions().EXTENSIONS]

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        for extension in self._extensions:
            source = extension.preprocess(source, name, filename)
        return source
