"""Figure: the bake. ``cookiecutter --no-input`` of the default connector through the real CLI
(a subprocess, as a user runs it), with the template's hooks and with ``--accept-hooks no``.

Both run the same rendering and the template's ``_extensions``; the difference is the
pre-generation hook (refuse bad input) and the post-generation hook (prune, check every
file). Runs alternate in pairs, the order flipping each pair; the overhead is the median of
the per-pair ratios (the ratio of the medians is kept too).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks import project
from benchmarks.measure import log, median, paired_ratio, ratio, run, summary


def bake_once(workdir: Path, name: str, hooks: bool) -> float:
    seconds = project.bake(workdir / name, hooks=hooks)
    if not (workdir / name / "my-awesome-connector" / "pyproject.toml").exists():
        raise RuntimeError(f"the bake {name} made no project")
    return seconds


def measure(workdir: Path, runs: int) -> dict[str, Any]:
    log(f"bake: {runs} runs with hooks, {runs} without, alternating (after one warm-up of each)")
    bake_once(workdir, "warm-up-hooks", True)
    bake_once(workdir, "warm-up-no-hooks", False)
    seconds: dict[bool, list[float]] = {True: [], False: []}
    for index in range(runs):
        for hooks in (True, False) if index % 2 == 0 else (False, True):
            seconds[hooks].append(bake_once(workdir, f"{index}-{'hooks' if hooks else 'no-hooks'}", hooks))
    hook_ratio = paired_ratio(seconds[True], seconds[False])
    startup = [run([sys.executable, "-m", "cookiecutter", "--version"], cwd=workdir) for _ in range(3)]
    return {
        "runs": runs,
        "with_hooks": summary(seconds[True]),
        "without_hooks": summary(seconds[False]),
        "hooks_ratio": hook_ratio,
        "hooks_ratio_of_medians": ratio(median(seconds[True]), median(seconds[False])),
        "hook_overhead_percent": round((hook_ratio - 1) * 100, 1),
        "goal_percent": 20,
        "cli_startup": summary(startup),  # `cookiecutter --version`: importing cookiecutter, no bake
    }
