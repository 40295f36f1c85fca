{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The HTTP client and its options, over real HTTP against the example API: pages,
retries, timeouts, credentials, and how each problem is said. Keep these tests when you
adapt the client to your API; change the example API's answers to your API's shape."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from local_harness import ConfigError, ExampleApi, StandIn, run
from local_harness.connection import connection_steps
from local_harness.example_api import MALFORMED_JSON, NOT_A_PAGE
from metadata.ingestion.api.models import Either
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.client import (
    AccessError,
    {{ prefix }}Client,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.connection import (
    {{ prefix }}Options,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.records import Resource
from pydantic import BaseModel

from .conftest import PROJECT, TEST_SERVICE, project_config, workflow_config

TOKEN = "example-token-7f3a9c"


class Named(BaseModel):
    name: str


THINGS = Resource("things", Named)
PARTS = Resource("things/{thing}/parts", Named)
FIVE_THINGS = {"things": [{"name": f"thing-{n}"} for n in range(1, 6)]}


def client_for(api: ExampleApi, **options: Any) -> {{ prefix }}Client:
    """A client of ``api``: two items a page, no waiting between retries."""
    settings = {"base_url": api.url, "api_token": TOKEN, "per_page": 2, "backoff_s": 0, **options}
    parsed = {{ prefix }}Options.model_validate(settings)
    return {{ prefix }}Client(parsed)


@pytest.fixture
def api() -> Iterator[ExampleApi]:
    with ExampleApi(FIVE_THINGS, TOKEN) as served:
        yield served


def names(fetched: list[Either]) -> list[str]:
    return [item.right.name for item in fetched if item.right is not None]


def lefts(fetched: list[Either]) -> list[Any]:
    return [item.left for item in fetched if item.left is not None]


def pages_asked(api: ExampleApi) -> list[str]:
    return [path.partition("?")[2].split("&")[0] for path in api.requests]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Pages -----------------------------------------------------------------------------------


def test_every_record_of_every_page_arrives_in_order(api: ExampleApi) -> None:
    fetched = list(client_for(api).records(THINGS))

    assert names(fetched) == [f"thing-{n}" for n in range(1, 6)]
    assert pages_asked(api) == ["page=1", "page=2", "page=3"]


def test_a_failing_page_is_one_left_naming_it_and_the_next_pages_still_arrive() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, failures={"things?page=2": 500}) as api:
        fetched = list(client_for(api, retries=1).records(THINGS))

    assert names(fetched) == ["thing-1", "thing-2", "thing-5"]
    [left] = lefts(fetched)
    assert left.name == "things page 2"
    assert "HTTP 500" in left.error and "after 1 retries" in left.error
    assert left.stackTrace is None, "a page that cannot be read is not a program error"


def test_a_failing_first_page_ends_the_collection_with_one_left() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, failures={"things?page=1": 404}) as api:
        fetched = list(client_for(api).records(THINGS))

    [left] = lefts(fetched)
    assert left.name == "things page 1" and "HTTP 404" in left.error
    assert names(fetched) == [] and len(api.requests) == 1, "404 is not retried"


@pytest.mark.parametrize(
    ("failure", "message"),
    [(MALFORMED_JSON, "the answer is not JSON"), (NOT_A_PAGE, "the answer is not a page")],
)
def test_a_malformed_page_is_one_left_and_the_next_pages_still_arrive(
    failure: str, message: str
) -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, failures={"things?page=2": failure}) as api:
        fetched = list(client_for(api).records(THINGS))

    [left] = lefts(fetched)
    assert left.name == "things page 2" and message in left.error
    assert names(fetched) == ["thing-1", "thing-2", "thing-5"]


def test_a_bad_record_is_one_left_naming_its_position() -> None:
    records = {"things": [{"name": "a"}, {"title": "no name"}, {"name": "c"}]}
    with ExampleApi(records, TOKEN) as api:
        fetched = list(client_for(api).records(THINGS))

    assert names(fetched) == ["a", "c"]
    [left] = lefts(fetched)
    assert left.name == "things[1]" and "name: Field required" in left.error


