"""Run a workflow config through OpenMetadata's real ingestion workflow, without a server.

Everything is OpenMetadata's own (config parsing, the ``sourcePythonClass`` import,
the source, the ``metadata-rest`` sink, the status and success threshold) except the
server, which is the in-process stand-in of ``om_local.stand_in`` on loopback::

    python -m om_local.run_local connector.yaml [--report report.json]

Prints the entities the run created as a tree under the service, then the status.
Exit status: 0 when the run passes its success threshold, 1 when it does not,
2 when the config cannot be used. Secrets are never printed nor written.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metadata.config.common import ConfigurationError, WorkflowExecutionError, load_config_file
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.workflow.metadata import MetadataWorkflow

from om_local.stand_in import StandIn, entity_tree

SECRET_KEY = re.compile(r"pass|secret|token|key|credential|auth", re.IGNORECASE)
MASK = "******"


@dataclass
class RunResult:
    """What a local run produced; ``report`` is the JSON written by ``--report``."""

    passed: bool
    entities: list[dict[str, str]] = field(default_factory=list)
    tree: list[tuple[int, str, str]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def report(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "passed": self.passed,
            "entities": self.entities,
            "failures": self.failures,
            "status": self.status,
        }
        if self.error:
            report["error"] = self.error
        return report


class ConfigError(Exception):
    """The workflow config cannot be used; the message says why."""


def secrets_in(config: Any, key: str = "") -> Iterable[str]:
    """Values of the config that must never be shown: tokens, passwords, keys."""
    if isinstance(config, dict):
        for name, value in config.items():
            yield from secrets_in(value, name if isinstance(name, str) else "")
    elif isinstance(config, list):
        for value in config:
            yield from secrets_in(value, key)
    elif isinstance(config, str) and config and SECRET_KEY.search(key):
        yield config


class Redactor(logging.Filter):
    """Masks secret values in text and in every log record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg, record.args = self(record.getMessage()), None
        return True


def load_config(path: Path) -> dict[str, Any]:
    """Load like ``metadata ingest -c``: YAML or JSON, with ``${VAR}`` expanded."""
    try:
        config = load_config_file(path)
    except ConfigurationError as err:
        raise ConfigError(str(err)) from None
    except Exception as err:  # a YAML syntax error, an unreadable file
        raise ConfigError(f"Cannot read {path}: {err}") from None
    if not isinstance(config, dict):
        raise ConfigError(f"{path} does not hold a workflow config (a mapping)")
    return config


def run(config: dict[str, Any], server: StandIn) -> RunResult:
    """Run ``config`` through ``MetadataWorkflow`` against ``server``."""
    config = json.loads(json.dumps(config))  # never change the caller's config
    try:
        server_config = config["workflowConfig"]["openMetadataServerConfig"]
        server_config["hostPort"] = server.api_url
    except (KeyError, TypeError):
        raise ConfigError("workflowConfig.openMetadataServerConfig is missing") from None
    try:
        workflow_config = parse_workflow_config_gracefully(config).workflowConfig
    except Exception as err:  # OpenMetadata's own readable validation error
        raise ConfigError(str(err)) from None

    try:
        workflow = MetadataWorkflow.create(config)
    except Exception as err:  # the source class cannot be imported or created
        raise ConfigError(f"{type(err).__name__}: {err}") from None
    try:
        workflow.execute()
    finally:
        workflow.stop()  # flushes the sink, whose status is only final then

    steps = workflow.workflow_steps()
    failures = [
        {"step": step.name, "name": failure.name, "error": failure.error}
        for step in steps
        for failure in step.get_status().failures
    ]
    status: dict[str, Any] = {
        step.name.lower(): {
            "records": len(step.get_status().records),
            "updated_records": len(step.get_status().updated_records),
            "warnings": len(step.get_status().warnings),
            "filtered": len(step.get_status().filtered),
            "failures": len(step.get_status().failures),
            "success": step.get_status().calculate_success(),
        }
        for step in steps
    }
    try:  # OpenMetadata's own verdict: its success threshold, per step
        workflow.raise_from_status()
        passed = True
    except WorkflowExecutionError:
        passed = False
    # Releases before 1.6 have no successThreshold setting: their threshold is 90.
    status["success_threshold"] = getattr(workflow_config, "successThreshold", 90)
    tree = entity_tree(server.store)
    return RunResult(
        passed=passed,
        entities=[{"type": kind, "fqn": fqn} for _, kind, fqn in tree],
        tree=tree,
        failures=failures,
        status=status,
    )


def run_local(config_path: Path, report_path: Path | None = None) -> RunResult:
    """Load, run and print; the report (if asked for) is written whether it passes or not."""
    redact = Redactor([])
    try:
        config = load_config(config_path)
        redact = Redactor(secrets_in(config))
        _install(redact)
        with StandIn() as server:
            result = run(config, server)
    except ConfigError as err:
        result = RunResult(passed=False, error=str(err))
    finally:
        _uninstall(redact)
    _print(result, redact)
    if report_path is not None:
        text = redact(json.dumps(result.report, indent=2))
        report_path.write_text(text + "\n", encoding="utf-8")
    return result


def _install(redact: Redactor) -> None:
    for handler in _handlers():
        handler.addFilter(redact)


def _uninstall(redact: Redactor) -> None:
    for handler in _handlers():
        handler.removeFilter(redact)


def _handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [handler for logger in loggers for handler in logger.handlers]


def _print(result: RunResult, redact: Redactor) -> None:
    out = sys.stdout
    if result.error:
        print(redact(f"Invalid workflow config: {result.error}"), file=out)
        return
    print("\nEntities sent to OpenMetadata (stand-in server):", file=out)
    for depth, kind, fqn in result.tree:
        print(f"  {'  ' * depth}{kind:<16} {redact(fqn)}", file=out)
    if not result.tree:
        print("  (none)", file=out)
    print("\nStatus:", file=out)
    for step, numbers in result.status.items():
        if isinstance(numbers, dict):
            summary = ", ".join(f"{key} {value}" for key, value in numbers.items())
            print(f"  {step}: {summary}", file=out)
    for failure in result.failures:
        print(
            redact(f"  FAILED [{failure['step']}] {failure['name']}: {failure['error']}"), file=out
        )
    verdict = "passed" if result.passed else "FAILED (below successThreshold)"
    print(f"\nRun {verdict}.", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run a workflow config against a local stand-in server."
    )
    parser.add_argument("config", type=Path, help="workflow config (YAML or JSON)")
    parser.add_argument(
        "--report", type=Path, help="write the entities, failures and status as JSON"
    )
    args = parser.parse_args(argv)
    result = run_local(args.config, args.report)
    if result.error:
        return 2
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
