"""docker-compose.yml: the four services, their settings, backends, volumes and variables."""

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.config import load_config
from shared.settings import ServiceSettings
from shared.topics import Topic
from tests.deploy.support import (
    AGORA_SERVICES,
    COMPOSE_FILE,
    ENV_EXAMPLE,
    ROOT,
    env_names,
    environment,
    is_bind,
    mounts,
    settings_class,
    variables_in,
    with_defaults,
)

CONFIG_TARGET = "/etc/agora/agora.yaml"
INSTALL_HINT = (
    "No Compose implementation on PATH to validate docker-compose.yml: install Debian's "
    "docker-compose package (apt-get install -y --no-install-recommends docker-compose)."
)


def _agora_env_names(service: str) -> set[str]:
    config = ServiceSettings.model_config
    return env_names(
        settings_class(service), config["env_prefix"], config["env_nested_delimiter"] or "__"
    )


def _config_secret_names(compose: dict[str, Any], service: str) -> set[str]:
    """Environment variables named by the agency configuration the service mounts."""
    sources = [s for s, target in mounts(compose["services"][service]) if target == CONFIG_TARGET]
    names = set()
    for agency in load_config(ROOT / sources[0]).agencies:
        for connection in agency.connections:
            fields = connection.model_dump()
            names |= {v for k, v in fields.items() if k.endswith("_env") and v is not None}
    return names


def _compose_variables(compose: dict[str, Any]) -> set[str]:
    """Variables compose reads: interpolated ones and those passed through from the host."""
    names = set(variables_in(compose))
    for service in compose["services"].values():
        names |= {name for name, value in environment(service).items() if value is None}
    return names


def _example_variables() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


