"""A local run shows what it sent (issue 14): the tree with tags, owners, lineage and
deletions, columns on demand, and the JSON report; seeded entities stay out of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from local_harness import StandIn, run, run_local
from local_harness.auth import local_token

from support import SERVER_VERSION

SOURCE = "sample_source.SampleSource"


def config(tables: str, token: str = "${OPENMETADATA_JWT_TOKEN}") -> dict[str, Any]:
    return {
        "source": {
            "type": "customDatabase",
            "serviceName": "shop",
            "serviceConnection": {
                "config": {
                    "type": "CustomDatabase",
                    "sourcePythonClass": SOURCE,
                    "connectionOptions": {"tables": tables},
                }
            },
            "sourceConfig": {"config": {"type": "DatabaseMetadata"}},
        },
        "sink": {"type": "metadata-rest", "config": {}},
        "workflowConfig": {
            "openMetadataServerConfig": {
                "hostPort": "http://localhost:8585/api",
                "authProvider": "openmetadata",
                "securityConfig": {"jwtToken": token},
            }
        },
    }


def test_a_local_run_prints_the_tree_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "connector.yaml"
    path.write_text(json.dumps(config("orders,revenue")), encoding="utf-8")
    report = tmp_path / "report.json"

    result = run_local(path, report, show_columns=True)

    assert result.passed, result.failures or result.error
    printed = capsys.readouterr().out
    lines = [line.strip() for line in printed.splitlines()]
    assert "DatabaseService    shop" in lines
    assert "Table              shop.db.s.orders" in lines
    assert "tags: Tier.Tier1" in lines and "owners: admin" in lines
    assert "downstream: shop.db.s.revenue" in lines
    assert "upstream: shop.db.s.orders" in lines
    assert "| id INT PRIMARY_KEY" in lines
    assert "| email VARCHAR(64) [PII.Sensitive]" in lines
    assert "| amount DECIMAL(10,2)" in lines
    assert "admin" not in printed.replace("owners: admin", "")  # seeded: not "sent"

    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["passed"] is True and written["failures"] == []
    assert [(e["type"], e["fqn"]) for e in written["entities"]][:2] == [
        ("DatabaseService", "shop"),
        ("Database", "shop.db"),
    ]
    orders = next(e for e in written["entities"] if e["fqn"] == "shop.db.s.orders")
    assert orders["deleted"] is False and orders["entity"]["columns"][0]["name"] == "id"
    assert written["lineage"] == [
        {
            "from": "shop.db.s.orders",
            "fromType": "table",
            "to": "shop.db.s.revenue",
            "toType": "table",
            "source": "Manual",
            "columns": 0,
        }
    ]
    assert written["deleted"] == []
    assert set(written) >= {"passed", "entities", "failures", "status", "lineage", "deleted"}


def test_a_table_the_source_no_longer_has_is_marked_deleted() -> None:
    with StandIn(server_version=SERVER_VERSION) as server:
        assert run(config("orders,revenue,old", local_token()), server).passed
        second = run(config("orders,revenue", local_token()), server)

    assert second.passed, second.failures
    assert second.deleted == ["shop.db.s.old"]
    [old] = [row for row in second.tree if row.fqn == "shop.db.s.old"]
    assert old.deleted
    assert {e["fqn"]: e["deleted"] for e in second.entities}["shop.db.s.old"] is True
    assert second.report["deleted"] == ["shop.db.s.old"]


def test_a_config_that_cannot_be_used_is_reported_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "connector.yaml"
    broken = config("orders")
    del broken["workflowConfig"]
    path.write_text(json.dumps(broken), encoding="utf-8")

    result = run_local(path)

    assert not result.passed and result.error
    assert "Invalid workflow config" in capsys.readouterr().out
