"""Run a workflow config through OpenMetadata's real ingestion workflow, without a server.

Everything is OpenMetadata's own (config parsing, the ``sourcePythonClass`` import,
the source, the ``metadata-rest`` sink, the status and success threshold) except the
server, which is an in-process ``StandIn`` on loopback::

    python -m local_harness run connector.yaml [--report report.json] [--columns]

Prints what the run sent as a tree under the service, then the status. Exit status: 0
when the run passes its success threshold, 1 when it does not, 2 when the config
cannot be used. Secrets are never printed nor written.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metadata.config.common import ConfigurationError, WorkflowExecutionError, load_config_file
from metadata.ingestion.api.parser import parse_workflow_config_gracefully
from metadata.utils.importer import import_from_module
from metadata.workflow.metadata import MetadataWorkflow

from local_harness.auth import TOKEN_VARIABLE, local_token
from local_harness.examples import serve_example_system
from local_harness.redaction import Redactor, is_secret_key, secret_fields, secrets_in
from local_harness.report import (
    Row,
    entity_tree,
    print_result,
    report_entities,
    report_lineage,
    write_report,
)
from local_harness.server import StandIn
from local_harness.settings import Settings, load_settings


@dataclass
class RunResult:
    """What a local run produced; ``report`` is the JSON written by ``--report``.

    ``entities``: ``{"type", "fqn", "deleted", "entity"}`` of what the run sent (tree
    order); ``tree``: the rows ``report.print_result`` prints; ``lineage``: the edges by
    FQN; ``deleted``: the FQNs soft-deleted, in order; ``status``: per step, counts and
    success (%), and ``success_threshold``.
    """

    passed: bool
    entities: list[dict[str, Any]] = field(default_factory=list)
    tree: list[Row] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    lineage: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    @property
    def report(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "passed": self.passed,
            "entities": self.entities,
            "lineage": self.lineage,
            "deleted": self.deleted,
            "failures": self.failures,
            "status": self.status,
        }
        if self.error:
            report["error"] = self.error
        return report


class ConfigError(Exception):
    """The workflow config cannot be used; the message says why."""


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


def declared_secrets(config: dict[str, Any]) -> frozenset[str]:
    """The options the config's source declares secret (``options_model`` of its class)."""
    try:
        class_path = config["source"]["serviceConnection"]["config"]["sourcePythonClass"]
        source_class = import_from_module(class_path)
    except Exception:  # no class, or one that does not import: reported by the run itself
        return frozenset()
    return secret_fields(getattr(source_class, "options_model", None))


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
        raise ConfigError(_creation_problem(err, server)) from None
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
    return RunResult(
        passed=passed,
        entities=report_entities(server.store),
        tree=entity_tree(server.store),
        failures=failures,
        status=status,
        lineage=report_lineage(server.store),
        deleted=server.store.deletions(),
    )


def _creation_problem(err: Exception, server: StandIn) -> str:
    """Why the workflow could not start, said so that the user knows what to do."""
    if _version_mismatch(err):
        from importlib.metadata import version

        client = version("openmetadata-ingestion")
        return (
            f"openmetadata-ingestion {client} is installed, but this project targets "
            f"OpenMetadata {server.server_version} ([tool.local-harness] openmetadata-version "
            "in pyproject.toml), and a server refuses a client of another major.minor release "
            f"({err}). Install the client of your server's release (`make install` follows "
            "constraints.txt), or move the project to the installed release: "
            f"`make upgrade-openmetadata RELEASE={client}`."
        )
    return f"{type(err).__name__}: {err}"


def _version_mismatch(err: BaseException | None) -> bool:
    """Whether the client refused the server's release (``VersionMismatchException``): some
    releases raise it as such, others wrapped (``ValueError`` in 1.5, ``OMetaClientInitError``
    in 2.0), the cause chained or only named in the message."""
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if type(err).__name__ == "VersionMismatchException" or "VersionMismatchException" in str(
            err
        ):
            return True
        err = err.__cause__ or err.__context__
    return False


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def local_environment(settings: Settings) -> Iterator[dict[str, str]]:
    """What a local run provides when the user has not: an OpenMetadata token that the
    stand-in accepts, and the example system the config's variables point at."""
    provided: dict[str, str] = {}
    if not os.environ.get(TOKEN_VARIABLE):
        provided[TOKEN_VARIABLE] = local_token()
    with contextlib.ExitStack() as stack:
        system = settings.example_system
        if system is not None and not os.environ.get(system.variable):
            provided.update(stack.enter_context(serve_example_system(system)))
        with _environment(provided):
            yield provided


def _stand_in(settings: Settings) -> StandIn:
    """The stand-in of a local run: the project's target release, what its server holds."""
    try:
        return StandIn(existing=settings.existing_entities)
    except ValueError as err:  # the existing entities cannot be created: say which
        raise ConfigError(str(err)) from None


def run_local(
    config_path: Path, report_path: Path | None = None, show_columns: bool = False
) -> RunResult:
    """Load, run and print; the report (if asked for) is written whether it passes or not."""
    redact = Redactor([])
    try:
        settings = load_settings(config_path.parent)
        with local_environment(settings) as provided:
            config = load_config(config_path)
            provided_secrets = [value for name, value in provided.items() if is_secret_key(name)]
            redact = Redactor([*secrets_in(config, declared_secrets(config)), *provided_secrets])
            redact.install()
            with _stand_in(settings) as server:
                result = run(config, server)
    except ConfigError as err:
        result = RunResult(passed=False, error=str(err))
    finally:
        redact.uninstall()
    print_result(
        result.tree,
        result.status,
        result.failures,
        result.passed,
        result.error,
        redact,
        show_columns=show_columns,
    )
    if report_path is not None:
        write_report(report_path, result.report, redact)
    return result
