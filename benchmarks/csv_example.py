"""Figure: the CSV example connector, rows per second and memory, against two references.

- ``source``: the generated ``<Class>Csv`` through its class, as the workflow drives it:
  ``create(config["source"], None)`` (config as ``csv_example.yaml`` has it, but
  ``markDeletedTables: false``: with no server, there is nothing to delete from),
  ``prepare()``, then ``_iter()``, each record discarded (no workflow: no per-record
  status list).
- ``floor``: the same ``CreateTableRequest`` models (names, columns, data types) built in a
  loop from inputs prepared beforehand: what any source yielding these models must pay.
- ``load_all``: the approach of OpenMetadata's demo connector, written here: read every row
  into a list first, then yield one request per row.

Time: in each round two approaches, the floor and one other, are advanced in turn,
``BLOCK_ROWS`` records at a time, each block timed: they share the machine's noise, and
the ratio to the floor is taken per round (median over rounds). The floor keeps nothing,
so the round's peak-RSS growth (``PeakRss``: no tracing, so no slowdown) is the source's.
``load_all``'s peak is its list: traced (``tracemalloc``) up to its first record.

The source's own memory, the goal's figure, is a separate ``tracemalloc`` pass (Python
allocations, peak above the baseline) on one file only: tracing makes OpenMetadata's
model construction about six times slower.
"""

from __future__ import annotations

import copy
import csv
import functools
import importlib
import itertools
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from metadata.generated.schema.api.data.createTable import CreateTableRequest
from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
from metadata.generated.schema.entity.data.table import Column
from metadata.ingestion.api.models import Either
from metadata.utils import fqn

from benchmarks import csv_data
from benchmarks.measure import PeakRss, log, median, paired_ratio, summary

Records = Callable[[], Iterable[Any]]
APPROACHES = ("floor", "source", "load_all")
CHECKED_ROWS = 200
BLOCK_ROWS = 500


@dataclass(frozen=True)
class Plan:
    """What to measure on one file: timed rounds of floor beside source, and beside load_all."""

    size: int
    rounds: int
    load_all_rounds: int


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

    @property
    def class_path(self) -> str:
        return f"{self.source_class.__module__}.{self.source_class.__name__}"

    def source_config(self, csv_path: Path) -> dict[str, Any]:
        """The example's ``source`` reading ``csv_path``, with no soft deletion at the end: that
        lists the schema's tables on the server, and a source run alone has none."""
        config = copy.deepcopy(self.config)
        config["serviceConnection"]["config"]["connectionOptions"]["source_directory"] = str(csv_path)
        config["sourceConfig"]["config"]["markDeletedTables"] = False
        return config

    def column_fields(self, spelling: str) -> dict[str, Any]:
        """dataType and the fields the spelling implies, as the source maps them."""
        return self.module.parse_data_type(spelling)  # type: ignore[no-any-return]


def source_records(example: CsvExample, csv_path: Path) -> Records:
    """The source's table records; ``prepare`` and ``_iter`` run inside the measurement."""

    def records() -> Iterator[Either]:
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
    """The same requests from inputs prepared here, outside the measurement."""
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


def approaches(example: CsvExample, csv_path: Path, count: int) -> dict[str, Records]:
    return {
        "floor": floor_records(example, count),
        "source": source_records(example, csv_path),
        "load_all": load_all_records(example, csv_path),
    }


def consume(records: Iterable[Any]) -> int:
    """Iterate, keeping nothing: the count of records."""
    count = 0
    for _ in records:
        count += 1
    return count


def traced_peak(action: Callable[[], object]) -> int:
    """Peak of Python allocations (bytes) while ``action`` runs, above what existed before."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        action()
        return tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()


def check_same_requests(runs: dict[str, Records]) -> None:
    """All three approaches must build equal requests, or the comparison means nothing."""
    dumps = {
        name: [_request(record).model_dump() for _, record in zip(range(CHECKED_ROWS), records(), strict=False)]
        for name, records in runs.items()
    }
    for name, dumped in dumps.items():
        if dumped != dumps["floor"]:
            raise RuntimeError(f"{name} builds other requests than the floor")


def _request(record: Any) -> Any:
    return record.right if isinstance(record, Either) else record


def interleaved_round(runs: dict[str, Records], count: int) -> tuple[dict[str, float], int | None]:
    """One round: the approaches advanced in turn, ``BLOCK_ROWS`` records at a time, each block
    timed, so that they share the machine's noise; returns their seconds and the peak-RSS growth."""
    iterators = {name: iter(records()) for name, records in runs.items()}  # generators: nothing runs yet
    seconds, seen = dict.fromkeys(runs, 0.0), dict.fromkeys(runs, 0)
    with PeakRss() as rss:
        while iterators:
            for name in list(iterators):
                start = time.perf_counter()
                got = consume(itertools.islice(iterators[name], BLOCK_ROWS))
                seconds[name] += time.perf_counter() - start
                seen[name] += got
                if got < BLOCK_ROWS:
                    del iterators[name]
    if any(number != count for number in seen.values()):
        raise RuntimeError(f"tables yielded for {count} rows: {seen}")
    return seconds, rss.grown_bytes


