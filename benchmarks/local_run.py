"""Figure: the local run, rows per second through the whole workflow against the source alone.

``workflow``: ``local_harness.run`` (what ``make run-local CONFIG=csv_example.yaml`` runs,
without printing the tree) on the project's ``csv_example.yaml`` pointed at the file,
against a ``local_harness.StandIn`` playing the project's release: OpenMetadata's real
``MetadataWorkflow``, the ``metadata-rest`` sink and HTTP on loopback, with the stand-in
server in the same process (it validates every request as the real server does, so its
time is part of the figure). The config is the example's own, ``markDeletedTables: true``
included: at the end the run sends the schema's live tables for soft deletion of the
others (2.0: one ``deleteStale`` request), as a user's local run does.
``source``: the CSV figure's timing of the same class on the same file, in the same process
(there without the deletion, which needs a server).
Needs ``local_harness`` importable (``make install`` installs it; ``RuntimeEnv.env`` puts
the project's copy on ``PYTHONPATH``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from local_harness import StandIn, load_config, run
from local_harness.auth import TOKEN_VARIABLE, local_token
from local_harness.settings import load_settings

from benchmarks import csv_data
from benchmarks.measure import PeakRss, log, summary, timed


def workflow_config(project: Path, csv_path: Path) -> dict[str, Any]:
    """``csv_example.yaml`` loaded as ``metadata ingest -c`` loads it, reading ``csv_path``.

    The stand-in, like the server, accepts only a well-formed, unexpired JWT: the token a
    local run provides when the user has set none."""
    os.environ.setdefault(TOKEN_VARIABLE, local_token())
    config = load_config(project / "csv_example.yaml")
    config["source"]["serviceConnection"]["config"]["connectionOptions"]["source_directory"] = str(csv_path)
    return config


def run_workflow(project: Path, config: dict[str, Any], rows: int) -> None:
    """One whole run; it must pass, and the stand-in must hold every table."""
    settings = load_settings(project)
    with StandIn(server_version=settings.openmetadata_version, existing=settings.existing_entities) as server:
        result = run(config, server)
        tables = sum(1 for kind, _ in server.store.entities() if kind == "Table")
    if not result.passed or tables != rows:
        raise RuntimeError(f"the run failed or lost tables ({tables} of {rows}): {result.failures[:3]}")


def measure(project: Path, workdir: Path, csv_path: Path, rows: int, source_seconds: list[float]) -> dict[str, Any]:
    """One workflow run over ``csv_path`` (after a small warm-up run), against the source's times."""
    warm_up = csv_data.write(workdir / "local-run-warm-up.csv", 200)
    run_workflow(project, workflow_config(project, warm_up), 200)
    log(f"local run: {rows} rows through MetadataWorkflow and the stand-in (once)")
    config = workflow_config(project, csv_path)
    with PeakRss() as rss:
        seconds = timed(lambda: run_workflow(project, config, rows))[0]
    source = summary(source_seconds)
    return {
        "rows": rows,
        "mark_deleted_tables": config["source"]["sourceConfig"]["config"].get("markDeletedTables"),
        "workflow": {
            "seconds": summary([seconds]),
            "rows_per_second": round(rows / seconds),
            "peak_rss_growth_mb": round((rss.grown_bytes or 0) / 2**20, 1),
        },
        "source": {"seconds": source, "rows_per_second": round(rows / source["median"])},
        "workflow_vs_source": round(seconds / source["median"], 2),
    }
