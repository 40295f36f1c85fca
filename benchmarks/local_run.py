"""Figure: the local run, rows per second through the whole workflow against the source alone.

``workflow``: ``om_local.run_local.run`` on the project's ``csv_example.yaml`` pointed at the
file, against ``om_local.stand_in.StandIn``: OpenMetadata's real ``MetadataWorkflow``, the
``metadata-rest`` sink and HTTP on loopback, with the stand-in server in the same process
(it validates every request as the real server does, so its time is part of the figure).
``source``: the CSV figure's timing of the same class on the same file, in the same process.
Needs the project folder on ``sys.path`` (for ``om_local``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from om_local.run_local import load_config, run
from om_local.stand_in import StandIn

from benchmarks import csv_data
from benchmarks.measure import PeakRss, log, summary, timed


def workflow_config(project: Path, csv_path: Path) -> dict[str, Any]:
    """``csv_example.yaml`` loaded as ``metadata ingest -c`` loads it, reading ``csv_path``."""
    os.environ.setdefault("OPENMETADATA_JWT_TOKEN", "local-benchmark")
    config = load_config(project / "csv_example.yaml")
    config["source"]["serviceConnection"]["config"]["connectionOptions"]["source_directory"] = str(csv_path)
    return config


def run_workflow(config: dict[str, Any], rows: int) -> None:
    """One whole run; it must pass, and the stand-in must hold every table."""
    with StandIn() as server:
        result = run(config, server)
        tables = sum(1 for kind, _ in server.store.entities() if kind == "Table")
    if not result.passed or tables != rows:
        raise RuntimeError(f"the run failed or lost tables ({tables} of {rows}): {result.failures[:3]}")


def measure(project: Path, workdir: Path, csv_path: Path, rows: int, source_seconds: list[float]) -> dict[str, Any]:
    """One workflow run over ``csv_path`` (after a small warm-up run), against the source's times."""
    run_workflow(workflow_config(project, csv_data.write(workdir / "local-run-warm-up.csv", 200)), 200)
    log(f"local run: {rows} rows through MetadataWorkflow and the stand-in (once)")
    with PeakRss() as rss:
        seconds = timed(lambda: run_workflow(workflow_config(project, csv_path), rows))[0]
    source = summary(source_seconds)
    return {
        "rows": rows,
        "workflow": {
            "seconds": summary([seconds]),
            "rows_per_second": round(rows / seconds),
            "peak_rss_growth_mb": round((rss.grown_bytes or 0) / 2**20, 1),
        },
        "source": {"seconds": source, "rows_per_second": round(rows / source["median"])},
        "workflow_vs_source": round(seconds / source["median"], 2),
    }
