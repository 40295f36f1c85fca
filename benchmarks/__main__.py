"""``make bench``: measure every figure, write results.json and the tables of README.md.

    python -m benchmarks [--quick] [--only bake,scaffold,runtime,suite,client_styles] [--python PATH]

Run from the template's root with its dev venv's Python. Everything is generated and
installed under a temporary directory, deleted at the end (each venv is ~540 MB), from a
clean copy of the template (``project.use_clean_copy``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import bake, client_styles, project, report, scaffold, suite
from benchmarks.measure import log, run_streamed
from benchmarks.project import TEMPLATE, RuntimeEnv

FIGURES = report.FIGURES


@dataclass(frozen=True)
class Sizes:
    """How much of each figure to run: the full run, or ``--quick``."""

    bake_runs: int
    scaffold_runs: int
    csv_sizes: tuple[int, ...]
    csv_rounds: tuple[int, ...]
    load_all_rounds: tuple[int, ...]
    traced_rows: int
    suite_cases: tuple[int, ...]


FULL = Sizes(20, 2, (10_000, 100_000), (3, 1), (2, 0), 10_000, (2, 4, 8))
QUICK = Sizes(8, 1, (10_000,), (2,), (1,), 2_000, (1, 2, 4))


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller files (a few minutes)")
    parser.add_argument("--only", default=",".join(FIGURES), help=f"comma-separated figures of {', '.join(FIGURES)}")
    parser.add_argument(
        "--python",
        type=Path,
        help="for runtime/suite without scaffold: a Python with openmetadata-ingestion, where the bench "
        "project is installed with --no-deps (and uninstalled after) instead of building a new venv",
    )
    parser.add_argument(
        "--styles-python",
        type=Path,
        action="append",
        help="for client_styles: a Python with openmetadata-ingestion (repeat it: one per release); "
        f"by default a new venv per release of {', '.join(client_styles.RELEASES)} (the runtime one reused)",
    )
    parser.add_argument("--workdir", type=Path, help="where the temporary directory goes (default: the system's)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--make-test-seconds",
        type=float,
        help="record a measured wall time of the full `make test` (with --only '' to record only that)",
    )
    args = parser.parse_args(argv)
    args.figures = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.figures) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    return args


def runtime_figure(env: RuntimeEnv, workdir: Path, sizes: Sizes) -> dict[str, Any]:
    out = workdir / "runtime.json"
    command = env.command(
        "-m",
        "benchmarks.runtime",
        "--project",
        env.project,
        "--workdir",
        workdir,
        "--sizes",
        ",".join(map(str, sizes.csv_sizes)),
        "--rounds",
        ",".join(map(str, sizes.csv_rounds)),
        "--load-all-rounds",
        ",".join(map(str, sizes.load_all_rounds)),
        "--traced-rows",
        str(sizes.traced_rows),
        "--out",
        out,
    )
    run_streamed(command, cwd=TEMPLATE, env=env.env(), log_file=workdir / "runtime.log")
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def styles_pythons(args: argparse.Namespace, env: RuntimeEnv | None, workdir: Path) -> list[Path]:
    """A Python per release of ``client_styles.RELEASES``: ``--styles-python``, else the run-time
    venv where it has that release, else a new venv (the project's ``make install`` with uv)."""
    if args.styles_python:
        return list(args.styles_python)
    pythons = []
    for release in client_styles.RELEASES:
        if env is not None and env.release().startswith(release):
            pythons.append(env.python)
        else:
            log(f"preparing a virtualenv with openmetadata-ingestion {release} (not measured)")
            pythons.append(project.runtime_env(workdir, None, release).python)
    return pythons


def measure(args: argparse.Namespace, sizes: Sizes, workdir: Path, figures: dict[str, Any]) -> None:
    """Each figure into ``figures`` as soon as it is measured (kept if a later one fails)."""
    project.use_clean_copy(workdir)
    if "bake" in args.figures:
        figures["bake"] = bake.measure(workdir / "bake", sizes.bake_runs)
    needs_env = bool({"runtime", "suite"} & set(args.figures))
    env: RuntimeEnv | None = None
    try:
        if "scaffold" in args.figures:
            figures["scaffold"], kept = scaffold.measure(workdir / "scaffold", sizes.scaffold_runs, needs_env)
            env = RuntimeEnv(kept / ".venv" / "bin" / "python", kept) if kept else None
        if needs_env and env is None:
            log("preparing a virtualenv for the run-time figures (not measured)")
            env = project.runtime_env(workdir, args.python)
        if "runtime" in args.figures and env is not None:
            figures["runtime"] = runtime_figure(env, workdir, sizes)
        if "suite" in args.figures:
            figures["suite"] = suite.measure(env, workdir, list(sizes.suite_cases), args.quick)
        if "client_styles" in args.figures:
            pythons = styles_pythons(args, env, workdir)
            figures["client_styles"] = client_styles.measure(pythons, workdir / "client-styles", args.quick)
    finally:
        if env is not None:
            env.cleanup()


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sizes = QUICK if args.quick else FULL
    info: dict[str, Any] = {
        "machine": report.machine(),
        "arguments": " ".join(sys.argv[1:] if argv is None else argv) or "(full)",
    }
    workdir = Path(tempfile.mkdtemp(prefix="om-bench-", dir=args.workdir))
    start = time.perf_counter()
    figures: dict[str, Any] = {}
    try:
        measure(args, sizes, workdir, figures)
    except BaseException:
        if figures:
            stopped = f"{info['arguments']} (stopped by an error after {', '.join(figures)})"
            report.save(figures, info | {"arguments": stopped, "wall_seconds": round(time.perf_counter() - start)})
            log(f"failed; what was measured before is saved: {', '.join(figures)}")
        raise
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    info["wall_seconds"] = round(time.perf_counter() - start)
    if args.make_test_seconds:
        info["make_test_seconds"] = args.make_test_seconds
    report.save(figures, info)
    log(f"done in {info['wall_seconds'] / 60:.1f} min: {report.RESULTS} and {report.README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
