"""The local harness of an OpenMetadata connector repository: run the connector without
an OpenMetadata server (see local-harness/README.md).

- ``StandIn`` (``server``): a stand-in for the OpenMetadata server on loopback, playing
  one release (``release``). It answers OpenMetadata's REST API (``api``) over an
  in-memory ``Store`` (``store``) that starts with a fresh server's seeds (``seeds``):
  create and update (``writes``), delete and restore (``deletion``), reads and paging
  (``reads``), lineage (``lineage``), custom properties (``custom_properties``),
  pipeline statuses and usage (``timeseries``); and it refuses what the server refuses,
  with its status and message (``auth``, ``payloads``, ``rules``, ``errors``, ``fqn``,
  ``patch``; ``catalogue`` lists the entity types).
- ``run_local``/``run``: a workflow config through OpenMetadata's ``MetadataWorkflow``
  against a ``StandIn`` (``runner``), shown as a tree and a JSON report (``report``),
  secrets masked (``redaction``), settings from pyproject.toml (``settings``).
- ``check_connection``: the connector's connection steps, one by one (``connection``).
- ``ExampleApi``: the example API that stands for the user's system (``example_api``,
  ``examples``).

Command line: ``python -m local_harness run|serve|test-connection --help``.
It is a development tool: it is not part of the connector's distribution.
"""

from local_harness.example_api import ExampleApi
from local_harness.runner import ConfigError, RunResult, load_config, run, run_local
from local_harness.server import StandIn

__all__ = ["ConfigError", "ExampleApi", "RunResult", "StandIn", "load_config", "run", "run_local"]
