"""results.json, and the results and headline sections of README.md, from one set of figures."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import project

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE / "README.md"
NOT_MEASURED = "_Not measured yet: run `make bench`._"
FIGURES = ("bake", "scaffold", "runtime", "suite", "client_styles")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "cpu": _cpu(),
        "os": platform.platform(),
        "python": _output([project.system_python(), "--version"]).removeprefix("Python "),
        "cookiecutter": version("cookiecutter"),
        "uv": _output([project.uv(), "--version"]).removeprefix("uv "),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
    }


def _memory_gib() -> float | None:
    try:
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    except OSError:
        return None
    return round(int(found.group(1)) / 2**20, 1) if found else None


def _cpu() -> str:
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    except OSError:
        found = None
    return found.group(1).strip() if found else platform.processor()


def _output(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()


def save(figures: dict[str, Any], run_info: dict[str, Any]) -> dict[str, Any]:
    """Merge this run's figures into results.json (figures not run keep their earlier values)."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"figures": {}}
    date = run_info["machine"]["date"]
    if "make_test_seconds" in run_info:
        results["make_test_measured"] = {"seconds": run_info.pop("make_test_seconds"), "recorded": date}
    if figures:
        results["machine"] = run_info["machine"]
        results["last_run"] = {"date": date, **{key: value for key, value in run_info.items() if key != "machine"}}
        if len(figures) == len(FIGURES):
            results["full_run"] = results["last_run"]
    for name, figure in figures.items():
        results["figures"][name] = {"measured_at": date, **figure}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    _write_sections(results)
    return results


def _write_sections(results: dict[str, Any]) -> None:
    text = README.read_text()
    for name, body in (("headline", headline(results)), ("results", tables(results))):
        text = _replace_section(text, name, body)
    README.write_text(text)


