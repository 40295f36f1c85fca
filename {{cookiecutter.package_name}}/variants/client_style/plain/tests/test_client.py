{%- set prefix = cookiecutter.class_name | class_prefix -%}
"""The client and its options: what the connector reads from your system, and how it
says what is wrong. Replace these tests when you replace the client."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from local_harness.connection import connection_steps
from metadata.ingestion.api.steps import InvalidSourceException
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }} import (
    metadata as connector,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.client import (
    {{ prefix }}Client,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.connection import (
    {{ prefix }}Options,
)
from metadata.ingestion.source.{{ cookiecutter.service_type }}.{{ cookiecutter.module_name }}.records import Resource
from pydantic import BaseModel

from .conftest import project_config


class Named(BaseModel):
    name: str


THINGS = Resource("things", Named)


def client_for(records: object, tmp_path: Path) -> {{ prefix }}Client:
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return {{ prefix }}Client({{ prefix }}Options(records_file=path))


def test_every_record_is_read_in_order(tmp_path: Path) -> None:
    client = client_for({"things": [{"name": "a"}, {"name": "b"}]}, tmp_path)
    assert [item.right.name for item in client.records(THINGS)] == ["a", "b"]


def test_a_bad_record_is_one_left_naming_it_and_the_next_ones_still_come(tmp_path: Path) -> None:
    client = client_for({"things": [{"name": "a"}, {"title": "no name"}, {"name": "c"}]}, tmp_path)

    fetched = list(client.records(THINGS))

    assert [item.right.name for item in fetched if item.right] == ["a", "c"]
    [bad] = [item.left for item in fetched if item.left]
    assert bad.name == "things[1]" and "name: Field required" in bad.error
    assert bad.stackTrace is None, "a data error carries no traceback"


def test_an_unreadable_file_is_one_left_with_a_clear_message(tmp_path: Path) -> None:
    options = {{ prefix }}Options(records_file=tmp_path / "missing.json")
    client = {{ prefix }}Client(options)
    [fetched] = list(client.records(THINGS))
    assert fetched.left is not None and "missing.json" in fetched.left.error


def test_an_unknown_option_is_refused_by_name_without_its_value() -> None:
    connection = SimpleNamespace(connectionOptions=SimpleNamespace(root={"api_tokn": "s3cr3t"}))
    with pytest.raises(InvalidSourceException, match="api_tokn") as raised:
        connector.get_connection(connection)
    assert "s3cr3t" not in str(raised.value)


def test_connection_steps_pass_on_the_example_system(connection_options: dict[str, str]) -> None:
    config = project_config("connector.yaml")
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = connection_options
    steps = connection_steps(config)
    assert steps and all(step["passed"] for step in steps)


def test_connection_steps_fail_with_a_clear_message(tmp_path: Path) -> None:
    config = project_config("connector.yaml")
    options = {"records_file": str(tmp_path / "missing.json")}
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = options
    [step] = connection_steps(config)
    assert not step["passed"] and "missing.json" in step["error"]
