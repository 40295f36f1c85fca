"""Authentication as the OpenMetadata server checks it, and a token the stand-in accepts.

The server checks a bearer JWT on every API call; the stand-in cannot know a real
server's signing key, so it accepts any well-formed JWT that has not expired and
refuses the rest with the server's status and message.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from http import HTTPStatus

from local_harness.rules import ApiError

TOKEN_VARIABLE = "OPENMETADATA_JWT_TOKEN"
# Paths the server serves without a token.
PUBLIC_PATHS = frozenset({"/api/v1/system/version"})


def _segment(data: dict[str, object]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def local_token(subject: str = "ingestion-bot", lifetime_s: int = 24 * 3600) -> str:
    """A well-formed JWT for the stand-in (unsigned: no real server accepts it)."""
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


def check_authorization(header: str | None) -> None:
    """Refuse a request whose ``Authorization`` header a server would refuse."""
    if not header or not header.startswith("Bearer "):
        raise ApiError(HTTPStatus.UNAUTHORIZED, "Not Authorized! Token not present")
    token = header[len("Bearer ") :].strip()
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("not three segments")
        _decode(parts[0])
        claims = _decode(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            HTTPStatus.UNAUTHORIZED,
            f"Not Authorized! The token '{token[:12]}...' is not a JSON Web Token",
        ) from None
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and expires < time.time():
        raise ApiError(HTTPStatus.UNAUTHORIZED, "Expired token!")