def _replace_section(text: str, name: str, body: str) -> str:
    """Replace what is between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    before, found, rest = text.partition(start)
    if not found:
        raise RuntimeError(f"{README} has no {start.strip()} marker")
    return f"{before}{start}{body}\n{end}{rest.partition(end)[2]}"


def tables(results: dict[str, Any]) -> str:
    figures = results["figures"]
    if "suite" in figures and "make_test_measured" in results:
        figures = {**figures, "suite": {**figures["suite"], "make_test_measured": results["make_test_measured"]}}
    return "\n\n".join([_machine_table(results), *(_section(name, figures.get(name)) for name in FIGURES)])


def _section(name: str, figure: dict[str, Any] | None) -> str:
    if figure is None:
        return f"### {name}\n\n{NOT_MEASURED}"
    renderers = {
        "bake": _bake,
        "scaffold": _scaffold,
        "runtime": _runtime,
        "suite": _suite,
        "client_styles": _client_styles,
    }
    return f"{renderers[name](figure)}\n\n_Measured {figure['measured_at']}._"


def _machine_table(results: dict[str, Any]) -> str:
    info = results["machine"]
    runtime = results["figures"].get("runtime", {})
    rows = [
        ("date (UTC)", info["date"]),
        ("cores", info["cores"]),
        ("memory", f"{info['memory_gib']} GiB"),
        ("CPU", info["cpu"]),
        ("OS", info["os"]),
        ("Python", info["python"]),
        ("openmetadata-ingestion", runtime.get("openmetadata_ingestion", "-")),
        ("pydantic", runtime.get("pydantic", "-")),
        ("cookiecutter / uv", f"{info['cookiecutter']} / {info['uv']}"),
        ("load average at the last run's start (1, 5, 15 min)", ", ".join(map(str, info["load_average_at_start"]))),
        *_run_rows(results),
    ]
    return "### Machine\n\n| | |\n|---|---|\n" + "\n".join(f"| {key} | {value} |" for key, value in rows)


def _run_rows(results: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, label in (("full_run", "last full run"), ("last_run", "last run")):
        run = results.get(key)
        if run and (key == "full_run" or run != results.get("full_run")):
            rows.append((label, f"{run['date']}, `{run['arguments']}`, {run['wall_seconds'] / 60:.1f} min"))
    return rows


def _bake(figure: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"### Bake (`cookiecutter --no-input`, default connector, median of {figure['runs']})",
            "",
            "| | median | runs |",
            "|---|---|---|",
            f"| with hooks | {_s(figure['with_hooks'])} | {_runs(figure['with_hooks'])} |",
            f"| `--accept-hooks no` | {_s(figure['without_hooks'])} | {_runs(figure['without_hooks'])} |",
            f"| `cookiecutter --version` (CLI start-up alone) | {_s(figure['cli_startup'])} | |",
            f"| **hooks add** (median of per-pair ratios) | **{figure['hook_overhead_percent']:+.0f}%** "
            f"(ratio of medians {figure['hooks_ratio_of_medians']}) | goal: under {figure['goal_percent']}% |",
        ]
    )


def _scaffold(figure: dict[str, Any]) -> str:
    pip, uv = figure["pip"], figure["uv"]
    rows = [
        ("bake", "bake"),
        ("create the venv", "venv"),
        ("`make install`", "install"),
        ('`python -c "import metadata"`, first in the venv', "first_import"),
        ("`make test`", "tests"),
        ('`python -c "import metadata"` again (warm)', "warm_import"),
        ("**to green** (bake + venv + install + tests + first - warm import)", "green"),
    ]
    lines = [
        f"### Scaffold to green (fresh venv, median of {figure['runs']} per installer)",
        "",
        "| phase | pip | uv |",
        "|---|---|---|",
        *(f"| {label} | {_s(pip[key])} | {_s(uv[key])} |" for label, key in rows),
    ]
    for share in pip["shares"]:
        lines.append(f"| share: {share} | {pip['shares'][share]:.0%} | {uv['shares'][share]:.0%} |")
    lines.append(f"| **pip / uv** | {figure['pip_vs_uv']}x | |")
    return "\n".join(lines)


def _runtime(figure: dict[str, Any]) -> str:
    csv = figure["csv_example"]
    lines = [
        "### CSV example (rows of 5 columns; time: median of interleaved rounds)",
        "",
        "| rows | approach | rows/s | µs/row | per row vs floor | peak memory |",
        "|---|---|---|---|---|---|",
    ]
    for size, measured in csv["sizes"].items():
        for name in ("floor", "source", "load_all"):
            lines.append(_csv_row(int(size), name, measured))
    traced = csv["source_traced"]
    lines += [
        "",
        f"The source's own memory (`tracemalloc`, {traced['rows']:,} rows): "
        f"**{traced['bytes_per_row']:.0f} bytes/row** ({traced['peak_bytes'] / 2**20:.2f} MB peak; "
        "goal: under 150 bytes/row).",
    ]
    if "local_run" in figure:
        lines += ["", _local_run(figure["local_run"])]
    return "\n".join(lines)


def _csv_row(size: int, name: str, measured: dict[str, Any]) -> str:
    figures = measured[name]
    ratio = {"floor": "1", "source": measured.get("source_vs_floor"), "load_all": measured.get("load_all_vs_floor")}[
        name
    ]
    if name == "floor":
        memory = "keeps nothing"
    elif name == "source":
        memory = f"RSS +{figures['peak_rss_growth_mb']} MB ({figures['peak_rss_bytes_per_row']} B/row)"
    else:
        memory = f"its list: {figures['traced_peak_mb']} MB ({figures['traced_bytes_per_row']} B/row, traced)"
    if "rows_per_second" not in figures:
        return f"| {size:,} | {name} | (per-row time as above) | | | {memory} |"
    return (
        f"| {size:,} | {name} | {figures['rows_per_second']:,} | {figures['us_per_row']} | "
        f"{ratio if ratio else '-'} | {memory} |"
    )


def _local_run(figure: dict[str, Any]) -> str:
    workflow, source = figure["workflow"], figure["source"]
    return "\n".join(
        [
            f"### Local run ({figure['rows']:,} rows, once; `local_harness.run` against the stand-in)",
            "",
            "| | seconds | rows/s |",
            "|---|---|---|",
            f"| whole workflow (source, sink, HTTP, stand-in{_deletion(figure)}) | {_s(workflow['seconds'])} "
            f"| {workflow['rows_per_second']:,} |",
            f"| source alone (`_iter`) | {_s(source['seconds'])} | {source['rows_per_second']:,} |",
            f"| **workflow / source** | **{figure['workflow_vs_source']}x** | |",
            f"| peak RSS growth of the run | {workflow['peak_rss_growth_mb']} MB | |",
        ]
    )


def _deletion(figure: dict[str, Any]) -> str:
    return ", `markDeletedTables` pass" if figure.get("mark_deleted_tables") else ""


def _client_styles(figure: dict[str, Any]) -> str:
    from benchmarks.client_styles import rest_table, sql_table  # its tables, as it prints them

    releases = figure["releases"]
    return "\n".join(
        [
            "### Client styles",
            "",
            "REST client (`rest_api`), every record of a collection of the example API, read page by page "
            "(`tracemalloc` peak above the start):",
            "",
            rest_table(releases),
            "",
            "SQLAlchemy client (`sqlalchemy`), statements to reflect one SQLite schema of N tables (and N/100 views):",
            "",
            sql_table(releases),
        ]
    )


def _suite(figure: dict[str, Any]) -> str:
    growth = figure["test_generation"]
    by_cases = ", ".join(f"{cases} case(s): {seconds:.1f} s" for cases, seconds in growth["seconds_by_cases"].items())
    lines = [
        "### The template's test suite (serial parts, then extrapolated)",
        "",
        "| | |",
        "|---|---|",
        f"| `tests/test_generation.py -k` on the first k cases | {by_cases} |",
        f"| growth per case (one bake + its checks) | {growth['seconds_per_case']} s |",
    ]
    if "bake_seconds" in figure:
        lines.append(f"| a bake of the working copy, as the suite bakes (median of 3) | {figure['bake_seconds']} s |")
    if figure.get("other_static_seconds") is not None:
        lines.append(
            f"| hooks, IDE, shipping, AGENTS.md and cruft tests, once (no shared venv) | "
            f"{figure['other_static_seconds']:.0f} s |"
        )
    if "project_check" in figure:
        check = figure["project_check"]
        lines += [
            f"| one generated project's check (tests, local runs, ruff, mypy; warm mypy cache) | {check['check']} s |",
            f"| its mypy alone: new cache / warm cache | {check['mypy_new_cache']} s / {check['mypy_warm_cache']} s |",
        ]
        lines += _estimate_rows(figure["estimate"])
    if figure.get("failing_tests"):
        tests = Counter(name.split("::")[-1].split("[")[0] for name in figure["failing_tests"])
        names = ", ".join(f"`{test}` ({count} case{'s' if count > 1 else ''})" for test, count in tests.items())
        lines.append(f"| tests failing when measured (timed all the same) | {names} |")
    if "make_test_measured" in figure:
        measured = figure["make_test_measured"]
        lines.append(
            f"| full `make test`, measured ({measured['recorded'][:10]}) | {measured['seconds'] / 60:.1f} min |"
        )
    return "\n".join(lines)


def _estimate_rows(estimate: dict[str, Any]) -> list[str]:
    projects = ", ".join(f"{release}: {count}" for release, count in estimate["projects_per_release"].items())
    return [
        f"| generated projects per release | {projects} |",
        f"| **extrapolated** full suite, one core | {estimate['full_suite_serial_seconds'] / 60:.1f} min |",
        f"| **extrapolated** full suite, two workers on two cores (ideal) | "
        f"{estimate['full_suite_two_cores_seconds'] / 60:.1f} min |",
        f"| a machine's first run adds (new mypy caches, two per release) | "
        f"{estimate['first_run_extra_seconds'] / 60:.1f} min |",
        f"| each added matrix case / generated project (serial) | {estimate['per_added_case_seconds']} s / "
        f"{estimate['per_added_generated_project_seconds']} s |",
        f"| not in the estimate | {estimate['not_included']} |",
    ]


def headline(results: dict[str, Any]) -> str:
    """The paragraph the repository README can quote."""
    figures = results["figures"]
    sentences = []
    if "bake" in figures:
        bake = figures["bake"]
        sentences.append(
            f"Generating a connector takes {bake['with_hooks']['median']:.1f} s "
            f"(`cookiecutter --no-input`; the hooks' checks add {bake['hook_overhead_percent']:.0f}%)."
        )
    if "scaffold" in figures:
        scaffold = figures["scaffold"]
        sentences.append(
            f"From nothing to a green test run in a fresh virtualenv takes {scaffold['uv']['green']['median']:.0f} s "
            f"with uv and {scaffold['pip']['green']['median']:.0f} s with pip; every Python process that imports "
            f"OpenMetadata pays {scaffold['pip']['warm_import']['median']:.0f} s for `import metadata` alone "
            f"(the first in a uv venv {scaffold['uv']['first_import']['median']:.0f} s: uv writes no bytecode)."
        )
    if "runtime" in figures:
        sentences.append(_runtime_headline(figures["runtime"]))
    if "client_styles" in figures:
        sentences.append(_client_styles_headline(figures["client_styles"]))
    machine = results["machine"]
    sentences.append(
        f"(Measured {machine['date'][:10]} on {machine['cores']} shared cores, Python {machine['python']}, "
        f"openmetadata-ingestion {figures.get('runtime', {}).get('openmetadata_ingestion', '?')}; "
        "`make bench` reproduces them.)"
    )
    return " ".join(sentences)


def _runtime_headline(runtime: dict[str, Any]) -> str:
    csv = runtime["csv_example"]
    largest = max(csv["sizes"], key=int)
    measured, traced = csv["sizes"][largest], csv["source_traced"]
    text = (
        f"The CSV example streams {int(largest):,} tables at {measured['source']['rows_per_second']:,} rows/s, "
        f"{measured['source_vs_floor']:.2f}x the cost of building the same OpenMetadata models alone, and holds "
        f"{traced['bytes_per_row']:.0f} bytes per row ({traced['rows']:,} rows, traced); reading the file into "
        f"a list first, as OpenMetadata's demo does, holds {measured['load_all']['traced_bytes_per_row']:,}."
    )
    if "local_run" in runtime:
        local = runtime["local_run"]
        text += (
            f" Through OpenMetadata's whole workflow against the local stand-in server it runs at "
            f"{local['workflow']['rows_per_second']:,} rows/s ({local['workflow_vs_source']}x the source alone)."
        )
    return text


def _client_styles_headline(figure: dict[str, Any]) -> str:
    releases = figure["releases"]
    rest = releases[0]["rest_pagination"]
    pages = sorted(rest["sizes"].values(), key=lambda size: size["pages"])
    text = (
        f"The REST client streams: reading {pages[-1]['pages']:,} pages ({pages[-1]['records']:,} records) "
        f"peaks at {pages[-1]['peak_traced_bytes'] / 1024:,.0f} KiB of Python memory, against "
        f"{pages[-2]['peak_traced_bytes'] / 1024:,.0f} KiB for {pages[-2]['pages']:,} pages"
    )
    if "peak_bytes_per_added_page" in rest:
        text += f" ({rest['peak_bytes_per_added_page']:,} bytes per added page)"
    reflections = " and ".join(
        f"{release['sql_reflection']['per_table_or_view']} plus {release['sql_reflection']['per_schema_fixed']} "
        f"on SQLAlchemy {release['sql_reflection']['versions']['sqlalchemy']}"
        for release in releases
    )
    return (
        f"{text}. To reflect an SQLite schema the SQLAlchemy client runs statements per table or view plus per "
        f"schema: {reflections}; SQLite has no bulk reflection, so they grow with the tables there whichever "
        "SQLAlchemy runs."
    )


def _s(summary: dict[str, Any]) -> str:
    return f"{summary['median']:.2f} s"


def _runs(summary: dict[str, Any]) -> str:
    return ", ".join(f"{value:.2f}" for value in summary["runs"])
