"""Timing helpers shared by every figure: standard library only, so that both the
template's dev venv and a venv with openmetadata-ingestion can import them."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    """Wall time of ``action()`` in seconds, after a full garbage collection, and its result."""
    gc.collect()
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


class PeakRss:
    """Peak resident memory of this process during a block, above where it started (Linux only).

    Resets the kernel's high-water mark (``/proc/self/clear_refs``) instead of tracing
    allocations, so it costs nothing while the block runs; it counts every allocator
    (pydantic-core's too), in pages, and memory freed earlier and reused is not counted.
    """

    def __enter__(self) -> PeakRss:
        gc.collect()
        _trim_malloc()
        self.start = self.peak = _status_kib("VmRSS")
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            self.start = None
        return self

    def __exit__(self, *exc: object) -> None:
        peak = _status_kib("VmHWM")
        self.peak = peak

    @property
    def grown_bytes(self) -> int | None:
        if self.start is None or self.peak is None:
            return None
        return max(0, self.peak - self.start) * 1024


def _status_kib(field: str) -> int | None:
    try:
        found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) if found else None


def _trim_malloc() -> None:
    """Give freed memory back to the system, so that a block's growth is its own (glibc)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def summary(values: Sequence[float]) -> dict[str, Any]:
    """The median, with every run kept, rounded for reading."""
    return {"median": round(median(values), 4), "runs": [round(value, 4) for value in values]}


def ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 3)


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Median of the per-round ratios: runs of one round share the machine's state of the moment."""
    return round(median([a / b for a, b in zip(numerators, denominators, strict=True)]), 3)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the caller's venv, make or pytest state, plus ``extra``.

    ``PYTHONDONTWRITEBYTECODE`` goes too: users rarely set it, and with it every process of
    a uv-installed venv (uv writes no bytecode) compiles OpenMetadata again (~+7 s).
    """
    dropped = (
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONDONTWRITEBYTECODE",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
        "CONDA_PREFIX",
    )
    env = {key: value for key, value in os.environ.items() if key not in dropped and not key.startswith("PYTEST_")}
    env.update(extra)
    return env


class CommandFailed(RuntimeError):
    """A measured command exited non-zero; the message holds the end of its output."""


def run(command: Sequence[str | Path], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 1800) -> float:
    """Run ``command`` to completion and return its wall time; output is kept only on failure."""
    start = time.perf_counter()
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        output = (completed.stdout[-3000:] + "\n" + completed.stderr[-3000:]).strip()
        raise CommandFailed(f"{' '.join(map(str, command))} exited {completed.returncode} in {cwd}:\n{output}")
    return elapsed


def run_streamed(command: Sequence[str | Path], cwd: Path, env: Mapping[str, str], log_file: Path) -> float:
    """Like ``run``, for a long child: its output goes to ``log_file``, its ``[bench`` lines
    to the terminal as they come."""
    start = time.perf_counter()
    with (
        log_file.open("w") as sink,
        subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as child,
    ):
        assert child.stdout is not None
        for line in child.stdout:
            sink.write(line)
            if line.startswith("[bench"):
                print(line, end="", flush=True)
    if child.returncode != 0:
        tail = log_file.read_text()[-4000:]
        raise CommandFailed(f"{' '.join(map(str, command))} exited {child.returncode}; end of {log_file}:\n{tail}")
    return time.perf_counter() - start


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)
