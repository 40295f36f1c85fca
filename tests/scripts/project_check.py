"""Check one generated project in one interpreter start (importing OpenMetadata costs seconds).

Run from the project folder with the shared virtualenv's Python::

    python project_check.py MYPY_CACHE_DIR

It runs the project's own tests, the local run of each of its workflow configs (as
``make run-local`` does), OpenMetadata's own CLI (``metadata ingest -c connector.yaml``)
against the stand-in as ``make stand-in`` serves it, then the checks of its CI (``make
lint``: ruff, ruff format, mypy), and writes what happened to ``project-check.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

CONFIGS = ("connector.yaml", "csv_example.yaml")


def main(mypy_cache: str) -> int:
    import pytest

    result: dict[str, object] = {"pytest": int(pytest.main(["-q", "-p", "no:cacheprovider"]))}

    from local_harness import run_local

    reports = {}
    for config in CONFIGS:
        if Path(config).exists():
            reports[config] = run_local(Path(config), Path(config + ".report.json")).report
    result["reports"] = reports
    try:
        result["cli"] = cli_check(reports["connector.yaml"])
    except Exception:  # the other checks still run; the test shows this
        result["cli"] = {"exit": traceback.format_exc()}

    ruff = str(Path(sys.executable).parent / "ruff")
    lint: dict[str, list[object]] = {}
    for name, command in (
        ("ruff check", [ruff, "check", "--no-cache", "."]),
        ("ruff format", [ruff, "format", "--check", "--no-cache", "."]),
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        lint[name] = [done.returncode, done.stdout[-3000:] + done.stderr[-1000:]]
    from mypy import api

    out, err, status = api.run(["--cache-dir", mypy_cache])
    lint["mypy"] = [status, out[-3000:] + err[-1000:]]
    result["lint"] = lint
    Path("project-check.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


def cli_check(local_report: dict[str, Any]) -> dict[str, Any]:
    """``metadata ingest -c connector.yaml`` (the CLI's own entry point, in this process)
    against ``python -m local_harness serve`` (in a thread), then every entity of the local
    run read back from it through the REST API: listed per collection and got by name.

    For a database project that reads a records file (the plain style), a second run
    without one table of the example: that table is soft-deleted, the rest untouched.
    """
    from local_harness.auth import local_token
    from local_harness.examples import serve_example_system
    from local_harness.settings import load_settings

    token = local_token()
    outcome: dict[str, Any] = {}
    settings = load_settings()
    with _stand_in() as port, _environment({"OPENMETADATA_JWT_TOKEN": token}):
        config = Path("connector.yaml").read_text(encoding="utf-8").replace("localhost:8585", f"localhost:{port}")
        system = (
            serve_example_system(settings.example_system) if settings.example_system else contextlib.nullcontext({})
        )
        with system as variables, _environment(variables):
            outcome["exit"] = _ingest(config)
        client = _client(port, token)
        outcome["read_back"] = _read_back(client, local_report)
        if settings.example_system is None and local_report["entities"][0]["type"] == "DatabaseService":
            outcome["deletion"] = _deletion_run(client, config, local_report)
    return outcome


@contextlib.contextmanager
def _stand_in() -> Iterator[int]:
    from local_harness.__main__ import main as harness

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    stop = threading.Event()
    server = threading.Thread(target=harness, args=(["serve", "--port", str(port)], stop), daemon=True)
    server.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield port
    finally:
        stop.set()
        server.join(timeout=30)


@contextlib.contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _ingest(config: str) -> str:
    """Run ``metadata ingest -c`` on ``config``: "ok", or how it ended."""
    from metadata.cmd import metadata as metadata_cli

    path = Path("cli.yaml")
    path.write_text(config, encoding="utf-8")
    try:
        metadata_cli(["ingest", "-c", str(path)])
    except SystemExit as ended:
        return f"exit {ended.code}"
    except Exception as err:  # raise_from_status: the run had failures
        return f"{type(err).__name__}: {err}"
    return "ok"


def _client(port: int, token: str) -> Any:
    from metadata.generated.schema.entity.services.connections.metadata.openMetadataConnection import (
        OpenMetadataConnection,
    )
    from metadata.ingestion.ometa.ometa_api import OpenMetadata

    return OpenMetadata(
        OpenMetadataConnection.model_validate(
            {
                "hostPort": f"http://localhost:{port}/api",
                "authProvider": "openmetadata",
                "securityConfig": {"jwtToken": token},
            }
        )
    )


def _read_back(client: Any, local_report: dict[str, Any]) -> dict[str, Any]:
    """What the local run created, as the CLI's stand-in lists it and gets it by name."""
    from local_harness.catalogue import KINDS

    kinds = {kind.name: kind for kind in KINDS}
    expected: dict[str, set[str]] = {}
    for entity in local_report["entities"]:
        expected.setdefault(entity["type"], set()).add(entity["fqn"])
    service = local_report["entities"][0]["fqn"]
    listed = {}
    for name, fqns in expected.items():
        every = (_fqn_of(entity) for entity in client.list_all_entities(entity=kinds[name].entity_class))
        listed[name] = sorted(fqn for fqn in every if fqn in fqns or fqn.startswith(f"{service}."))
    not_found = [
        f"{name} {fqn}"
        for name, fqns in expected.items()
        for fqn in sorted(fqns)
        if client.get_by_name(entity=kinds[name].entity_class, fqn=fqn) is None
    ]
    return {
        "expected": {name: sorted(fqns) for name, fqns in expected.items()},
        "listed": listed,
        "not_found": not_found,
    }


def _fqn_of(entity: Any) -> str:
    name = entity.fullyQualifiedName  # a FullyQualifiedEntityName, or a str in some models
    return str(getattr(name, "root", name))


def _deletion_run(client: Any, config: str, local_report: dict[str, Any]) -> dict[str, Any]:
    """Run again with the records file (the plain style's option) short of one table that
    the first run created, in a schema that keeps others."""
    from metadata.generated.schema.entity.data.table import Table
    from metadata.utils import fqn as fqns

    tables = [entity["fqn"] for entity in local_report["entities"] if entity["type"] == "Table"]
    created = {tuple(fqns.split(table)[1:]): table for table in tables}  # (database, schema, table)
    records_file = next(Path("src").rglob("example_records.json"))
    records = json.loads(records_file.read_text(encoding="utf-8"))
    removed = None
    for path, items in records.items():
        parts = path.split("/")  # databases/<database>/schemas/<schema>/tables
        if parts[-1] == "tables" and len(items) > 1 and removed is None:
            for item in reversed(items):
                if (parts[1], parts[3], item["name"]) in created:
                    removed = created[parts[1], parts[3], item["name"]]
                    items.remove(item)
                    break
    assert removed is not None, "no table of the example to remove"
    edited = Path("records-without-one-table.json").resolve()
    edited.write_text(json.dumps(records), encoding="utf-8")
    assert "connectionOptions: {}" in config, "the plain style's connector.yaml changed"
    options = f"connectionOptions: {{records_file: {json.dumps(str(edited))}}}"
    exit_status = _ingest(config.replace("connectionOptions: {}", options))
    return {
        "exit": exit_status,
        "removed": removed,
        # GET .../name/{fqn}?include=all, by hand: the 1.5 client has no include, 2.0's
        # appends it without a "?" when no fields are asked.
        "deleted": sorted(
            table for table in tables if client.client.get(f"/tables/name/{quote(table)}?include=all").get("deleted")
        ),
        "hidden": sorted(table for table in tables if client.get_by_name(entity=Table, fqn=table) is None),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
