"""JSON Patch (RFC 6902), as the server applies a ``PATCH`` body to an entity.

``apply_patch(document, operations)`` returns a patched deep copy. An operation that
cannot apply (``remove``/``replace`` of a missing path, a failed ``test``) raises
``PatchError``: the server's ``jakarta.json`` patch throws a ``JsonException`` no mapper
handles, so the client gets a 500 (``errors.unhandled``).
"""

from __future__ import annotations

import copy
from typing import Any


class PatchError(Exception):
    """A JSON Patch operation that cannot apply."""


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"Invalid JSON Pointer: {path}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _container(document: Any, parts: list[str]) -> Any:
    node = document
    for part in parts:
        if isinstance(node, list):
            node = node[_index(node, part, existing=True)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise PatchError(f"The JSON Patch path does not exist: /{'/'.join(parts)}")
    return node


def _index(array: list[Any], part: str, existing: bool) -> int:
    if part == "-" and not existing:
        return len(array)
    if not part.isdigit():
        raise PatchError(f"Not an array index: {part}")
    index = int(part)
    if index > len(array) or (existing and index == len(array)):
        raise PatchError(f"Array index out of range: {index}")
    return index


def _get(document: Any, path: str) -> Any:
    return _container(document, _pointer(path))


def _remove(document: Any, path: str) -> Any:
    parts = _pointer(path)
    if not parts:
        raise PatchError("Cannot remove the whole document")
    parent = _container(document, parts[:-1])
    if isinstance(parent, list):
        return parent.pop(_index(parent, parts[-1], existing=True))
    if isinstance(parent, dict) and parts[-1] in parent:
        return parent.pop(parts[-1])
    raise PatchError(f"The JSON Patch path does not exist: {path}")


def _add(document: Any, path: str, value: Any) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent = _container(document, parts[:-1])
    if isinstance(parent, list):
        parent.insert(_index(parent, parts[-1], existing=False), value)
    elif isinstance(parent, dict):
        parent[parts[-1]] = value
    else:
        raise PatchError(f"Cannot add below a value: {path}")
    return document


def apply_patch(document: Any, operations: list[dict[str, Any]]) -> Any:
    """``document`` with ``operations`` applied in order (add, remove, replace, move, copy, test)."""
    if not isinstance(operations, list):
        raise PatchError("A JSON Patch is an array of operations")
    result = copy.deepcopy(document)
    for operation in operations:
        op, path = operation.get("op"), operation.get("path", "")
        if op == "add":
            result = _add(result, path, copy.deepcopy(operation.get("value")))
        elif op == "remove":
            _remove(result, path)
        elif op == "replace":
            _remove(result, path)
            result = _add(result, path, copy.deepcopy(operation.get("value")))
        elif op == "move":
            value = _remove(result, operation.get("from", ""))
            result = _add(result, path, value)
        elif op == "copy":
            result = _add(result, path, copy.deepcopy(_get(result, operation.get("from", ""))))
        elif op == "test":
            if _get(result, path) != operation.get("value"):
                raise PatchError(f"The JSON Patch test failed at {path}")
        else:
            raise PatchError(f"Unknown JSON Patch operation {op}")
    return result
