"""Check one generated project in one interpreter start (importing OpenMetadata costs seconds).

Run from the project folder with the shared virtualenv's Python::

    python project_check.py MYPY_CACHE_DIR

It runs the project's own tests, the local run of each of its workflow configs (as
``make run-local`` does), then the checks of its CI (``make lint``: ruff, ruff format,
mypy), and writes what happened to ``project-check.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
