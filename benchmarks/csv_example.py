"""Figure: the CSV example connector, rows per second and memory, against two references.

Runs inside a virtualenv with openmetadata-ingestion and the benchmark's generated project::

    python -m benchmarks.csv_example --project DIR --sizes 10000,100000 --repeat 3 --out FILE

- ``source``: the generated ``<Class>Csv`` through its class, as the workflow drives it:
  ``create(config["source"], None)``, ``prepare()``, then ``_iter()``, each record discarded
  (no workflow, so no per-record status list).
- ``floor``: the same ``CreateTableRequest`` models (names, columns, data types) built in a
  loop from inputs prepared beforehand: what any source yielding these models must pay.
- ``load_all``: the approach of OpenMetadata's demo connector, written here: read every row
  into a list first, then yield a request per row.

Time runs are untraced; memory is a separate, traced pass (``tracemalloc`` peak above the
baseline, Python allocations only).
"""

from __future__ import annotations

import argparse
import copy
import csv
import functools
import importlib
import json
import sys
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Column
from metadata.ingestion.api.models import Either
from metadata.utils import fqn

from benchmarks import csv_data
from benchmarks.measure import median, paired_ratio, summary, timed

Records = Callable[[], Iterable[Any]]
APPROACHES = ("floor", "source", "load_all")
CHECKED_ROWS = 200


class CsvExample:
    """The generated CSV source class and the ``source`` section of ``csv_example.yaml``."""

    def __init__(self, project: Path) -> None:
        self.config: dict[str, Any] = yaml.safe_load((project / "csv_example.yaml").read_text())["source"]
        module_name, class_name = self.config["serviceConnection"]["config"]["sourcePythonClass"].rsplit(".", 1)
        self.module = importlib.import_module(module_name)
        self.source_class: Any = getattr(self.module, class_name)
        options = self.config["serviceConnection"]["config"]["connectionOptions"]
        self.schema_fqn = fqn.build(
            None,
            DatabaseSchema,
            service_name=self.config["serviceName"],
            database_name=options["business_unit"],
            schema_name="default",
        )

    def source_config(self, csv_path: Path) -> dict[str, Any]:
        config = copy.deepcopy(self.config)
        config["serviceConnection"]["config"]["connectionOptions"]["source_directory"] = str(csv_path)
        return config

    def column_fields(self, spelling: str) -> dict[str, Any]:
        return self.module.parse_data_type(spelling)  # type: ignore[no-any-return]


def source_records(example: CsvExample, csv_path: Path) -> Records:
    """The source's tables: created up front, prepared and iterated inside the measurement."""

    def records() -> Iterator[Any]:
        source = example.source_class.create(example.source_config(csv_path), None)
        source.prepare()
        for either in source._iter():
            if either.left is not None:
                raise RuntimeError(f"the source refused a benchmark row: {either.left.error}")
            if isinstance(either.right, CreateTableRequest):
                yield either
        source.close()

    return records


def floor_records(example: CsvExample, count: int) -> Records:
    """The same requests from inputs prepared beforehand (not measured)."""
    fields = functools.cache(example.column_fields)
    inputs = [
        (name, [(column, spelling, fields(spelling)) for column, spelling in zip(names, types, strict=True)])
        for name, names, types in csv_data.rows(count)
    ]
    schema = example.schema_fqn

    def records() -> Iterator[CreateTableRequest]:
        for name, columns in inputs:
            yield CreateTableRequest(
                name=name,
                databaseSchema=schema,
                columns=[Column(name=column, dataTypeDisplay=spelling, **kw) for column, spelling, kw in columns],
            )

    return records


