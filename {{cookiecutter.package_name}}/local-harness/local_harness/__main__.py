"""``python -m local_harness run|serve|test-connection``: the harness's command line."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

from local_harness.auth import TOKEN_VARIABLE, local_token
from local_harness.report import entity_tree, print_tree
from local_harness.runner import run_local
from local_harness.server import StandIn
from local_harness.settings import load_settings


def _run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    result = run_local(args.config, args.report, show_columns=args.columns)
    if result.error:
        return 2
    return 0 if result.passed else 1


def _serve(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Serve a stand-in until Ctrl-C (or ``stop``, for tests), then print what it holds."""
    try:
        existing = load_settings().existing_entities
        server = StandIn(args.port, args.server_version, verbose=True, existing=existing)
    except ValueError as err:  # the existing entities cannot be created: say which
        print(f"Cannot serve the stand-in: {err}", file=sys.stderr)
        return 2
    url = server.api_url.replace("127.0.0.1", "localhost")
    print(
        f"OpenMetadata stand-in (release {server.server_version}) serving {url} (Ctrl-C to stop)."
        "\nLike the server, it refuses requests without a well-formed, unexpired JWT"
        " (any such token is accepted: signatures are not checked). A token valid 24 hours:"
        f"\n  export {TOKEN_VARIABLE}={local_token()}"
        f"\nand in the workflow config: hostPort: {url}, authProvider: openmetadata,"
        f' securityConfig: {{jwtToken: "${{{TOKEN_VARIABLE}}}"}}',
        flush=True,
    )
    with server, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends the foreground server
        (stop or threading.Event()).wait()
    print_tree(entity_tree(server.store), str, show_columns=args.columns)
    return 0


def _test_connection(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    from local_harness.connection import check_connection

    return check_connection(args.config)


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_harness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a workflow config against an in-process stand-in")
    run.add_argument("config", type=Path, help="workflow config (YAML or JSON)")
    run.add_argument("--report", type=Path, help="write what was sent, failures and status as JSON")
    run.add_argument("--columns", action="store_true", help="show every column of every table")
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve", help="serve the stand-in for `metadata ingest -c`")
    serve.add_argument("--port", type=int, default=8585)
    serve.add_argument(
        "--server-version", help="release to report (default: the project's target release)"
    )
    serve.add_argument("--columns", action="store_true", help="show columns when it stops")
    serve.set_defaults(handler=_serve)

    check = commands.add_parser("test-connection", help="run the connector's connection steps")
    check.add_argument("config", type=Path, help="workflow config (YAML or JSON)")
    check.set_defaults(handler=_test_connection)

    args = parser.parse_args(argv)
    return int(args.handler(args, stop))


if __name__ == "__main__":
    raise SystemExit(main())
