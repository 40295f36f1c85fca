"""Figure: the client styles. REST pagination memory, SQLAlchemy reflection statements.

``make bench`` measures it against both ends of the supported releases, each in a venv
of its own (``RELEASES``: SQLAlchemy 2.0 comes with openmetadata-ingestion 2.0, 1.4 with
the earlier releases). On its own, from the template's root with its dev venv's Python,
once per openmetadata-ingestion virtualenv to measure::

    python -m benchmarks.client_styles --python /path/to/venv-2.0/bin/python \
        [--python /path/to/venv-1.5/bin/python] [--quick] [--out FILE]

For each Python it bakes a ``rest_api`` and a ``sqlalchemy`` database connector for the
release installed there, installs them ``--no-deps`` (uninstalled at the end), and runs
``benchmarks.rest_pagination`` and ``benchmarks.sql_reflection`` in that Python. It prints
a Markdown table of each and writes every number to ``--out`` (JSON).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import clean_env, log, run
from benchmarks.project import TEMPLATE, bake, uv

# The newest and the oldest release the template supports: SQLAlchemy 2.0 and 1.4.
RELEASES = ("2.0.6", "1.5.15.2")


@dataclass(frozen=True)
class Sizes:
    pages: str
    tables: str


# Three page counts: past ~130 pages urllib.parse's URL cache is full, and the two largest
# show what each added page holds. 1,000 pages take seconds, 1,000 tables less.
FULL = Sizes(pages="10,100,1000", tables="10,100,1000")
QUICK = Sizes(pages="10,100,1000", tables="10,1000")


def installed_release(python: Path) -> str:
    code = "from importlib.metadata import version; print(version('openmetadata-ingestion'))"
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True, env=clean_env()
    ).stdout.strip()


def bake_style(workdir: Path, style: str, release: str) -> tuple[Path, str, str]:
    """A database connector of ``style`` for ``release``: (project, module path, class prefix)."""
    tag = release.replace(".", "")[:3]
    short = "rest" if style == "rest_api" else "sql"
    module, prefix = f"bench_{short}_{tag}", f"Bench{short.title()}{tag}"
    context = {
        "connector_name": f"Bench {short} {tag}",
        "package_name": module.replace("_", "-"),
        "module_name": module,
        "class_name": f"{prefix}Source",
        "service_type": "database",
        "client_style": style,
        "openmetadata_version": release,
    }
    bake(workdir, context=context)
    return workdir / context["package_name"], f"metadata.ingestion.source.database.{module}", prefix


def measure_python(python: Path, workdir: Path, sizes: Sizes) -> dict[str, Any]:
    release = installed_release(python)
    log(f"client styles: {python}: openmetadata-ingestion {release}")
    rest, rest_module, rest_prefix = bake_style(workdir / "rest", "rest_api", release)
    sql, sql_module, sql_prefix = bake_style(workdir / "sql", "sqlalchemy", release)
    packages = [rest.name, sql.name]
    run([uv(), "pip", "install", "--quiet", "--no-deps", "--python", str(python), str(rest), str(sql)], cwd=workdir)
    try:
        env = clean_env(PYTHONPATH=str(rest / "local-harness"))
        figures: dict[str, Any] = {}
        for name, module, prefix, extra in (
            ("rest_pagination", rest_module, rest_prefix, ["--pages", sizes.pages]),
            ("sql_reflection", sql_module, sql_prefix, ["--tables", sizes.tables]),
        ):
            out = workdir / f"{name}.json"
            command: list[str | Path] = [python, "-m", f"benchmarks.{name}", "--module", module]
            command += ["--prefix", prefix, *extra, "--workdir", workdir, "--out", out]
            run(command, cwd=TEMPLATE, env=env)
            figures[name] = json.loads(out.read_text(encoding="utf-8"))
        return {"openmetadata_ingestion": release, **figures}
    finally:
        run([uv(), "pip", "uninstall", "--quiet", "--python", str(python), *packages], cwd=workdir)


def measure(pythons: list[Path], workdir: Path, quick: bool) -> dict[str, Any]:
    """The figure: one entry per Python (per release), in the order given."""
    sizes = QUICK if quick else FULL
    results = [measure_python(python, workdir / f"python-{index}", sizes) for index, python in enumerate(pythons)]
    return {"pages": sizes.pages, "tables": sizes.tables, "releases": results}


def rest_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| openmetadata-ingestion | pages (x records per page) | records | records/s | peak traced memory |",
        "|---|---|---|---|---|",
    ]
    for result in results:
        figure = result["rest_pagination"]
        for size in figure["sizes"].values():
            lines.append(
                f"| {result['openmetadata_ingestion']} | {size['pages']:,} (x {figure['per_page']}) | "
                f"{size['records']:,} | {size['records_per_second']:,} | {size['peak_traced_bytes'] / 1024:,.0f} KiB |"
            )
        if "peak_ratio_largest_to_next" in figure:
            lines.append(
                f"| | **two largest: peak ratio, bytes per added page** | | | "
                f"**{figure['peak_ratio_largest_to_next']}x, {figure['peak_bytes_per_added_page']:,} B** |"
            )
        lines.append(
            f"| | largest / smallest peak (the URL cache filling) | | | {figure['peak_ratio_largest_to_smallest']}x |"
        )
    return "\n".join(lines)


def sql_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| SQLAlchemy (openmetadata-ingestion) | tables + views | statements for the schema "
        "| per table or view | fixed per schema | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        figure = result["sql_reflection"]
        versions = f"{figure['versions']['sqlalchemy']} ({result['openmetadata_ingestion']})"
        for size in figure["sizes"].values():
            lines.append(
                f"| {versions} | {size['records']:,} | {size['statements']['schema_tables']:,} | "
                f"{figure['per_table_or_view']} | {figure['per_schema_fixed']} | {size['seconds']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.client_styles", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python", type=Path, action="append", required=True, help="a Python with openmetadata-ingestion"
    )
    parser.add_argument("--quick", action="store_true", help="two schema sizes instead of three")
    parser.add_argument("--out", type=Path, help="write every number here (JSON)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="om-bench-styles-"))
    try:
        project.use_clean_copy(workdir)
        figure = measure(args.python, workdir, args.quick)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n### REST client: pagination memory\n\n" + rest_table(figure["releases"]))
    print("\n### SQLAlchemy client: statements to reflect a schema (SQLite)\n\n" + sql_table(figure["releases"]))
    if args.out:
        args.out.write_text(json.dumps(figure, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
