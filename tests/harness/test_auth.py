"""Authentication (issue 13.9): a bearer JWT on every path but the server's exempt ones,
refused with the server's 401 messages for the release the stand-in plays."""

from __future__ import annotations

import pytest
from local_harness import StandIn
from local_harness.auth import local_token
from metadata.generated.schema.entity.data.table import Table
from metadata.ingestion.ometa.client import APIError
from metadata.ingestion.ometa.ometa_api import OpenMetadata

from support import MODERN, SERVER_VERSION, Http, client_for

NOT_A_JWT = (
    "Not Authorized! Invalid token." if MODERN else "Not Authorized! Unable to decode the token."
)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "Not Authorized! Token not present"),
        ("", "Not Authorized! Token not present"),
        ("${OPENMETADATA_JWT_TOKEN}", NOT_A_JWT),
        ("a.b", NOT_A_JWT),
        (local_token(lifetime_s=-60), "Expired token!"),
    ],
    ids=["no-header", "empty", "unexpanded-variable", "not-a-jwt", "expired"],
)
def test_a_request_without_a_valid_token_is_refused_with_401(
    stand_in: StandIn, token: str | None, message: str
) -> None:
    status, body, _ = Http(stand_in.api_url, token).call("GET", "/tables")
    assert (status, body) == (401, {"code": 401, "message": message})


def test_the_client_surfaces_the_401_as_an_api_error(stand_in: StandIn, om: OpenMetadata) -> None:
    """The client itself can connect (``/system/version`` needs no token) and then fails."""
    stranger = client_for(stand_in, "${OPENMETADATA_JWT_TOKEN}")
    with pytest.raises(APIError, match="Not Authorized!"):
        stranger.get_by_name(Table, "svc.db.s.t")


def test_the_version_needs_no_token_and_is_the_release_played(stand_in: StandIn) -> None:
    status, body, _ = Http(stand_in.api_url, None).call("GET", "/system/version")
    assert status == 200
    assert body["version"] == SERVER_VERSION == stand_in.server_version
    assert set(body) == {"version", "revision", "timestamp"}


def test_any_well_formed_unexpired_jwt_is_accepted(stand_in: StandIn) -> None:
    status, _, _ = Http(stand_in.api_url, local_token("someone")).call("GET", "/tables")
    assert status == 200


def test_what_a_token_writes_is_updated_by_its_subject(stand_in: StandIn) -> None:
    http = Http(stand_in.api_url, local_token("admin"))
    status, service, _ = http.call(
        "PUT", "/services/databaseServices", {"name": "svc", "serviceType": "CustomDatabase"}
    )
    assert (status, service["updatedBy"]) == (201, "admin")


def test_a_client_of_another_release_fails_its_version_check() -> None:
    with StandIn(server_version="9.9.9") as other, pytest.raises(Exception, match="9.9.9"):
        client_for(other)


def test_a_stand_in_without_auth_checks_accepts_anything() -> None:
    with StandIn(server_version=SERVER_VERSION, check_auth=False) as open_server:
        assert Http(open_server.api_url, None).call("GET", "/tables")[0] == 200
