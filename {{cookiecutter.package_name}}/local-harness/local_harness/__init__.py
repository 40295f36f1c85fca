"""The local harness of an OpenMetadata connector repository: run the connector without
an OpenMetadata server.

- ``StandIn``: a stand-in for the OpenMetadata server on loopback (``server``), over an
  in-memory ``Store`` (``store``), answering OpenMetadata's REST API (``api``) and
  refusing what the server refuses (``rules``, ``auth``);
- ``run_local``: a workflow config through OpenMetadata's ``MetadataWorkflow`` against
  a ``StandIn`` (``runner``), shown as a tree and a JSON report (``report``), secrets
  masked (``redaction``);
- ``check_connection``: the connector's connection steps, one by one (``connection``);
- ``ExampleApi``: the example API that stands for the user's system (``example_api``).

Command line: ``python -m local_harness run|serve|test-connection --help``.
It is a development tool: it is not part of the connector's distribution.
"""

from local_harness.example_api import ExampleApi
from local_harness.runner import ConfigError, RunResult, load_config, run, run_local
from local_harness.server import StandIn

__all__ = ["ConfigError", "ExampleApi", "RunResult", "StandIn", "load_config", "run", "run_local"]