def test_parent_names_are_quoted_in_the_path() -> None:
    records = {"things/a b/c?/parts": [{"name": "wheel"}]}
    with ExampleApi(records, TOKEN) as api:
        fetched = list(client_for(api).records(PARTS, thing="a b/c?"))

    assert names(fetched) == ["wheel"]
    assert api.requests[0].startswith("/things/a%20b%2Fc%3F/parts?")


# --- Retries and timeouts ------------------------------------------------------------------


def test_a_throttled_page_is_retried_after_the_retry_after_it_asks_for() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, throttle={"things": 1}, retry_after_s=1) as api:
        started = time.monotonic()
        fetched = list(client_for(api, retries=3).records(THINGS))
        waited = time.monotonic() - started

    assert names(fetched) == [f"thing-{n}" for n in range(1, 6)] and lefts(fetched) == []
    assert pages_asked(api)[:2] == ["page=1", "page=1"]
    assert waited >= 1, "the 429 asked for 1 s (backoff_s is 0)"


def test_a_server_error_is_retried_and_a_recovered_page_arrives() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, unavailable={"things": 2}) as api:
        fetched = list(client_for(api, retries=2).records(THINGS))

    assert lefts(fetched) == [] and len(names(fetched)) == 5


def test_a_server_error_that_lasts_becomes_a_left_after_the_retries() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, failures={"things?page=1": 503}) as api:
        fetched = list(client_for(api, retries=2).records(THINGS))

    [left] = lefts(fetched)
    assert "HTTP 503" in left.error and "after 2 retries" in left.error
    assert len(api.requests) == 3, "the first try and two retries"


def test_a_page_slower_than_the_read_timeout_names_read_timeout_s() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, delays={"things?page=2": 2}) as api:
        fetched = list(client_for(api, read_timeout_s=0.2, retries=1).records(THINGS))

    [left] = lefts(fetched)
    assert left.name == "things page 2" and "read_timeout_s=0.2" in left.error
    assert names(fetched) == ["thing-1", "thing-2", "thing-5"]


# --- Credentials and access ------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"auth": "bearer", "api_token": TOKEN},
        {"auth": "basic", "username": "example", "password": TOKEN},
        {"auth": "api_key", "api_token": TOKEN, "api_key_header": "X-Example-Key"},
    ],
    ids=["bearer", "basic", "api_key"],
)
def test_each_auth_style_sends_the_credential_as_configured(options: dict[str, str]) -> None:
    """The example API accepts the credential only in the form it is configured for."""
    other_style = (
        {"auth": "basic", "username": "example", "password": TOKEN}
        if options["auth"] == "bearer"
        else {"auth": "bearer", "api_token": TOKEN}
    )
    served = {"auth": options["auth"], "api_key_header": "X-Example-Key"}
    with ExampleApi(FIVE_THINGS, TOKEN, **served) as api:
        client = client_for(api, **options)
        client.check_access()
        assert len(names(list(client.records(THINGS)))) == 5
        with pytest.raises(AccessError, match="refused"):
            client_for(api, **other_style).check_access()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"auth": "bearer", "api_token": "wrong"}, "check api_token"),
        ({"auth": "basic", "username": "example", "password": "wrong"}, "username and password"),
    ],
    ids=["bearer", "basic"],
)
def test_a_refused_credential_names_the_credential_option(
    api: ExampleApi, options: dict[str, str], named: str
) -> None:
    client = client_for(api, **options)
    with pytest.raises(AccessError, match=named) as refused:
        client.check_access()
    assert "HTTP 401" in str(refused.value) and "wrong" not in str(refused.value)
    [left] = lefts(list(client.records(THINGS)))
    assert named in left.error, "a page refused the same way says the same"


