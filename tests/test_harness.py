"""The local harness's own tests (tests/harness/), once per release, against the template's copy.

The harness is copied verbatim into every generated repository; its tests live here and
run once per tested release, in that release's shared virtualenv, with the template's
copy first on the path: generated repositories keep only the tests of their connector.
"""

from __future__ import annotations

import pytest

from .conftest import HARNESS, TEMPLATE, SharedVenv
from .test_generated_projects import RELEASES


@pytest.mark.parametrize("release", RELEASES)
def test_the_harness_passes_its_tests(release: str) -> None:
    venv = SharedVenv(release).ensure()
    completed = venv.run(
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(TEMPLATE / "tests" / "harness"),
        cwd=TEMPLATE / "tests" / "harness",
        # No bytecode beside the template's copy: cookiecutter would copy it into projects.
        env={"PYTHONPATH": str(HARNESS), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert completed.returncode == 0, completed.stdout[-8000:] + completed.stderr[-3000:]
