"""A request to the stand-in and its answer, and helpers every route uses."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from local_harness.auth import INGESTION_BOT, Principal
from local_harness.errors import no_route

Json = dict[str, Any]
CHANGE = "X-OpenMetadata-Change"  # the change type of a write (RestUtil.PutResponse)
UUID_PATTERN = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


@dataclass
class Request:
    """One HTTP request: ``path`` as sent (percent-encoded), ``query`` parsed, ``headers``
    with lower-case names, ``principal`` the token's."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    principal: Principal = INGESTION_BOT


@dataclass
class Answer:
    """The status, JSON body (None: no body) and extra headers of a response."""

    status: HTTPStatus
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def load_class(module: str, name: str) -> type[Any]:
    """A class of the installed openmetadata-ingestion (its generated models)."""
    return getattr(importlib.import_module(module), name)


def uuid_param(value: str) -> str:
    """A path parameter declared ``UUID``: anything else is a 404 (Jersey's conversion)."""
    if not UUID_PATTERN.fullmatch(value):
        raise no_route()
    return value.lower()
