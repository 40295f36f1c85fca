"""Authentication as the OpenMetadata server checks it, and a token the stand-in accepts.

The server's ``JwtFilter`` checks a bearer JWT on every path but a few exempt ones
(``/api/v1/system/version``, ``/system/health``, ``/system/config/...``, the login and
signup paths: ``EXCLUDED_PATHS`` below, compared without ``/api``, ignoring case). All
failures are 401 ``{"code": 401, "message": ...}``, worded as ``AuthenticationException``:

- no ``Authorization`` header, one not starting with ``Bearer ``, or an empty token ->
  ``Not Authorized! Token not present``;
- a token that is not a JWT (e.g. an unexpanded ``${OPENMETADATA_JWT_TOKEN}``) -> 2.0
  family: ``Not Authorized! Invalid token.``; 1.5 family: ``Not Authorized! Unable to
  decode the token.``;
- a JWT whose ``exp`` is past -> ``Expired token!`` (checked before the signature; a
  token without ``exp`` never expires).

The stand-in cannot know a real server's signing keys: it accepts any well-formed JWT
that has not expired, and never checks signatures. The token's ``sub`` names the
principal (``updatedBy`` of what it writes); a user the store knows decides whether the
principal is a bot, an unknown one is taken for a bot like ``ingestion-bot``.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from local_harness.errors import ApiError
from local_harness.release import Release

TOKEN_VARIABLE = "OPENMETADATA_JWT_TOKEN"
EXCLUDED_PATHS = frozenset(
    path.lower()
    for path in (
        "v1/system/config/jwks",
        "v1/system/config/authorizer",
        "v1/system/config/customUiThemePreference",
        "v1/system/config/auth",
        "v1/system/config/rdf",
        "v1/system/health",
        "v1/system/version",
        "v1/users/signup",
        "v1/users/registrationConfirmation",
        "v1/users/resendRegistrationToken",
        "v1/users/generatePasswordResetLink",
        "v1/users/password/reset",
        "v1/users/login",
        "v1/users/refresh",
    )
)


@dataclass(frozen=True)
class Principal:
    """Who sends a request: ``name`` (``updatedBy``), and whether it is a bot (a bot's PUT
    keeps descriptions and ignores ``extension``, ``EntityUpdater``)."""

    name: str
    bot: bool = True


INGESTION_BOT = Principal("ingestion-bot", bot=True)


def is_excluded(path: str) -> bool:
    """Whether ``path`` (``/api/v1/...``) needs no token (``JwtFilter``'s exact matches)."""
    relative = path[len("/api/") :] if path.startswith("/api/") else path.lstrip("/")
    return relative.rstrip("/").lower() in EXCLUDED_PATHS


def _segment(data: Mapping[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def local_token(subject: str = "ingestion-bot", lifetime_s: int = 24 * 3600) -> str:
    """A well-formed JWT for the stand-in, valid ``lifetime_s`` seconds (unsigned: no
    real server accepts it). Negative lifetimes give an expired token, for tests."""
    header = {"alg": "RS256", "typ": "JWT", "kid": "local-harness"}
    payload = {
        "iss": "local-harness",
        "sub": subject,
        "email": f"{subject}@local-harness.invalid",
        "isBot": True,
        "iat": int(time.time()),
        "exp": int(time.time()) + lifetime_s,
    }
    return f"{_segment(header)}.{_segment(payload)}.{_segment({'signature': 'none'})}"


def _decode(segment: str) -> dict[str, object]:
    padded = segment + "=" * (-len(segment) % 4)
    decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


def token_claims(header: str | None, release: Release) -> dict[str, object]:
    """The claims of the request's bearer JWT, or the server's 401 for it."""
    if not header or not header.startswith("Bearer ") or not header[len("Bearer ") :].strip():
        raise ApiError(HTTPStatus.UNAUTHORIZED, "Not Authorized! Token not present")
    token = header[len("Bearer ") :].strip()
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three segments")
        _decode(parts[0])
        claims = _decode(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        message = "Invalid token." if release.modern else "Unable to decode the token."
        raise ApiError(HTTPStatus.UNAUTHORIZED, f"Not Authorized! {message}") from None
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        raise ApiError(HTTPStatus.UNAUTHORIZED, "Expired token!")
    return claims


def principal_name(claims: dict[str, object]) -> str:
    """The user a token speaks for: its ``sub``, else the name part of its ``email``."""
    subject = claims.get("sub") or str(claims.get("email") or "").split("@")[0]
    return str(subject or INGESTION_BOT.name)
