"""The run-time figures (CSV example, local run) in one interpreter with openmetadata-ingestion.

Started by ``python -m benchmarks`` in the virtualenv that has the benchmark's generated
project installed, with the project's ``local-harness`` folder on ``PYTHONPATH``::

    python -m benchmarks.runtime --project DIR --workdir DIR --sizes 10000,100000 --rounds 3,1 --out FILE

``import metadata`` is paid once; the local run reuses the CSV figure's timing of the source
on the same file, so both sides of its ratio come from this process.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import csv_example, local_run
from benchmarks.csv_example import CsvExample, Plan


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--sizes", type=_numbers, default=[10_000, 100_000], help="rows of each CSV file")
    parser.add_argument("--rounds", type=_numbers, default=[3, 1], help="rounds of floor beside source, per size")
    parser.add_argument("--load-all-rounds", type=_numbers, default=[2, 0], help="and of floor beside load_all")
    parser.add_argument("--traced-rows", type=int, default=10_000, help="rows of the traced pass of the source")
    parser.add_argument("--local-rows", type=int, help="file of the local run: one of --sizes (default the largest)")
    parser.add_argument("--skip-local-run", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    plans = [Plan(*numbers) for numbers in zip(args.sizes, args.rounds, args.load_all_rounds, strict=True)]
    example = CsvExample(args.project)
    results: dict[str, Any] = {
        "openmetadata_ingestion": version("openmetadata-ingestion"),
        "pydantic": version("pydantic"),
        "python": platform.python_version(),
        "csv_example": csv_example.measure(example, args.workdir, plans, args.traced_rows),
    }
    if not args.skip_local_run:
        rows = args.local_rows or max(args.sizes)
        source_seconds = results["csv_example"]["sizes"][str(rows)]["source"]["seconds"]["runs"]
        csv_path = args.workdir / f"tables-{rows}.csv"
        results["local_run"] = local_run.measure(args.project, args.workdir, csv_path, rows, source_seconds)
    args.out.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
