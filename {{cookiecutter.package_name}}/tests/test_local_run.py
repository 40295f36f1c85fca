"""Smoke test: the local run of a workflow config works end to end.

``make run-local`` runs ``connector.yaml`` through OpenMetadata's ``MetadataWorkflow``
against the harness's stand-in server; this runs the same machinery on the example
system (not your ``connector.yaml``, which may point at your real system).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from local_harness import run_local

from .conftest import TEST_SERVICE, project_config


def test_a_local_run_of_the_connector_passes_and_reports_what_it_sent(
    tmp_path: Path, connection_options: dict[str, str]
) -> None:
    config = project_config("connector.yaml")
    config["source"]["serviceName"] = TEST_SERVICE
    config["source"]["serviceConnection"]["config"]["connectionOptions"] = connection_options
    path = tmp_path / "connector.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    report = tmp_path / "report.json"

    result = run_local(path, report)

    assert result.passed, result.failures or result.error
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["failures"] == []
    assert written["entities"][0]["fqn"] == TEST_SERVICE
    assert len(written["entities"]) > 1
