"""What the OpenMetadata server refuses that OpenMetadata's models accept.

Each rule answers with the server's status and message, and names where the server
enforces it, so that a run fails here exactly where it would fail against a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error answered the way the real server answers it: ``{"code", "message"}``."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(ref_type: str, name: str) -> ApiError:
    """CatalogExceptionMessage.entityNotFound: ``<type> instance for <name> not found``."""
    return ApiError(HTTPStatus.NOT_FOUND, f"{ref_type} instance for {name} not found")


LENGTH_TYPES = ("CHAR", "VARCHAR", "BINARY", "VARBINARY")


def column_errors(columns: list[dict[str, Any]], path: str = "") -> Iterator[str]:
    """Column rules of TableRepository/ColumnUtil (server side, on create and update):

    - CHAR, VARCHAR, BINARY, VARBINARY need ``dataLength``;
    - ARRAY needs ``arrayDataType``;
    - ``scale`` lies between 0 and ``precision``, and ``precision`` is positive.
    """
    for column in columns:
        name = f"{path}{column.get('name')}"
        data_type = column.get("dataType")
        if data_type in LENGTH_TYPES and column.get("dataLength") is None:
            yield (
                "For column data types char, varchar, binary, varbinary dataLength must not be null"
            )
        if data_type == "ARRAY" and not column.get("arrayDataType"):
            yield "For column data type array, arrayDataType must not be null"
        precision, scale = column.get("precision"), column.get("scale")
        if scale is not None and (precision is None or scale > precision or scale < 0):
            yield (
                f"Column {name}: scale must be between 0 and precision, "
                f"got precision {precision} and scale {scale}"
            )
        if precision is not None and precision < 1:
            yield f"Column {name}: precision must be positive, got {precision}"
        yield from column_errors(column.get("children") or [], f"{name}.")


def check_columns(data: dict[str, Any]) -> None:
    """Refuse a request whose columns break a column rule (400, every problem once)."""
    errors = list(column_errors(data.get("columns") or []))
    if errors:
        raise ApiError(HTTPStatus.BAD_REQUEST, "; ".join(dict.fromkeys(errors)))
