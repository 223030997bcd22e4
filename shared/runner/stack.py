"""The whole system on one machine: engines first, then the services, stopped in reverse."""

import asyncio
import json
import logging
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from shared.bus import ensure_topics
from shared.config import load_config
from shared.runner.engines import prometheus_binary, secantus_argv, tansu_argv
from shared.runner.platform_simulator import SimulatorServer
from shared.runner.processes import Child, free_port, port_open, wait_for_port
from shared.runner.prometheus import prometheus_argv, write_config
from shared.settings import DEFAULT_CONFIG, KafkaSettings

log = logging.getLogger(__name__)

SERVICE_NAMES = ("ingest", "classify", "respond", "metrics")


@dataclass(frozen=True)
class Ports:
    kafka: int = 9092
    mongo: int = 27017
    ingest: int = 8001
    classify: int = 8002
    respond: int = 8003
    metrics: int = 8004
    prometheus: int = 9090
    simulator: int = 8090

    @classmethod
    def free(cls) -> "Ports":
        """Distinct ports nothing listens on now (tests, or a second stack beside the first)."""
        chosen: dict[str, int] = {}
        for name in asdict(cls()):
            port = free_port()
            while port in chosen.values():
                port = free_port()
            chosen[name] = port
        return cls(**chosen)

    def of(self, service: str) -> int:
        port: int = getattr(self, service)
        return port


@dataclass
class StackOptions:
    data_dir: Path
    ports: Ports = field(default_factory=Ports)
    config: Path = DEFAULT_CONFIG
    demo_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    webhook_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    partitions: int = 4
    log_level: str = "INFO"
    extra_env: dict[str, str] = field(default_factory=dict)
    prometheus: bool = True  # started with the services when Debian's prometheus is installed
    simulator: bool = True  # replies go to the local platform simulator, never to a platform
    scrape_interval: str = "5s"