# -- the four Agora services ------------------------------------------------------------------


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_every_agora_service_is_in_the_compose_file(compose: dict[str, Any], service: str) -> None:
    assert service in compose["services"]


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_is_built_from_the_dockerfile(compose: dict[str, Any], service: str) -> None:
    build = compose["services"][service]["build"]
    assert (ROOT / build["context"]).resolve() == ROOT
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile"


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_runs_serve_for_itself(compose: dict[str, Any], service: str) -> None:
    assert compose["services"][service]["command"] == ["serve", service]


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_listens_on_its_default_port(compose: dict[str, Any], service: str) -> None:
    port = environment(compose["services"][service])["AGORA_HTTP__PORT"]
    assert port == str(settings_class(service).DEFAULT_PORT)


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_sets_only_its_settings_and_configured_secrets(
    compose: dict[str, Any], service: str
) -> None:
    allowed = _agora_env_names(service) | _config_secret_names(compose, service)
    agora_vars = {n for n in environment(compose["services"][service]) if n.startswith("AGORA_")}
    assert agora_vars - allowed == set()


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_reaches_kafka_mongo_and_the_collector_by_service_name(
    compose: dict[str, Any], service: str
) -> None:
    env = environment(compose["services"][service])
    assert env["AGORA_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert env["AGORA_MONGO__URI"] == "mongodb://mongo:27017/?replicaSet=rs0"
    assert env["AGORA_TELEMETRY__OTLP_ENDPOINT"] == "http://otel-collector:4318"
    assert env["AGORA_CONFIG"] == CONFIG_TARGET


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_mounts_the_demo_config_read_only_by_default(
    compose: dict[str, Any], service: str
) -> None:
    volumes = compose["services"][service]["volumes"]
    assert (
        "${AGORA_CONFIG_FILE:-./shared/config/demo.agora.yaml}:/etc/agora/agora.yaml:ro" in volumes
    )


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_has_no_fixed_container_name(compose: dict[str, Any], service: str) -> None:
    assert "container_name" not in compose["services"][service]


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_starts_after_healthy_backends_and_created_topics(
    compose: dict[str, Any], service: str
) -> None:
    depends_on = compose["services"][service]["depends_on"]
    assert depends_on["kafka"]["condition"] == "service_healthy"
    assert depends_on["mongo"]["condition"] == "service_healthy"
    assert depends_on["kafka-init"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_health_check_asks_readyz_on_its_port(
    compose: dict[str, Any], service: str
) -> None:
    check = compose["services"][service]["healthcheck"]
    command = " ".join(check["test"])
    assert "/readyz" in command
    assert "AGORA_HTTP__PORT" in command


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_agora_service_restarts_unless_stopped(compose: dict[str, Any], service: str) -> None:
    assert compose["services"][service]["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_published_port_of_an_agora_service_is_its_own_port(
    compose: dict[str, Any], service: str
) -> None:
    for port in compose["services"][service].get("ports") or []:
        assert with_defaults(port).split(":")[-1] == str(settings_class(service).DEFAULT_PORT)


def test_classify_publishes_no_port_so_it_can_be_scaled(compose: dict[str, Any]) -> None:
    assert "ports" not in compose["services"]["classify"]


# -- backends ---------------------------------------------------------------------------------


def test_kafka_init_creates_every_contract_topic_only_if_missing(compose: dict[str, Any]) -> None:
    script = " ".join(compose["services"]["kafka-init"]["command"])
    assert "kafka-topics.sh" in script
    assert "--if-not-exists" in script
    for topic in Topic:
        assert re.search(rf"(?<![\w.]){re.escape(topic)}(?![\w.])", script), topic


def test_kafka_runs_in_kraft_mode_without_zookeeper(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(kafka["environment"]["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "zookeeper" not in compose["services"]


def test_mongo_is_the_replica_set_the_services_connect_to(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    assert mongo["image"].startswith("mongo:7")
    assert mongo["command"][mongo["command"].index("--replSet") + 1] == "rs0"
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])


def test_services_awaited_as_healthy_define_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        depends_on = service.get("depends_on") or {}
        if isinstance(depends_on, dict):
            for target, rule in depends_on.items():
                if rule.get("condition") == "service_healthy":
                    assert "healthcheck" in compose["services"][target], f"{name} -> {target}"


# -- volumes, mounts, variables ---------------------------------------------------------------


def test_every_named_volume_is_declared(compose: dict[str, Any]) -> None:
    declared = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        for source, _ in mounts(service):
            if not is_bind(source):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_kafka_mongo_prometheus_and_grafana_keep_data_in_named_volumes(
    compose: dict[str, Any],
) -> None:
    for service in ("kafka", "mongo", "prometheus", "grafana"):
        assert any(not is_bind(s) for s, _ in mounts(compose["services"][service])), service


def test_every_file_mounted_from_the_repository_exists(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for source, _ in mounts(service):
            if is_bind(source):
                assert (ROOT / source).exists(), f"{name}: {source} does not exist"


def test_env_example_lists_every_variable_compose_reads(compose: dict[str, Any]) -> None:
    assert _compose_variables(compose) - _example_variables() == set()


def test_env_example_lists_no_variable_compose_ignores(compose: dict[str, Any]) -> None:
    unknown = _example_variables() - _compose_variables(compose)
    assert {name for name in unknown if not name.startswith("COMPOSE_")} == set()


# -- a real Compose implementation ------------------------------------------------------------


def _compose_command() -> list[str] | None:
    if executable := shutil.which("docker-compose"):
        return [executable]
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False, timeout=30
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    return None


def _run_compose(
    compose: dict[str, Any], env_file: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    command = _compose_command()
    if command is None:
        pytest.fail(INSTALL_HINT)
    # The host's own values of the variables under test must not leak in.
    env = {k: v for k, v in os.environ.items() if k not in _compose_variables(compose)}
    return subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_compose_implementation_accepts_the_file_with_the_example_env(
    compose: dict[str, Any],
) -> None:
    result = _run_compose(compose, ENV_EXAMPLE, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_implementation_resolves_the_shared_service_settings(
    compose: dict[str, Any],
) -> None:
    result = _run_compose(compose, ENV_EXAMPLE, "config")
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)["services"]
    for service in AGORA_SERVICES:
        env = environment(rendered[service])
        assert env["AGORA_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092", service
        assert env["AGORA_HTTP__PORT"] == str(settings_class(service).DEFAULT_PORT), service
        assert CONFIG_TARGET in [target for _, target in mounts(rendered[service])], service


def test_compose_refuses_to_start_without_a_grafana_password(
    compose: dict[str, Any], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    result = _run_compose(compose, empty, "config", "-q")
    assert result.returncode != 0
    assert "GRAFANA_ADMIN_PASSWORD" in result.stderr
