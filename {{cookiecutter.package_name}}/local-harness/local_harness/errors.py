"""Errors as the OpenMetadata server answers them, and the texts of its messages.

Every error body is Dropwizard's ``ErrorMessage``: ``{"code": <status>, "message": <text>}``
(``CatalogGenericExceptionMapper``). The client turns a body with ``code`` into an
``APIError`` whose text is ``message``; a 404 with ``code`` makes ``get_by_name`` return
None. The helpers below build the server's texts; each names where the server words it.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error answered the way the real server answers it.

    ``status``: the HTTP status; ``message``: the body's ``message``; ``extra``: more body
    members (the rule engine's ``errorType``, for instance).
    """

    def __init__(self, status: HTTPStatus, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    @property
    def body(self) -> dict[str, Any]:
        return {"code": self.status.value, **self.extra, "message": self.message}


def bad_request(message: str) -> ApiError:
    """400: an ``IllegalArgumentException`` or ``BadRequestException`` and its message."""
    return ApiError(HTTPStatus.BAD_REQUEST, message)


def not_found(entity_type: str, name: str) -> ApiError:
    """404 ``<type> instance for <id or fqn> not found`` (CatalogExceptionMessage.entityNotFound,
    thrown by EntityRepository.find/findByName and EntityDAO.findEntityBy*)."""
    return ApiError(HTTPStatus.NOT_FOUND, f"{entity_type} instance for {name} not found")


def no_route() -> ApiError:
    """404 ``HTTP 404 Not Found``: Jersey found no resource method, or a path parameter
    (a UUID, a number) did not convert (the WebApplicationException branch of
    CatalogGenericExceptionMapper)."""
    return ApiError(HTTPStatus.NOT_FOUND, "HTTP 404 Not Found")


def method_not_allowed() -> ApiError:
    """405 ``HTTP 405 Method Not Allowed``: the path matches a resource, the method does not."""
    return ApiError(HTTPStatus.METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed")


def unhandled(message: str) -> ApiError:
    """500 for an exception no mapper handles (UnhandledServerException)."""
    return ApiError(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        f"An exception with message [{message}] was thrown while processing request.",
    )


def not_served(method: str, path: str) -> ApiError:
    """501: a real server endpoint the stand-in does not implement (it says so plainly,
    rather than pretending success)."""
    return ApiError(
        HTTPStatus.NOT_IMPLEMENTED,
        f"The local stand-in does not implement {method} {path} (see local-harness/README.md)",
    )
