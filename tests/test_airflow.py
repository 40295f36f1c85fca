"""The generated Airflow DAG under the real Apache Airflow that OpenMetadata pairs with the
newest release (``openmetadata-ingestion[airflow]``), against the stand-in server.

A shared virtualenv with the ``airflow`` extra, a temporary ``AIRFLOW_HOME``, ``airflow db
migrate`` then ``airflow dags test``: the DAG's one task runs the connector's workflow
config through OpenMetadata's workflow, pointed at ``python -m local_harness serve``.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from .conftest import NEWEST_RELEASE, SharedVenv, bake
from .test_generated_projects import _free_port, _wait_for_port


def test_the_dag_runs_the_connector_under_real_airflow(tmp_path: Path) -> None:
    venv = SharedVenv(NEWEST_RELEASE, extras="[airflow]").ensure()
    baked = bake(tmp_path / "bake", client_style="plain", package_name="acme-airflow", module_name="acme_airflow")
    assert baked.returncode == 0, baked.stderr
    project = baked.project
    venv.install(project, project / "local-harness")

    port = _free_port()
    token = venv.run("-c", "from local_harness.auth import local_token; print(local_token())", cwd=project)
    config = tmp_path / "connector.yaml"
    config.write_text((project / "connector.yaml").read_text().replace("localhost:8585", f"localhost:{port}"))
    airflow_home = tmp_path / "airflow"
    env = {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(project / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "ACME_AIRFLOW_CONFIG": str(config),
        "OPENMETADATA_JWT_TOKEN": token.stdout.strip(),
        "PATH": f"{venv.python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    airflow = str(venv.python.parent / "airflow")
    migrate = subprocess.run(
        [airflow, "db", "migrate"], env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]

    server = subprocess.Popen(
        [str(venv.python), "-m", "local_harness", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(port, server)
        run = subprocess.run(
            [airflow, "dags", "test", "acme_airflow_ingestion"],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=600,
            cwd=project,
        )
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C: the stand-in prints what it holds
        output, _ = server.communicate(timeout=30)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "success" in (run.stdout + run.stderr).lower()
    assert "acme_airflow.analytics" in output, output[-3000:]
