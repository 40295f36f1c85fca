{%- set env_var = cookiecutter.module_name | upper ~ "_CONFIG" -%}
"""Airflow DAG that runs the {{ cookiecutter.class_name }} connector on a schedule.

The task runs OpenMetadata's ingestion workflow the way ``metadata ingest -c`` does:
it loads the workflow config (``${VAR}`` references expanded from the worker's
environment), then ``MetadataWorkflow.create(config)``, ``execute()``,
``raise_from_status()``, ``print_status()`` and ``stop()``.

To register it:

1. Install this package on the Airflow workers, next to ``openmetadata-ingestion``
   of the same release (the image of this repository's ``Dockerfile`` has both).
2. Copy this file into Airflow's dags folder, and the workflow config to the path
   in the ``{{ env_var }}`` environment variable of the workers (default:
   ``connector.yaml`` beside this file).
3. Give the workers the variables the config references, e.g.
   ``OPENMETADATA_JWT_TOKEN`` (the ingestion-bot token): never write secrets into
   the config.

On Kubernetes, a ``KubernetesPodOperator`` can run the image of ``make docker-build``
instead, with no Python install on the workers: ``image="{{ cookiecutter.package_name }}:<tag>"``,
``cmds=["metadata", "ingest", "-c", "/config/connector.yaml"]``, the config mounted from
a ConfigMap and the token passed from a Secret as ``OPENMETADATA_JWT_TOKEN``.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airflow import DAG

DAG_ID = "{{ cookiecutter.module_name }}_ingestion"
CONFIG_ENV_VAR = "{{ env_var }}"
DEFAULT_CONFIG = Path(__file__).with_name("connector.yaml")


def config_path() -> Path:
    """The workflow config: the path in ``{{ env_var }}``, else the one beside this file."""
    return Path(os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG)


def run_ingestion() -> None:
    """Run the workflow config through OpenMetadata's ingestion workflow."""
    # Imported here, not at the top: importing `metadata` takes seconds, and Airflow
    # parses this file often and with a time limit.
    from metadata.config.common import load_config_file
    from metadata.workflow.metadata import MetadataWorkflow

    config = load_config_file(config_path())
    workflow = MetadataWorkflow.create(config)
    try:
        workflow.execute()
        workflow.raise_from_status()
        workflow.print_status()
    finally:
        workflow.stop()


def build_dag() -> DAG | None:
    """The DAG, or None where Airflow is not installed (linters, tests, IDEs)."""
    try:
        from airflow import DAG
    except ImportError:
        return None
    try:  # Airflow 3
        from airflow.providers.standard.operators.python import PythonOperator
    except ImportError:  # Airflow 2
        from airflow.operators.python import PythonOperator

    with DAG(
        dag_id=DAG_ID,
        doc_md=__doc__,
        schedule="@daily",
        start_date=datetime(2024, 1, 1),
        catchup=False,
        default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
        tags=["openmetadata", "{{ cookiecutter.service_type }}"],
    ) as dag:
        PythonOperator(task_id="ingest_metadata", python_callable=run_ingestion)
    return dag


dag = build_dag()
