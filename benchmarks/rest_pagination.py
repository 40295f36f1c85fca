"""Figure: the REST client streams pages: its memory does not grow with their number.

Runs in a virtualenv with openmetadata-ingestion and a generated ``rest_api`` project
installed, the project's ``local-harness`` folder on ``PYTHONPATH``::

    python -m benchmarks.rest_pagination --module metadata.ingestion.source.database.bench_rest \
        --prefix BenchRest --pages 10,1000 --per-page 100 --workdir DIR --out FILE

The example API (``local_harness.example_api``) serves, from its own process, one
collection per size: its records and its request log are not in the measured process.
The client reads every record of the collection (``records(resource)``), keeping none.
Each size is read twice: once timed, once under ``tracemalloc`` (which slows it down),
whose peak above the start is the memory the reading held at its fullest. Streaming
means that peak does not grow with the number of pages. (It grows a little up to ~130
pages: the standard library's ``urllib.parse`` caches the last 128 URLs it split, and
each page has its own URL; past that it is flat.) With three sizes or more, the two
largest give what each added page holds past that cache: the figure streaming is judged on.
"""

from __future__ import annotations

import argparse
import importlib
import json
import secrets
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from benchmarks.measure import log


class Thing(BaseModel):
    name: str
    description: str | None = None


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


def write_records(path: Path, pages: list[int], per_page: int) -> Path:
    """One collection ``pages-<n>`` of ``n * per_page`` records per size."""
    records = {
        f"pages-{count}": [
            {"name": f"thing-{index:07d}", "description": f"Record {index} of a {count}-page collection."}
            for index in range(count * per_page)
        ]
        for count in pages
    }
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@contextmanager
def example_api(records: Path, token: str) -> Iterator[str]:
    """The example API in a child process; yields its base URL."""
    command = [sys.executable, "-m", "local_harness.example_api", str(records), "--port", "0", "--token", token]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline()  # "Example API serving <file> at <url> (Ctrl-C to stop)"
            if " at " not in line:
                raise RuntimeError(f"the example API did not start: {line!r}")
            yield line.split(" at ")[1].split()[0]
        finally:
            child.terminate()
            child.wait(timeout=10)


def read_all(client: Any, resource: Any) -> int:
    """Every record of ``resource``, counted and dropped; a left is a failed measurement."""
    count = 0
    for fetched in client.records(resource):
        if fetched.left is not None:
            raise RuntimeError(f"the client could not read a page: {fetched.left.error}")
        count += 1
    return count


def measure(module: str, prefix: str, pages: list[int], per_page: int, workdir: Path) -> dict[str, Any]:
    """``module``: the generated connector package; ``prefix``: its classes' (``<prefix>Client``)."""
    client_class = getattr(importlib.import_module(f"{module}.client"), f"{prefix}Client")
    options_class = getattr(importlib.import_module(f"{module}.connection"), f"{prefix}Options")
    records_module = importlib.import_module(f"{module}.records")
    token = secrets.token_urlsafe(16)
    records = write_records(workdir / "rest-pagination-records.json", pages, per_page)
    results: dict[str, Any] = {"per_page": per_page, "sizes": {}}
    with example_api(records, token) as base_url:
        options = options_class.model_validate({"base_url": base_url, "api_token": token, "per_page": str(per_page)})
        client = client_class(options)
        read_all(client, records_module.Resource(f"pages-{min(pages)}", Thing))  # warm-up: the connection pool
        for count in pages:
            resource = records_module.Resource(f"pages-{count}", Thing)
            log(f"REST client: {count} pages of {per_page} records")
            start = time.perf_counter()
            read = read_all(client, resource)
            seconds = time.perf_counter() - start
            tracemalloc.start()
            baseline = tracemalloc.get_traced_memory()[0]
            read_all(client, resource)
            peak = tracemalloc.get_traced_memory()[1] - baseline
            tracemalloc.stop()
            if read != count * per_page:
                raise RuntimeError(f"read {read} records of {count * per_page}")
            results["sizes"][str(count)] = {
                "pages": count,
                "records": read,
                "seconds": round(seconds, 3),
                "records_per_second": round(read / seconds),
                "peak_traced_bytes": peak,
            }
        client.close()
    small, large = results["sizes"][str(min(pages))], results["sizes"][str(max(pages))]
    results["peak_ratio_largest_to_smallest"] = round(large["peak_traced_bytes"] / small["peak_traced_bytes"], 2)
    if len(pages) > 2:  # the two largest: past most of urllib.parse's cache, what each page adds
        below = results["sizes"][str(sorted(pages)[-2])]
        added = large["peak_traced_bytes"] - below["peak_traced_bytes"]
        results["peak_ratio_largest_to_next"] = round(large["peak_traced_bytes"] / below["peak_traced_bytes"], 3)
        results["peak_bytes_per_added_page"] = round(added / (large["pages"] - below["pages"]), 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--module", required=True, help="the generated connector package")
    parser.add_argument("--prefix", required=True, help="its classes' prefix: <prefix>Client, <prefix>Options")
    parser.add_argument("--pages", type=_numbers, default=[10, 100, 1000])
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from importlib.metadata import version

    import requests
    import urllib3

    figure = measure(args.module, args.prefix, args.pages, args.per_page, args.workdir)
    figure["versions"] = {
        "openmetadata-ingestion": version("openmetadata-ingestion"),
        "requests": requests.__version__,
        "urllib3": urllib3.__version__,
    }
    args.out.write_text(json.dumps(figure, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
