"""Custom properties: the type registry (``/api/v1/metadata/types``) and ``extension`` checks.

A fresh server registers a ``Type`` per property type (``category: field``: ``string``,
``integer``, ``date-cp``...; the definitions of ``type/basic.json`` and friends) and per
entity type (``category: entity``: ``table``, ``topic``...). A connector adds a custom
property to an entity type with ``PUT /metadata/types/{entity type id}`` and then sets
values in the ``extension`` of the entities it sends.

Sources: ``TypeRepository.addCustomProperty`` and its config checks
(``validateProperty``), ``EntityRepository.validateExtension``; the messages are the
server's (``CatalogExceptionMessage``), the JSON-schema texts networknt's
(``$: integer found, string expected``). The stand-in checks values with its own
validators for each property type, not with the server's JSON schemas.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from local_harness.errors import bad_request, not_found

Json = dict[str, Any]
Check = Callable[[Any, Json | None], str | None]  # value, property config -> problem or None

JAVA_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
JAVA_TO_STRPTIME = (
    ("yyyy", "%Y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("dd", "%d"),
    ("HH", "%H"),
    ("hh", "%I"),
    ("mm", "%M"),
    ("ss", "%S"),
    ("SSS", "%f"),
    ("yy", "%y"),
    ("a", "%p"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
)
JAVA_PATTERN_LETTERS = set("GuyDMLdQqYwWEecFahKkHmsSAnNVzOXxZp")


def _found(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "object"
    return JAVA_TYPES.get(type(value), "string")


def _expect(*kinds: str) -> Check:
    def check(value: Any, config: Json | None) -> str | None:
        found = _found(value)
        if found in kinds or (found == "integer" and "number" in kinds):
            return None
        return f"$: {found} found, {kinds[0]} expected"

    return check


def _email(value: Any, config: Json | None) -> str | None:
    problem = _expect("string")(value, config)
    if problem is None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return f"$: does not match the email pattern {value}"
    return problem


def _interval(value: Any, config: Json | None) -> str | None:
    problem = _expect("object")(value, config)
    if problem is None:
        for key in ("start", "end"):
            if _found(value.get(key)) != "integer":
                return f"$.{key}: {_found(value.get(key))} found, integer expected"
    return problem


def _reference(value: Any, config: Json | None) -> str | None:
    problem = _expect("object")(value, config)
    if problem is None:
        for key in ("id", "type"):
            if key not in value:
                return f"$.{key}: is missing but it is required"
    return problem


def _references(value: Any, config: Json | None) -> str | None:
    problem = _expect("array")(value, config)
    if problem is None:
        for index, item in enumerate(value):
            item_problem = _reference(item, config)
            if item_problem:
                return item_problem.replace("$", f"$[{index}]", 1)
    return problem


PROPERTY_TYPES: dict[str, Check] = {
    "string": _expect("string"),
    "markdown": _expect("string"),
    "sqlQuery": _expect("string"),
    "duration": _expect("string"),
    "email": _email,
    "integer": _expect("integer"),
    "number": _expect("number"),
    "timestamp": _expect("integer"),
    "timeInterval": _interval,
    "enum": _expect("array"),
    "entityReference": _reference,
    "entityReferenceList": _references,
    "date": _expect("string"),
    "dateTime": _expect("string"),
    "time": _expect("string"),
    "date-cp": _expect("string"),
    "dateTime-cp": _expect("string"),
    "time-cp": _expect("string"),
    "table-cp": _expect("object"),
    "uuid": _expect("string"),
    "href": _expect("string"),
    "timezone": _expect("string"),
    "entityLink": _expect("string"),
    "entityName": _expect("string"),
    "fullyQualifiedEntityName": _expect("string"),
}
DATE_TYPES = {"date-cp": "date", "dateTime-cp": "dateTime", "time-cp": "time"}


def java_pattern_to_strptime(pattern: str) -> str:
    """A Java ``DateTimeFormatter`` pattern as a ``strptime`` format (the common letters)."""
    converted, index = "", 0
    while index < len(pattern):
        for java, python in JAVA_TO_STRPTIME:
            if pattern.startswith(java, index):
                converted += python
                index += len(java)
                break
        else:
            converted += "%%" if pattern[index] == "%" else pattern[index]
            index += 1
    return converted


class TypeRegistry:
    """The ``Type`` entities of a server: property types and extensible entity types."""

    def __init__(self, entity_types: Iterable[str]) -> None:
        self._lock = threading.RLock()
        self._by_name: dict[str, Json] = {}
        for name in PROPERTY_TYPES:
            self._register(name, "field")
        for name in entity_types:
            self._register(name, "entity")

    def _register(self, name: str, category: str) -> None:
        self._by_name[name] = {
            "id": str(uuid.uuid4()),
            "name": name,
            "fullyQualifiedName": name,
            "displayName": name,
            "description": f"`{name}` type",
            "category": category,
            "nameSpace": "data" if category == "entity" else "basic",
            "version": 0.1,
            "updatedAt": int(time.time() * 1000),
            "updatedBy": "admin",
            "customProperties": [],
        }

    def get(self, name: str, with_properties: bool = False) -> Json:
        """``GET /metadata/types/name/{name}`` (404 ``type instance for <name> not found``);
        ``customProperties`` only with ``fields=customProperties`` (TypeRepository.setFields)."""
        with self._lock:
            found = self._by_name.get(name)
            if found is None:
                raise not_found("type", name)
            return _view(found, with_properties)

    def get_by_id(self, type_id: str, with_properties: bool = False) -> Json:
        with self._lock:
            return _view(self._find_id(type_id), with_properties)

    def all(self, with_properties: bool = False) -> list[Json]:
        with self._lock:
            return [_view(found, with_properties) for found in self._by_name.values()]

    def _find_id(self, type_id: str) -> Json:
        for found in self._by_name.values():
            if found["id"] == type_id:
                return found
        raise not_found("type", type_id)

    def add_property(self, type_id: str, prop: Json, updated_by: str) -> Json:
        """``PUT /metadata/types/{id}`` (TypeRepository.addCustomProperty): add a property to
        an entity type, or replace the one of the same name. 404 for an unknown type or
        property type; 400 ``Only entity types can be extended and field types can't be
        extended``; the config rules of ``check_property_config``."""
        with self._lock:
            target = self._find_id(type_id)
            property_type = self._find_id(str((prop.get("propertyType") or {}).get("id")))
            if target["category"] != "entity":
                raise bad_request(
                    "Only entity types can be extended and field types can't be extended"
                )
            check_property_config(property_type["name"], prop.get("customPropertyConfig"))
            stored = dict(prop)
            stored["propertyType"] = {
                "id": property_type["id"],
                "type": "type",
                "name": property_type["name"],
                "fullyQualifiedName": property_type["name"],
            }
            others = [p for p in target["customProperties"] if p["name"] != prop.get("name")]
            target["customProperties"] = sorted([*others, stored], key=lambda p: p["name"])
            target["version"] = round(target["version"] + 0.1, 1)
            target["updatedAt"] = int(time.time() * 1000)
            target["updatedBy"] = updated_by
            return _view(target, True)

    def check_extension(self, entity_type: str, extension: Json | None) -> None:
        """``EntityRepository.validateExtension`` (on create, and on PATCH per changed key):

        - a key that is no custom property of the entity type -> 400 ``Unknown custom
          field <key>``;
        - a value of the wrong JSON type -> 400 ``Custom field <key> has invalid JSON
          [<problem>]``;
        - ``enum``: several values when not ``multiSelect`` -> 400 ``Only one value allowed
          for non-multiSelect <key> property``; an unknown value -> 400 ``Values '[x]' not
          supported for property <key>``;
        - ``date-cp``/``dateTime-cp``/``time-cp`` not in the configured format -> 400
          ``Custom field <key> value is not as per defined format <format>``.
        """
        if not extension:
            return
        with self._lock:
            properties = {p["name"]: p for p in self._by_name[entity_type]["customProperties"]}
        for key, value in extension.items():
            prop = properties.get(key)
            if prop is None:
                raise bad_request(f"Unknown custom field {key}")
            type_name = prop["propertyType"]["name"]
            config = (prop.get("customPropertyConfig") or {}).get("config")
            problem = PROPERTY_TYPES.get(type_name, _expect("string"))(value, None)
            if problem:
                raise bad_request(f"Custom field {key} has invalid JSON [{problem}]")
            if type_name == "enum":
                _check_enum_value(key, value, config or {})
            if type_name in DATE_TYPES and isinstance(config, str):
                try:
                    datetime.strptime(value, java_pattern_to_strptime(config))
                except ValueError:
                    raise bad_request(
                        f"Custom field {key} value is not as per defined format {config}"
                    ) from None


def _check_enum_value(key: str, value: list[Any], config: Json) -> None:
    if len(value) > 1 and not config.get("multiSelect"):
        raise bad_request(f"Only one value allowed for non-multiSelect {key} property")
    unknown = [item for item in value if item not in (config.get("values") or [])]
    if unknown:
        raise bad_request(
            f"Values '[{', '.join(map(str, unknown))}]' not supported for property {key}"
        )


def check_property_config(type_name: str, config: Json | None) -> None:
    """The config rules of ``TypeRepository`` for a new custom property (400):

    - ``enum``: no config -> ``Enum Custom Property Type must have EnumConfig.``; no values
      -> ``Enum Custom Property Type must have EnumConfig populated with values.``;
      duplicates -> ``Enum Custom Property values cannot have duplicates.``;
    - ``date-cp``, ``dateTime-cp``, ``time-cp``: no format -> ``Invalid <date|dateTime|time>
      format must have Config populated with format.``; a format Java cannot parse ->
      ``Invalid <date|dateTime|time> format: <format>``;
    - ``table-cp``: no config -> ``Table Custom Property Type must have config populated.``;
      repeated columns -> ``Column names must be unique.``
    """
    inner = (config or {}).get("config")
    if type_name == "enum":
        if not isinstance(inner, dict):
            raise bad_request("Enum Custom Property Type must have EnumConfig.")
        values = inner.get("values") or []
        if not values:
            raise bad_request(
                "Enum Custom Property Type must have EnumConfig populated with values."
            )
        if len(set(map(str, values))) != len(values):
            raise bad_request("Enum Custom Property values cannot have duplicates.")
    elif type_name in DATE_TYPES:
        label = DATE_TYPES[type_name]
        if not isinstance(inner, str) or not inner:
            raise bad_request(f"Invalid {label} format must have Config populated with format.")
        letters = set(re.sub(r"'[^']*'", "", inner)) - set(" -/:.,_T")
        if not letters <= JAVA_PATTERN_LETTERS:
            raise bad_request(f"Invalid {label} format: {inner}")
    elif type_name == "table-cp":
        if not isinstance(inner, dict):
            raise bad_request("Table Custom Property Type must have config populated.")
        columns = inner.get("columns") or []
        if len(set(columns)) != len(columns):
            raise bad_request("Column names must be unique.")


def _view(found: Json, with_properties: bool) -> Json:
    view = {key: value for key, value in found.items() if key != "customProperties"}
    if with_properties:
        view["customProperties"] = [dict(p) for p in found["customProperties"]]
    return view