def timing(seconds: list[float], count: int) -> dict[str, Any]:
    return {
        "seconds": summary(seconds),
        "rows_per_second": round(count / median(seconds)),
        "us_per_row": round(median(seconds) / count * 1e6, 1),
    }


def memory(grown: list[int], count: int) -> dict[str, Any]:
    if not grown:
        return {}
    return {
        "peak_rss_growth_mb": round(median(grown) / 2**20, 1),
        "peak_rss_bytes_per_row": round(median(grown) / count),
    }


def measure_size(example: CsvExample, csv_path: Path, count: int, plan: Plan) -> dict[str, Any]:
    """``plan.rounds`` rounds of floor beside source, ``plan.load_all_rounds`` of floor beside load_all.

    The floor keeps nothing, so a round's peak-RSS growth is the other approach's."""
    runs = approaches(example, csv_path, count)
    pairs = [("floor", "source")] * plan.rounds + [("floor", "load_all")] * plan.load_all_rounds
    seconds: dict[str, list[float]] = {name: [] for name in APPROACHES}
    floor_beside: dict[str, list[float]] = {"source": [], "load_all": []}
    grown: dict[str, list[int]] = {name: [] for name in APPROACHES}
    for index, pair in enumerate(pairs):
        order = pair if index % 2 == 0 else pair[::-1]
        round_seconds, round_grown = interleaved_round({name: runs[name] for name in order}, count)
        for name, elapsed in round_seconds.items():
            seconds[name].append(elapsed)
        floor_beside[pair[1]].append(round_seconds["floor"])
        if round_grown is not None and pair[1] == "source":
            grown["source"].append(round_grown)
    result: dict[str, Any] = {
        name: {**(timing(seconds[name], count) if seconds[name] else {}), **memory(grown[name], count)}
        for name in APPROACHES
    }
    # load_all's peak is its list, complete before its first record: traced up to there.
    list_bytes = traced_peak(lambda: next(iter(runs["load_all"]())))
    result["load_all"] |= {
        "traced_peak_mb": round(list_bytes / 2**20, 1),
        "traced_bytes_per_row": round(list_bytes / count),
    }
    result["source_vs_floor"] = paired_ratio(seconds["source"], floor_beside["source"])
    if seconds["load_all"]:
        result["load_all_vs_floor"] = paired_ratio(seconds["load_all"], floor_beside["load_all"])
    return {"rounds": plan.rounds, "load_all_rounds": plan.load_all_rounds, **result}


def source_memory(example: CsvExample, csv_path: Path, count: int) -> dict[str, Any]:
    """The goal's figure: the source's own Python allocations, traced, per row."""
    records = source_records(example, csv_path)
    peak = traced_peak(lambda: consume(records()))
    return {"rows": count, "peak_bytes": peak, "bytes_per_row": round(peak / count, 1)}


def measure(example: CsvExample, workdir: Path, plans: list[Plan], traced_rows: int) -> dict[str, Any]:
    warm_up = csv_data.write(workdir / "warm-up.csv", 1000)
    runs = approaches(example, warm_up, 1000)
    check_same_requests(runs)
    interleaved_round(runs, 1000)
    by_size = {}
    for plan in plans:
        log(f"csv example: {plan.size} rows, {plan.rounds} + {plan.load_all_rounds} interleaved round(s)")
        csv_path = csv_data.write(workdir / f"tables-{plan.size}.csv", plan.size)
        by_size[str(plan.size)] = measure_size(example, csv_path, plan.size, plan)
    log(f"csv example: the source's memory, traced, on {traced_rows} rows")
    traced_path = csv_data.write(workdir / f"tables-{traced_rows}.csv", traced_rows)
    return {
        "source_class": example.class_path,
        "columns_per_row": csv_data.COLUMNS_PER_ROW,
        "block_rows": BLOCK_ROWS,
        "sizes": by_size,
        "source_traced": source_memory(example, traced_path, traced_rows),
    }