def test_a_credential_refused_halfway_ends_the_collection_with_one_left() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, failures={"things?page=2": 401}) as api:
        fetched = list(client_for(api).records(THINGS))

    [left] = lefts(fetched)
    assert left.name == "things page 2" and "check api_token" in left.error
    assert names(fetched) == ["thing-1", "thing-2"] and len(api.requests) == 2


def test_an_unreachable_host_names_base_url() -> None:
    base_url = f"http://127.0.0.1:{closed_port()}"
    settings = {"base_url": base_url, "api_token": TOKEN, "retries": 0}
    options = {{ prefix }}Options.model_validate(settings)
    client = {{ prefix }}Client(options)
    with pytest.raises(AccessError, match=f"cannot reach base_url {base_url}"):
        client.check_access()


def test_an_api_slower_than_the_read_timeout_names_read_timeout_s() -> None:
    with ExampleApi(FIVE_THINGS, TOKEN, delays={"": 2}) as api:
        client = client_for(api, read_timeout_s=0.2, retries=0)
        with pytest.raises(AccessError, match=r"did not answer within read_timeout_s=0\.2 s"):
            client.check_access()


def test_connection_steps_pass_on_the_example_system(connection_options: dict[str, str]) -> None:
    config = project_config("connector.yaml")
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = connection_options
    steps = connection_steps(config)
    assert steps and all(step["passed"] for step in steps)


def test_connection_steps_fail_naming_the_option_at_fault(
    connection_options: dict[str, str],
) -> None:
    config = project_config("connector.yaml")
    options = {**connection_options, "api_token": "not-the-token"}
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = options
    [step] = connection_steps(config)
    assert not step["passed"] and "api_token" in step["error"]


# --- Options ---------------------------------------------------------------------------------


def test_an_unset_environment_variable_is_named_with_its_option(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """connector.yaml reads base_url and api_token from the environment."""
    written = yaml.safe_load((PROJECT / "connector.yaml").read_text(encoding="utf-8"))
    variable = written["source"]["serviceConnection"]["config"]["connectionOptions"]["base_url"]
    variable = variable.strip("${}")
    monkeypatch.delenv(variable, raising=False)
    config = project_config("connector.yaml")

    with pytest.raises(ConfigError, match=f"base_url: .*{variable}, .*is not set"):
        connection_steps(config)


def test_an_unknown_option_is_refused_by_name_without_its_value() -> None:
    connection = SimpleNamespace(
        connectionOptions=SimpleNamespace(
            root={"base_url": "http://api.example", "api_token": "t", "api_tokn": "s3cr3t"}
        )
    )
    with pytest.raises(InvalidSourceException, match="api_tokn") as raised:
        connector.get_connection(connection)
    assert "s3cr3t" not in str(raised.value)


def test_a_credential_the_auth_style_needs_is_required() -> None:
    connection = SimpleNamespace(
        connectionOptions=SimpleNamespace(root={"base_url": "http://api.example", "auth": "basic"})
    )
    with pytest.raises(InvalidSourceException, match="username is required"):
        connector.get_connection(connection)


# --- A whole run -------------------------------------------------------------------------------


def test_a_run_reads_the_example_api_and_keeps_its_secret_out_of_openmetadata_and_the_logs(
    connection_options: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = connection_options["api_token"]
    source = project_config("connector.yaml")["source"]
    source["serviceName"] = TEST_SERVICE
    source["serviceConnection"]["config"]["connectionOptions"] = connection_options

    with StandIn() as stand_in:
        result = run(workflow_config(source, stand_in), stand_in)
        stored = json.dumps(stand_in.store.entities())

    assert result.passed and result.failures == [], result.failures
    assert len(result.entities) > 1, "the service and what the example API holds"
    assert TEST_SERVICE in stored and secret not in stored
    assert secret not in caplog.text
    captured = capsys.readouterr()
    assert secret not in captured.out + captured.err
