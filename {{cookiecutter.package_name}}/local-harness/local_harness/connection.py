"""Run a connector's connection steps against a workflow config, and say how each went.

OpenMetadata's automation runner finds a custom connector's ``get_connection`` and
``test_connection`` in the module named by ``sourcePythonClass``; this does the same,
locally and without a server::

    python -m local_harness test-connection connector.yaml

Exit status: 0 when every mandatory step passed, 1 when one failed, 2 when the config
or its options cannot be used (the message names what is wrong; no traceback).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from metadata.ingestion.api.parser import parse_workflow_config_gracefully

from local_harness.redaction import Redactor, secrets_in
from local_harness.runner import ConfigError, declared_secrets, load_config, local_environment
from local_harness.settings import load_settings


def _connection_functions(class_path: str) -> tuple[Any, Any]:
    module_path, _, _ = class_path.rpartition(".")
    try:
        module = importlib.import_module(module_path)
    except Exception as err:
        raise ConfigError(f"Cannot import {module_path} (sourcePythonClass): {err}") from None
    missing = [name for name in ("get_connection", "test_connection") if not hasattr(module, name)]
    if missing:
        raise ConfigError(f"{module_path} defines no {' and no '.join(missing)}")
    return module.get_connection, module.test_connection


def connection_steps(config: dict[str, Any]) -> list[dict[str, Any]]:
    """Each step's name, whether it is mandatory, whether it passed, and why not."""
    try:
        source = parse_workflow_config_gracefully(config).source
    except Exception as err:  # OpenMetadata's own readable validation error
        raise ConfigError(str(err)) from None
    service_connection = source.serviceConnection.root.config if source.serviceConnection else None
    class_path = getattr(service_connection, "sourcePythonClass", None)
    if not class_path:
        raise ConfigError("source.serviceConnection.config.sourcePythonClass is missing")
    get_connection, test_connection = _connection_functions(str(class_path))
    try:
        client = get_connection(service_connection)
    except Exception as err:  # bad options: the connector's message names them
        raise ConfigError(str(err)) from None
    result = test_connection(None, client, service_connection)
    return [
        {
            "name": step.name,
            "mandatory": bool(step.mandatory),
            "passed": bool(step.passed),
            "message": step.message,
            "error": step.errorLog,
        }
        for step in result.steps
    ]


def check_connection(config_path: Path) -> int:
    """Print each step's outcome; the exit status of ``test-connection``."""
    redact = Redactor([])
    try:
        with local_environment(load_settings(config_path.parent)):
            config = load_config(config_path)
            redact = Redactor(secrets_in(config, declared_secrets(config)))
            steps = connection_steps(config)
    except ConfigError as err:
        print(redact(f"Cannot test the connection: {err}"), file=sys.stdout)
        return 2
    for step in steps:
        outcome = "passed" if step["passed"] else "FAILED"
        kind = "" if step["mandatory"] else " (optional)"
        print(redact(f"{outcome:<7} {step['name']}{kind}"))
        if not step["passed"]:
            print(redact(f"        {step['message'] or ''} {step['error'] or ''}".rstrip()))
    failed = [step for step in steps if step["mandatory"] and not step["passed"]]
    print("Connection OK." if not failed else "Connection FAILED.")
    return 1 if failed else 0
