"""Request bodies read the way the server reads them: JSON mapping, then bean validation.

The server maps a body onto its request class with Jackson, then validates it with
Hibernate Validator; OpenMetadata's generated pydantic models are the same JSON schemas,
so the stand-in validates with them and words the errors as the server does:

- a body Jackson cannot map (an unknown field: request schemas have
  ``additionalProperties: false``; a wrong type) -> 400. 2.0 family: ``Invalid request
  format`` (``JsonMappingExceptionMapper``); 1.5 family: Jackson's own text, e.g.
  ``Unrecognized field "x" (class org.openmetadata.schema.api.data.CreateTable), not
  marked as ignorable``.
- a constraint violation -> 400 ``[<leaf> <message>, ...]``
  (``ConstraintViolationExceptionMapper``: only the last node of the property path; the
  2.0 family prefixes every item with ``query param ``), with Hibernate's messages:
  ``must not be null``, ``size must be between <min> and <max>``, ``must match "<re>"``.
- an item of a bulk request is validated on its own (``ValidatorUtil.validate``):
  ``[<full.property.path> <message>]``, e.g. ``[columns[0].dataType must not be null]``.

``entityName``'s pattern ``^((?!::).)*$`` (``type/basic.json``) is not in the generated
models (pydantic's regex engine has no look-ahead), so it is checked here.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel, RootModel, ValidationError

from local_harness.errors import ApiError, bad_request
from local_harness.release import Release

NAME_PATTERN = "^((?!::).)*$"
BEAN_ERRORS = frozenset(
    {
        "missing",
        "string_too_short",
        "string_too_long",
        "too_short",
        "too_long",
        "string_pattern_mismatch",
        "greater_than_equal",
        "less_than_equal",
        "greater_than",
        "less_than",
    }
)
INT_MAX = 2147483647


def read_request(
    model: type[BaseModel], body: Any, release: Release, java_class: str, bulk_item: bool = False
) -> dict[str, Any]:
    """``body`` read as ``model`` (defaults filled in), as JSON; or the ApiError the server
    answers for it.

    ``java_class``: the server's request class (for 1.5-family Jackson texts);
    ``bulk_item``: word bean violations as ``ValidatorUtil`` does for bulk items.

    The strings are the body's own: the 2.0 client's models rewrite names when they
    validate (``"a::b"`` becomes ``"a__reserved__colon__b"``), which the server never does.
    """
    if not isinstance(body, dict):
        raise mapping_error(release, "the request body is not a JSON object", java_class)
    try:
        request = model.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
        mapping = [e for e in errors if e["type"] not in BEAN_ERRORS]
        if mapping:
            raise mapping_error(release, _jackson_text(mapping[0], java_class)) from None
        raise _violations(model, errors, release, bulk_item) from None
    name = body.get("name")
    if isinstance(name, str) and "::" in name:
        violation = f'name must match "{NAME_PATTERN}"'
        raise bad_request(f"[{_prefix(release, bulk_item)}{violation}]")
    dumped = request.model_dump(mode="json", exclude_none=True, by_alias=True)
    return overlay(dumped, body)


def overlay(dumped: Any, raw: Any) -> Any:
    """``dumped`` with each string taken from ``raw`` where ``raw`` has one at that place."""
    if isinstance(dumped, dict) and isinstance(raw, dict):
        return {key: overlay(value, raw.get(key)) for key, value in dumped.items()}
    if isinstance(dumped, list) and isinstance(raw, list) and len(dumped) == len(raw):
        return [overlay(value, item) for value, item in zip(dumped, raw, strict=True)]
    if isinstance(dumped, str) and isinstance(raw, str):
        return raw
    return dumped


def mapping_error(release: Release, jackson_text: str, java_class: str = "") -> ApiError:
    """400 for a body Jackson cannot map (JsonMappingExceptionMapper)."""
    if release.modern:
        return bad_request("Invalid request format")
    return bad_request(jackson_text)


def _jackson_text(error: Any, java_class: str) -> str:
    location = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return (
            f'Unrecognized field "{error["loc"][-1]}" (class {java_class}), not marked as ignorable'
        )
    return f'Cannot deserialize value of "{location}": {error["msg"]}'


def _prefix(release: Release, bulk_item: bool) -> str:
    return "query param " if release.modern and not bulk_item else ""


def _violations(
    model: type[BaseModel], errors: Sequence[Any], release: Release, bulk_item: bool
) -> ApiError:
    items = []
    for error in errors:
        loc = tuple(part for part in error["loc"] if part != "root")
        path = (
            _java_path(loc)
            if bulk_item
            else str(next(p for p in reversed(loc) if isinstance(p, str)))
        )
        items.append(f"{_prefix(release, bulk_item)}{path} {_hibernate_message(model, loc, error)}")
    return bad_request(f"[{', '.join(items)}]")


def _java_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _hibernate_message(model: type[BaseModel], loc: tuple[Any, ...], error: Any) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind == "missing":
        return "must not be null"
    if kind in ("string_too_short", "string_too_long", "too_short", "too_long"):
        low, high = _size_bounds(model, loc)
        return f"size must be between {low} and {high}"
    if kind == "string_pattern_mismatch":
        return f'must match "{context.get("pattern")}"'
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be greater than or equal to {context.get('ge', context.get('gt'))}"
    return f"must be less than or equal to {context.get('le', context.get('lt'))}"


def _size_bounds(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[int, int]:
    """The ``@Size(min, max)`` the schema puts on the field at ``loc`` (Hibernate prints both)."""
    low, high = 0, INT_MAX
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        field = annotation.model_fields.get(part)
        if field is None:
            break
        low, high = _bounds(field.metadata, low, high)
        annotation = field.annotation
    root = _unwrap(annotation)
    if isinstance(root, type) and issubclass(root, RootModel):
        low, high = _bounds(root.model_fields["root"].metadata, low, high)
    return low, high


def _bounds(metadata: Sequence[Any], low: int, high: int) -> tuple[int, int]:
    for item in metadata:
        if isinstance(item, MinLen):
            low = item.min_length
        elif isinstance(item, MaxLen):
            high = item.max_length
    return low, high


def _unwrap(annotation: Any) -> Any:
    """``Optional[list[X]]`` -> ``X``: the type a path part below it indexes into."""
    while True:
        origin = typing.get_origin(annotation)
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if (
            (origin in (typing.Union, types.UnionType) and len(arguments) == 1)
            or origin is typing.Annotated
            or (origin in (list, tuple, set) and arguments)
        ):
            annotation = arguments[0]
        else:
            return annotation