def load_all_records(example: CsvExample, csv_path: Path) -> Records:
    """The demo's approach: every row read into a list, then one request per row."""
    fields = functools.cache(example.column_fields)
    schema = example.schema_fqn

    def records() -> Iterator[Either]:
        with csv_path.open(encoding="utf-8", newline="") as file:
            reader = csv.reader(file)
            next(reader)
            rows = [(name, names.split(";"), types.split(";")) for name, names, types in reader]
        for name, names, types in rows:
            columns = [Column(name=n, dataTypeDisplay=t, **fields(t)) for n, t in zip(names, types, strict=True)]
            yield Either(right=CreateTableRequest(name=name, databaseSchema=schema, columns=columns))

    return records


def consume(records: Iterable[Any]) -> int:
    """Iterate, keeping nothing: the count of records."""
    count = 0
    for _ in records:
        count += 1
    return count


def traced_peak(records: Records) -> int:
    """Peak of Python allocations (bytes) while ``records`` runs, above what existed before."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        consume(records())
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def check_same_requests(runs: dict[str, Records]) -> None:
    """All three approaches must build equal requests, or the comparison means nothing."""
    dumps = {
        name: [_request(record).model_dump() for _, record in zip(range(CHECKED_ROWS), records(), strict=False)]
        for name, records in runs.items()
    }
    reference = dumps["floor"]
    for name, dumped in dumps.items():
        if dumped != reference:
            raise RuntimeError(f"{name} builds other requests than the floor")


def _request(record: Any) -> Any:
    return record.right if isinstance(record, Either) else record


def measure_size(example: CsvExample, csv_path: Path, count: int, repeat: int) -> dict[str, Any]:
    runs = {
        "floor": floor_records(example, count),
        "source": source_records(example, csv_path),
        "load_all": load_all_records(example, csv_path),
    }
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(repeat):  # interleaved, the order rotating: every approach sees the same noise
        for name in APPROACHES[round_ % 3 :] + APPROACHES[: round_ % 3]:
            elapsed, seen = timed(lambda records=runs[name]: consume(records()))
            if seen != count:
                raise RuntimeError(f"{name} yielded {seen} tables for {count} rows")
            seconds[name].append(elapsed)
    result: dict[str, Any] = {}
    for name, records in runs.items():
        peak = traced_peak(records)
        result[name] = {
            "seconds": summary(seconds[name]),
            "rows_per_second": round(count / median(seconds[name])),
            "us_per_row": round(median(seconds[name]) / count * 1e6, 2),
            "peak_bytes": peak,
            "bytes_per_row": round(peak / count, 1),
        }
    result["source_vs_floor"] = paired_ratio(seconds["source"], seconds["floor"])
    result["load_all_vs_floor"] = paired_ratio(seconds["load_all"], seconds["floor"])
    return result


def warm_up(example: CsvExample, workdir: Path) -> None:
    path = csv_data.write(workdir / "warm-up.csv", 2000)
    runs = {
        "floor": floor_records(example, 2000),
        "source": source_records(example, path),
        "load_all": load_all_records(example, path),
    }
    check_same_requests(runs)
    for records in runs.values():
        consume(records())


def measure(project: Path, workdir: Path, sizes: list[int], repeat: int) -> dict[str, Any]:
    example = CsvExample(project)
    warm_up(example, workdir)
    by_size = {}
    for count in sizes:
        path = csv_data.write(workdir / f"tables-{count}.csv", count)
        by_size[str(count)] = measure_size(example, path, count, repeat)
    result: dict[str, Any] = {
        "source_class": f"{example.source_class.__module__}.{example.source_class.__name__}",
        "columns_per_row": csv_data.COLUMNS_PER_ROW,
        "repeat": repeat,
        "sizes": by_size,
    }
    if len(sizes) > 1:
        small, large = str(min(sizes)), str(max(sizes))
        grown = by_size[large]["source"]["peak_bytes"] - by_size[small]["source"]["peak_bytes"]
        result["source_marginal_bytes_per_row"] = round(grown / (max(sizes) - min(sizes)), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    result = measure(args.project, args.workdir, sizes, args.repeat)
    args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
