"""The ``agora`` command: serve one service, run the whole stack locally, replay the demo."""

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shared.config import ConfigError, load_config

# Services are named by import string: shared never imports a service module statically.
SERVICES: dict[str, tuple[str, str]] = {
    "ingest": ("services.ingest.app:create_app", "services.ingest.settings:IngestSettings"),
    "classify": ("services.classify.app:create_app", "services.classify.settings:ClassifySettings"),
    "respond": ("services.respond.app:create_app", "services.respond.settings:RespondSettings"),
    "metrics": ("services.metrics.app:create_app", "services.metrics.settings:MetricsSettings"),
}


# Commands a service contributes (``register(subparsers)``), named by import string too.
COMMAND_EXTENSIONS = (
    "services.ingest.cli:register",
    "services.classify.cli:register",
    "services.respond.cli:register",
)


def _load(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def serve(service: str) -> int:
    """Run one service in this process until SIGTERM/SIGINT."""
    import uvicorn

    from shared.telemetry import configure_logging

    factory, settings_class = (_load(t) for t in SERVICES[service])
    settings = settings_class()
    configure_logging(service, settings.telemetry.log_level)
    try:
        app = factory(settings)
    except ConfigError as error:
        _fail(f"configuration {error.path} is invalid:\n" + "\n".join(error.problems))
    uvicorn.run(
        app,
        host=settings.http.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    return 0


def config_check(path: Path) -> int:
    try:
        config = load_config(path)
    except ConfigError as error:
        print("\n".join(error.problems), file=sys.stderr)  # noqa: T201
        return 1
    for agency in config.agencies:
        print(  # noqa: T201
            f"{path}: agency {agency.id}: {len(agency.connections)} connections, "
            f"{len(agency.teams)} teams, {len(agency.routing)} routing rules: OK"
        )
    return 0


def _fail(message: str) -> None:
    print(f"agora: {message}", file=sys.stderr)  # noqa: T201
    raise SystemExit(2)


def _build_parser() -> argparse.ArgumentParser:
    from shared.runner.cli import add_runner_commands

    parser = argparse.ArgumentParser(prog="agora", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve_cmd = commands.add_parser("serve", help="run one service (settings from AGORA_*)")
    serve_cmd.add_argument("service", choices=sorted(SERVICES))
    serve_cmd.set_defaults(run=lambda a: serve(a.service))

    config_cmd = commands.add_parser("config", help="agency configuration tools")
    config_sub = config_cmd.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser("check", help="validate an agora.yaml and explain errors")
    check.add_argument("file", type=Path)
    check.set_defaults(run=lambda a: config_check(a.file))

    add_runner_commands(commands)
    for extension in COMMAND_EXTENSIONS:
        _load(extension)(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
