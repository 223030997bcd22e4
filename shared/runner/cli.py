"""``agora up`` and ``agora demo``."""

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from platformdirs import user_data_dir

from shared.config import ConfigError, load_config
from shared.runner.prometheus import INSTALL_HINT as PROMETHEUS_INSTALL_HINT
from shared.runner.stack import SERVICE_NAMES, Ports, Stack, StackOptions
from shared.settings import DEFAULT_CONFIG


def _say(message: str) -> None:
    print(message, flush=True)  # noqa: T201 - the runner talks to a person


class _Stop(Exception):
    pass


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def up(args: argparse.Namespace) -> int:
    try:
        load_config(args.config)
    except ConfigError as error:
        _say("agora: the configuration is invalid:\n" + "\n".join(error.problems))
        return 2
    options = StackOptions(
        data_dir=args.data_dir,
        ports=Ports(
            kafka=args.kafka_port,
            mongo=args.mongo_port,
            prometheus=args.prometheus_port,
            **{name: args.http_port_base + i for i, name in enumerate(SERVICE_NAMES)},
        ),
        config=args.config.resolve(),
        log_level=args.log_level,
        prometheus=args.prometheus,
    )
    if token := os.environ.get("AGORA_DEMO_TOKEN"):
        options.demo_token = token
    if secret := os.environ.get("AGORA_DEMO_WEBHOOK_SECRET"):
        options.webhook_secret = secret
    stack = Stack(options)
    signal.signal(signal.SIGTERM, _raise_stop)
    started = time.monotonic()
    _say(f"Starting Agora (data in {options.data_dir}) ...")
    try:
        stack.start()
        _say(f"Agora is up in {time.monotonic() - started:.1f}s.\n")
        for service in SERVICE_NAMES:
            _say(f"  {service:<9} {stack.url(service)}   logs: {stack.logs / service}.log")
        _say(f"  kafka     {stack.bootstrap} (tansu, memory only)")
        _say(f"  mongodb   {stack.mongo_uri} (SecantusDB)")
        _say(f"  prometheus {_prometheus_line(stack, wanted=args.prometheus)}")
        if stack.simulator_url is not None:
            _say(
                f"  platforms {stack.simulator_url} (simulator: replies land here;"
                f" {stack.simulator_url}/_simulator/requests)"
            )
        _say(f"\n  Responder API docs: {stack.url('respond')}/docs")
        _say(f"  Demo token (supervisor of every team): {options.demo_token}")
        _say(f"  curl -H 'Authorization: Bearer {options.demo_token}' {stack.url('respond')}/cases")
        _say("\nPress Ctrl-C to stop.\n")
        if args.demo:
            from shared.runner.demo import run_demo

            run_demo(stack, rate=args.demo_rate, say=_say)
        _supervise(stack)
    except (KeyboardInterrupt, _Stop):
        _say("\nStopping Agora ...")
    finally:
        stack.stop()
    _say("Stopped.")
    return 0


def _prometheus_line(stack: Stack, *, wanted: bool) -> str:
    if stack.prometheus_url is not None:
        return f"{stack.prometheus_url}   alerts: {stack.prometheus_url}/alerts"
    if not wanted:
        return "not started (--no-prometheus)"
    return f"not installed ({PROMETHEUS_INSTALL_HINT})"


def _supervise(stack: Stack) -> None:
    """Restart a service that died, until Ctrl-C or SIGTERM."""
    while True:
        time.sleep(1.0)
        for name, child in list(stack.services.items()):
            if not child.running:
                _say(f"{name} exited (code {child.returncode}); restarting. Logs: {child.log_path}")
                stack.start_service(name)


def demo(args: argparse.Namespace) -> int:
    from shared.runner.demo import run_demo_against

    return run_demo_against(
        ingest_url=args.ingest_url,
        respond_url=args.respond_url,
        metrics_url=args.metrics_url,
        token=args.token or os.environ.get("AGORA_DEMO_TOKEN", ""),
        webhook_secret=args.secret or os.environ.get("AGORA_DEMO_WEBHOOK_SECRET", ""),
        rate=args.rate,
        say=_say,
    )


def add_runner_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    up_cmd = commands.add_parser("up", help="run the whole pipeline on the embedded engines")
    up_cmd.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="agency agora.yaml")
    up_cmd.add_argument(
        "--data-dir", type=Path, default=Path(user_data_dir("agora")), help="where data lives"
    )
    up_cmd.add_argument("--demo", action="store_true", help="replay the demo once everything runs")
    up_cmd.add_argument("--demo-rate", type=float, default=1.0, help="demo messages per second")
    up_cmd.add_argument("--kafka-port", type=int, default=9092)
    up_cmd.add_argument("--mongo-port", type=int, default=27017)
    up_cmd.add_argument(
        "--http-port-base",
        type=int,
        default=8001,
        help="ingest's port; classify, respond and metrics take the next three",
    )
    up_cmd.add_argument(
        "--prometheus-port",
        type=int,
        default=9090,
        help="Prometheus' port when it is installed (a free one if this one is taken)",
    )
    up_cmd.add_argument(
        "--no-prometheus",
        dest="prometheus",
        action="store_false",
        help="do not start Prometheus even when it is installed",
    )
    up_cmd.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING"])
    up_cmd.set_defaults(run=up)

    demo_cmd = commands.add_parser("demo", help="replay sample interactions into a running Agora")
    demo_cmd.add_argument("--ingest-url", default="http://127.0.0.1:8001")
    demo_cmd.add_argument("--respond-url", default="http://127.0.0.1:8003")
    demo_cmd.add_argument("--metrics-url", default="http://127.0.0.1:8004")
    demo_cmd.add_argument("--token", help="responder token (default: $AGORA_DEMO_TOKEN)")
    demo_cmd.add_argument("--secret", help="webhook secret (default: $AGORA_DEMO_WEBHOOK_SECRET)")
    demo_cmd.add_argument("--rate", type=float, default=1.0, help="messages per second")
    demo_cmd.set_defaults(run=demo)


if __name__ == "__main__":
    sys.exit("use: agora up | agora demo")
