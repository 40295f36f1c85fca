"""How a local run shows what it sent: a tree on the terminal, and a JSON report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

Redact = Callable[[str], str]


def print_result(
    tree: list[tuple[int, str, str]],
    status: dict[str, Any],
    failures: list[dict[str, str]],
    passed: bool,
    error: str | None,
    redact: Redact,
) -> None:
    """The entities as a tree under the service, then the status and every failure."""
    out = sys.stdout
    if error:
        print(redact(f"Invalid workflow config: {error}"), file=out)
        return
    print("\nEntities sent to OpenMetadata (stand-in server):", file=out)
    for depth, kind, fqn in tree:
        print(f"  {'  ' * depth}{kind:<16} {redact(fqn)}", file=out)
    if not tree:
        print("  (none)", file=out)
    print("\nStatus:", file=out)
    for step, numbers in status.items():
        if isinstance(numbers, dict):
            summary = ", ".join(f"{key} {value}" for key, value in numbers.items())
            print(f"  {step}: {summary}", file=out)
    for failure in failures:
        print(redact(f"  FAILED [{failure['step']}] {failure['name']}: {failure['error']}"), file=out)
    verdict = "passed" if passed else "FAILED (below successThreshold)"
    print(f"\nRun {verdict}.", file=out)


def write_report(path: Path, report: dict[str, Any], redact: Redact) -> None:
    """The report as JSON, secrets masked."""
    path.write_text(redact(json.dumps(report, indent=2)) + "\n", encoding="utf-8")