class Stack:
    """Starts tansu, SecantusDB, the services and (when installed) Prometheus as children;
    ``stop`` leaves no process."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.ports = options.ports
        self.data_dir = options.data_dir
        self.logs = self.data_dir / "logs"
        self.broker: Child | None = None
        self.database: Child | None = None
        self.services: dict[str, Child] = {}
        self.prometheus: Child | None = None
        self.simulator: SimulatorServer | None = None

    # -- engines ---------------------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports.kafka}"

    @property
    def mongo_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.ports.mongo}/?directConnection=true"

    @property
    def services_mongo_uri(self) -> str:
        """The services' URI: without retryable writes, which a single embedded server gains
        nothing from (no failover) and which SecantusDB records per write, slowing every
        single-document write ~15x past 10,000 of them (``bench/README.md``)."""
        return f"{self.mongo_uri}&retryWrites=false"

    def start_broker(self) -> None:
        self.broker = Child("tansu", tansu_argv(self.ports.kafka), self.logs / "tansu.log")
        self.broker.start()
        wait_for_port(self.ports.kafka, timeout_s=20, process=self.broker)
        settings = KafkaSettings(
            bootstrap_servers=self.bootstrap, partitions=self.options.partitions
        )
        # In a thread of its own, so this also works when the caller runs an event loop.
        creator = threading.Thread(target=asyncio.run, args=(ensure_topics(settings),))
        creator.start()
        creator.join()

    def kill_broker(self) -> None:
        """SIGKILL the broker: its memory-only log and committed offsets are gone."""
        if self.broker is not None:
            self.broker.kill()

    def start_database(self) -> None:
        storage = self.data_dir / "mongo"
        storage.mkdir(parents=True, exist_ok=True)
        self.database = Child(
            "secantusdb", secantus_argv(self.ports.mongo, storage), self.logs / "secantusdb.log"
        )
        self.database.start()
        wait_for_port(self.ports.mongo, timeout_s=60, process=self.database)

    def start_prometheus(self, services: tuple[str, ...]) -> None:
        """Prometheus scraping ``services`` on their ports; nothing when it is not installed."""
        binary = prometheus_binary()
        if binary is None or not self.options.prometheus:
            return
        if port_open(self.ports.prometheus):
            # Often a system Prometheus (Debian's package starts one on 9090): use another port.
            log.warning(
                "prometheus_port_taken", extra={"url": f"http://127.0.0.1:{self.ports.prometheus}"}
            )
            self.ports = replace(self.ports, prometheus=free_port())
        port = self.ports.prometheus
        directory = self.data_dir / "prometheus"
        config = write_config(
            directory,
            {service: self.ports.of(service) for service in services},
            self_port=port,
            scrape_interval=self.options.scrape_interval,
        )
        self.prometheus = Child(
            "prometheus",
            prometheus_argv(binary, config, directory / "data", port),
            self.logs / "prometheus.log",
        )
        self.prometheus.start()
        wait_for_port(port, timeout_s=30, process=self.prometheus)

    @property
    def prometheus_url(self) -> str | None:
        """Where Prometheus answers, if this stack runs it."""
        if self.prometheus is None:
            return None
        return f"http://127.0.0.1:{self.ports.prometheus}"

    def start_simulator(self) -> None:
        """The platform simulator, in this process: generic connections' replies are checked
        against the secrets the services get."""
        env = self.service_env("respond")
        config = load_config(self.options.config)
        secrets_by_connection = {
            c.id: env[c.secret_env]
            for agency in config.agencies
            for c in agency.connections
            if c.channel == "generic" and c.secret_env in env
        }
        self.simulator = SimulatorServer(
            port=self.ports.simulator, generic_secrets=secrets_by_connection
        ).start()

    @property
    def simulator_url(self) -> str | None:
        return None if self.simulator is None else self.simulator.url

    # -- services --------------------------------------------------------------------------
    def service_env(self, service: str) -> dict[str, str]:
        delivery = (
            {"AGORA_DELIVERY_BASE_URL": f"http://127.0.0.1:{self.ports.simulator}"}
            if self.options.simulator and service == "respond"
            else {}
        )
        return {
            **delivery,
            "AGORA_KAFKA__BOOTSTRAP_SERVERS": self.bootstrap,
            "AGORA_KAFKA__PARTITIONS": str(self.options.partitions),
            "AGORA_MONGO__URI": self.services_mongo_uri,
            "AGORA_HTTP__PORT": str(self.ports.of(service)),
            "AGORA_CONFIG": str(self.options.config),
            "AGORA_DEMO_TOKEN": self.options.demo_token,
            "AGORA_OPERATOR_TOKEN": self.options.demo_token,
            "AGORA_DEMO_WEBHOOK_SECRET": self.options.webhook_secret,
            "AGORA_TELEMETRY__LOG_LEVEL": self.options.log_level,
            "PYTHONUNBUFFERED": "1",
            **self.options.extra_env,
        }

    def start_service(self, service: str) -> Child:
        child = Child(
            service,
            [sys.executable, "-m", "shared.cli", "serve", service],
            self.logs / f"{service}.log",
            env=self.service_env(service),
        )
        child.start()
        self.services[service] = child
        return child

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports.of(service)}"

    def ready(self, service: str) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url(service)}/readyz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, TimeoutError):
            return False

    def wait_ready(self, services: tuple[str, ...] = SERVICE_NAMES, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        pending = list(services)
        while pending:
            for service in list(pending):
                child = self.services.get(service)
                if child is not None and not child.running:
                    raise RuntimeError(
                        f"{service} exited with code {child.returncode}; see {child.log_path}"
                    )
                if self.ready(service):
                    pending.remove(service)
            if pending and time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {timeout_s:.0f}s: {', '.join(pending)}")
            time.sleep(0.1)

    # -- whole stack -----------------------------------------------------------------------
    def start(self, services: tuple[str, ...] = SERVICE_NAMES) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_broker()
            self.start_database()
            if self.options.simulator and "respond" in services:
                self.start_simulator()
            for service in services:
                self.start_service(service)
            if services:
                self.start_prometheus(services)
            self.wait_ready(services)
        except BaseException:
            self.stop()
            raise
        (self.data_dir / "stack.json").write_text(
            json.dumps({"ports": asdict(self.ports), "config": str(self.options.config)}, indent=2)
        )

    def stop(self) -> None:
        """Services and Prometheus first (they flush), then the engines; each group stops in
        parallel."""
        services = [*self.services.values(), self.prometheus]
        for group in (services, [self.database, self.broker]):
            children = [child for child in group if child is not None]
            for child in children:
                child.terminate()
            for child in children:
                child.stop()
        if self.simulator is not None:
            self.simulator.stop()
            self.simulator = None

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
