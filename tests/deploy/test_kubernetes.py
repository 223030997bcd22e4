"""deploy/kubernetes: schema-valid manifests whose settings, ports and probes match the code."""

import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from shared.cli import _build_parser
from shared.config import load_config
from shared.settings import ServiceSettings
from tests.deploy.support import (
    AGORA_SERVICES,
    KUBERNETES_DIR,
    KUSTOMIZATION,
    ROOT,
    env_names,
    kubernetes_files,
    load_manifests,
    load_yaml,
    settings_class,
)

# The oldest Kubernetes release the manifests support, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.25", "1.37")
VALIDATOR_HINT = (
    "kubernetes-validate is not installed, so the manifests cannot be checked against the "
    "Kubernetes schemas: pip install -e '.[dev]' (it is in the dev extras)."
)
IMAGE = "agora"
PLACEHOLDER = "REPLACE_ME"
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - what the pods must listen on
TMP = "/tmp"  # noqa: S108 - the one writable path, an emptyDir
CONSUMERS = [s for s in AGORA_SERVICES if (ROOT / "services" / s / "consumers").is_dir()]
# Kinds that live outside any namespace.
CLUSTER_SCOPED = {"Namespace"}

Obj = dict[str, Any]


def _file_objects() -> list[tuple[str, Obj]]:
    return [(path.name, obj) for path in kubernetes_files() for obj in load_manifests(path)]


def _find(objects: list[Obj], kind: str, name: str | None = None) -> list[Obj]:
    return [
        obj
        for obj in objects
        if obj["kind"] == kind and (name is None or obj["metadata"]["name"] == name)
    ]


def _one(objects: list[Obj], kind: str, name: str | None = None) -> Obj:
    found = _find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _container(objects: list[Obj], service: str) -> Obj:
    (container,) = _one(objects, "Deployment", service)["spec"]["template"]["spec"]["containers"]
    return container


def _env(container: Obj) -> dict[str, Obj]:
    return {entry["name"]: entry for entry in container.get("env", [])}


def _pod_labels(objects: list[Obj], service: str) -> dict[str, str]:
    labels: dict[str, str] = _one(objects, "Deployment", service)["spec"]["template"]["metadata"][
        "labels"
    ]
    return labels


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _configmap(objects: list[Obj]) -> Obj:
    return _one(objects, "ConfigMap")


def _secret(objects: list[Obj]) -> Obj:
    return _one(objects, "Secret")


def _secret_data(objects: list[Obj]) -> dict[str, str]:
    secret = _secret(objects)
    return {**secret.get("data", {}), **secret.get("stringData", {})}


def _resolved_env(objects: list[Obj], service: str) -> dict[str, str]:
    """The container's environment with ConfigMap and Secret references resolved."""
    sources = {
        "configMapKeyRef": {_configmap(objects)["metadata"]["name"]: _configmap(objects)["data"]},
        "secretKeyRef": {_secret(objects)["metadata"]["name"]: _secret_data(objects)},
    }
    resolved = {}
    for name, entry in _env(_container(objects, service)).items():
        if "value" in entry:
            resolved[name] = entry["value"]
            continue
        ((ref_kind, ref),) = entry["valueFrom"].items()
        data = sources[ref_kind][ref["name"]]
        if ref["key"] in data:
            resolved[name] = data[ref["key"]]
        else:
            assert ref.get("optional"), f"{service}: {name} refers to a missing key {ref['key']}"
    return resolved


def _settings_env_names(service: str) -> set[str]:
    config = ServiceSettings.model_config
    return env_names(
        settings_class(service), config["env_prefix"], config["env_nested_delimiter"] or "__"
    )


def _agora_yaml(objects: list[Obj], tmp_path: Path) -> Path:
    path = tmp_path / "agora.yaml"
    path.write_text(_configmap(objects)["data"]["agora.yaml"], encoding="utf-8")
    return path


def _configured_secret_names(objects: list[Obj], tmp_path: Path) -> set[str]:
    """Environment variables named by the ConfigMap's agency configuration."""
    names = set()
    for agency in load_config(_agora_yaml(objects, tmp_path)).agencies:
        for connection in agency.connections:
            fields = connection.model_dump()
            names |= {v for k, v in fields.items() if k.endswith("_env") and v is not None}
    return names


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def _dockerfile_uid() -> int:
    match = re.search(r"useradd\b[^\n]*?--uid (\d+)", _dockerfile())
    assert match, "the Dockerfile creates no user with a fixed uid"
    return int(match[1])


def _dockerfile_exposed_ports() -> set[int]:
    ports: set[int] = set()
    for line in re.findall(r"^EXPOSE (.+)$", _dockerfile(), re.MULTILINE):
        ports |= {int(port.split("/")[0]) for port in line.split()}
    return ports


def _schema_error(obj: Obj, version: str) -> str | None:
    """Why ``obj`` breaks the (strict) schema of its kind in Kubernetes ``version``, if it does."""
    try:
        import kubernetes_validate
    except ImportError:
        pytest.fail(VALIDATOR_HINT)
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        return f"Kubernetes {error.version}: {where}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return str(error.message)
    return None


# -- schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize(
    ("filename", "obj"),
    [
        pytest.param(name, obj, id=f"{name}:{obj['kind']}/{obj['metadata']['name']}")
        for name, obj in _file_objects()
    ],
)
def test_manifest_object_is_valid_against_the_kubernetes_schema(
    filename: str, obj: Obj, version: str
) -> None:
    assert _schema_error(obj, version) is None


def test_the_schema_validator_rejects_an_unknown_field(kubernetes_objects: list[Obj]) -> None:
    broken = yaml.safe_load(yaml.safe_dump(_one(kubernetes_objects, "Deployment", "ingest")))
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    assert "readinesProbe" in (_schema_error(broken, KUBERNETES_VERSIONS[-1]) or "")


def test_every_manifest_file_holds_named_kubernetes_objects() -> None:
    assert kubernetes_files(), f"no manifest in {KUBERNETES_DIR}"
    for path in kubernetes_files():
        objects = load_manifests(path)
        assert objects, f"{path.name} is empty"
        for obj in objects:
            assert {"apiVersion", "kind", "metadata"} <= set(obj), path.name
            assert obj["metadata"].get("name"), path.name


def test_no_two_objects_share_a_kind_and_a_name(kubernetes_objects: list[Obj]) -> None:
    keys = [(obj["kind"], obj["metadata"]["name"]) for obj in kubernetes_objects]
    assert len(keys) == len(set(keys))


# -- kustomization ----------------------------------------------------------------------------


def test_kustomization_lists_every_manifest_file_and_nothing_else() -> None:
    resources = load_yaml(KUSTOMIZATION)["resources"]
    assert len(resources) == len(set(resources))
    assert set(resources) == {path.name for path in kubernetes_files()}


def test_everything_lives_in_the_namespace_the_kustomization_sets(
    kubernetes_objects: list[Obj],
) -> None:
    namespace = _one(kubernetes_objects, "Namespace")["metadata"]["name"]
    assert load_yaml(KUSTOMIZATION)["namespace"] == namespace
    for obj in kubernetes_objects:
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"].get("namespace") == namespace, obj["metadata"]["name"]


def test_namespace_enforces_the_restricted_pod_security_standard(
    kubernetes_objects: list[Obj],
) -> None:
    labels = _one(kubernetes_objects, "Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_kustomization_sets_the_image_the_deployments_run() -> None:
    images = load_yaml(KUSTOMIZATION)["images"]
    assert [image["name"] for image in images] == [IMAGE]


# -- the four services ------------------------------------------------------------------------


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_every_service_has_a_deployment_and_a_service(
    kubernetes_objects: list[Obj], service: str
) -> None:
    _one(kubernetes_objects, "Deployment", service)
    _one(kubernetes_objects, "Service", service)


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_runs_the_dockerfile_image_with_serve_for_itself(
    kubernetes_objects: list[Obj], service: str
) -> None:
    container = _container(kubernetes_objects, service)
    assert container["image"].rpartition(":")[0] == IMAGE
    # No command: the image's ENTRYPOINT ["agora"] runs, given these arguments.
    assert "command" not in container
    assert container["args"] == ["serve", service]
    assert _build_parser().parse_args(container["args"]).service == service


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_listens_on_every_interface_on_the_service_default_port(
    kubernetes_objects: list[Obj], service: str
) -> None:
    port = settings_class(service).DEFAULT_PORT
    container = _container(kubernetes_objects, service)
    assert [p["containerPort"] for p in container["ports"]] == [port]
    assert port in _dockerfile_exposed_ports()
    env = _resolved_env(kubernetes_objects, service)
    assert env["AGORA_HTTP__PORT"] == str(port)
    assert env["AGORA_HTTP__HOST"] == ALL_INTERFACES


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_service_sends_the_default_port_to_the_deployment_pods(
    kubernetes_objects: list[Obj], service: str
) -> None:
    spec = _one(kubernetes_objects, "Service", service)["spec"]
    assert _selects(spec["selector"], _pod_labels(kubernetes_objects, service))
    (port,) = spec["ports"]
    assert port["port"] == settings_class(service).DEFAULT_PORT
    container = _container(kubernetes_objects, service)
    names = {p["name"]: p["containerPort"] for p in container["ports"]}
    target = names.get(port["targetPort"], port["targetPort"])
    assert target == settings_class(service).DEFAULT_PORT


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_probes_readyz_for_readiness_and_healthz_for_liveness(
    kubernetes_objects: list[Obj], service: str
) -> None:
    container = _container(kubernetes_objects, service)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, path in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")]:
        http = container[probe]["httpGet"]
        assert http["path"] == path
        assert ports.get(http["port"], http["port"]) == settings_class(service).DEFAULT_PORT


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_sets_only_settings_fields_and_configured_secrets(
    kubernetes_objects: list[Obj], service: str, tmp_path: Path
) -> None:
    allowed = _settings_env_names(service) | _configured_secret_names(kubernetes_objects, tmp_path)
    assert set(_env(_container(kubernetes_objects, service))) - allowed == set()


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_environment_is_accepted_by_the_service_settings(
    kubernetes_objects: list[Obj], service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in os.environ:
        if name.startswith("AGORA_"):
            monkeypatch.delenv(name)
    for name, value in _resolved_env(kubernetes_objects, service).items():
        monkeypatch.setenv(name, value)
    settings = settings_class(service)()
    assert settings.port == settings_class(service).DEFAULT_PORT
    assert settings.http.host == ALL_INTERFACES
    assert (
        settings.kafka.bootstrap_servers
        == _configmap(kubernetes_objects)["data"]["AGORA_KAFKA__BOOTSTRAP_SERVERS"]
    )
    assert (
        settings.mongo.uri.get_secret_value()
        == _secret_data(kubernetes_objects)["AGORA_MONGO__URI"]
    )


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_reads_its_settings_from_the_configmap_and_mongo_from_the_secret(
    kubernetes_objects: list[Obj], service: str
) -> None:
    env = _env(_container(kubernetes_objects, service))
    for name in [
        "AGORA_KAFKA__BOOTSTRAP_SERVERS",
        "AGORA_KAFKA__PARTITIONS",
        "AGORA_TELEMETRY__OTLP_ENDPOINT",
        "AGORA_TELEMETRY__LOG_LEVEL",
    ]:
        assert "configMapKeyRef" in env[name]["valueFrom"], name
    assert "secretKeyRef" in env["AGORA_MONGO__URI"]["valueFrom"]


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_every_configmap_and_secret_key_a_deployment_refers_to_exists(
    kubernetes_objects: list[Obj], service: str
) -> None:
    data = {
        ("ConfigMap", _configmap(kubernetes_objects)["metadata"]["name"]): set(
            _configmap(kubernetes_objects)["data"]
        ),
        ("Secret", _secret(kubernetes_objects)["metadata"]["name"]): set(
            _secret_data(kubernetes_objects)
        ),
    }
    kinds = {"configMapKeyRef": "ConfigMap", "secretKeyRef": "Secret"}
    pod = _one(kubernetes_objects, "Deployment", service)["spec"]["template"]["spec"]
    for name, entry in _env(_container(kubernetes_objects, service)).items():
        for ref_kind, ref in entry.get("valueFrom", {}).items():
            keys = data.get((kinds[ref_kind], ref["name"]))
            assert keys is not None, f"{name}: no {kinds[ref_kind]} {ref['name']}"
            assert ref["key"] in keys or ref.get("optional"), f"{name}: no key {ref['key']}"
    for volume in pod["volumes"]:
        if "configMap" in volume:
            keys = data[("ConfigMap", volume["configMap"]["name"])]
            assert {item["key"] for item in volume["configMap"]["items"]} <= keys
        if "secret" in volume:
            keys = data[("Secret", volume["secret"]["secretName"])]
            assert {item["key"] for item in volume["secret"].get("items", [])} <= keys


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_mounts_agora_yaml_read_only_where_agora_config_points(
    kubernetes_objects: list[Obj], service: str
) -> None:
    container = _container(kubernetes_objects, service)
    config = PurePosixPath(_env(container)["AGORA_CONFIG"]["value"])
    assert config == PurePosixPath("/etc/agora/agora.yaml")
    volumes = _one(kubernetes_objects, "Deployment", service)["spec"]["template"]["spec"]["volumes"]
    by_name = {volume["name"]: volume for volume in volumes}
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == str(config.parent)]
    assert mount.get("readOnly") is True
    assert "subPath" not in mount
    items = by_name[mount["name"]]["configMap"]["items"]
    assert {"key": "agora.yaml", "path": config.name} in items


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_runs_as_the_image_non_root_user_with_a_read_only_root(
    kubernetes_objects: list[Obj], service: str
) -> None:
    pod = _one(kubernetes_objects, "Deployment", service)["spec"]["template"]["spec"]
    container = _container(kubernetes_objects, service)
    security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == _dockerfile_uid()
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert security["seccompProfile"]["type"] == "RuntimeDefault"
    assert security.get("privileged") is not True
    writable = {m["mountPath"] for m in container["volumeMounts"] if not m.get("readOnly")}
    assert writable == {TMP}
    empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
    (tmp,) = [m for m in container["volumeMounts"] if m["mountPath"] == TMP]
    assert tmp["name"] in empty_dirs


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_requests_and_limits_cpu_and_memory(
    kubernetes_objects: list[Obj], service: str
) -> None:
    resources = _container(kubernetes_objects, service)["resources"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[bound]), bound


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_pods_are_annotated_for_prometheus_on_their_own_port(
    kubernetes_objects: list[Obj], service: str
) -> None:
    template = _one(kubernetes_objects, "Deployment", service)["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(settings_class(service).DEFAULT_PORT)
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_selects_its_own_pods_only(kubernetes_objects: list[Obj], service: str) -> None:
    selector = _one(kubernetes_objects, "Deployment", service)["spec"]["selector"]["matchLabels"]
    for other in AGORA_SERVICES:
        assert _selects(selector, _pod_labels(kubernetes_objects, other)) == (other == service)


# -- scaling and disruptions ------------------------------------------------------------------


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_deployment_leaves_its_replica_count_to_a_cpu_autoscaler(
    kubernetes_objects: list[Obj], service: str
) -> None:
    assert "replicas" not in _one(kubernetes_objects, "Deployment", service)["spec"]
    (hpa,) = [
        obj
        for obj in _find(kubernetes_objects, "HorizontalPodAutoscaler")
        if obj["spec"]["scaleTargetRef"]["name"] == service
    ]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["type"] == "Resource"
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    assert 1 <= hpa["spec"].get("minReplicas", 1) <= hpa["spec"]["maxReplicas"]


@pytest.mark.parametrize("service", CONSUMERS)
def test_consumer_autoscaler_stops_at_the_partition_count(
    kubernetes_objects: list[Obj], service: str
) -> None:
    partitions = int(_configmap(kubernetes_objects)["data"]["AGORA_KAFKA__PARTITIONS"])
    hpa = _one(kubernetes_objects, "HorizontalPodAutoscaler", service)
    assert hpa["spec"]["maxReplicas"] <= partitions


def test_the_consumer_services_are_classify_respond_and_metrics() -> None:
    assert CONSUMERS == ["classify", "metrics", "respond"]


@pytest.mark.parametrize("service", ["ingest", "respond"])
def test_ingest_and_respond_keep_a_replica_through_voluntary_disruptions(
    kubernetes_objects: list[Obj], service: str
) -> None:
    labels = _pod_labels(kubernetes_objects, service)
    (budget,) = [
        pdb
        for pdb in _find(kubernetes_objects, "PodDisruptionBudget")
        if _selects(pdb["spec"]["selector"]["matchLabels"], labels)
    ]
    assert budget["spec"]["minAvailable"] == 1
    # Enough replicas that the budget still lets a drain evict one of them.
    hpa = _one(kubernetes_objects, "HorizontalPodAutoscaler", service)
    assert hpa["spec"]["minReplicas"] > budget["spec"]["minAvailable"]


# -- ConfigMap and Secret ---------------------------------------------------------------------


def test_configmap_agora_yaml_is_a_valid_agency_configuration(
    kubernetes_objects: list[Obj], tmp_path: Path
) -> None:
    assert load_config(_agora_yaml(kubernetes_objects, tmp_path)).agencies


@pytest.mark.parametrize("service", ["ingest", "respond"])
def test_every_secret_agora_yaml_names_is_in_the_secret_and_given_to_the_service(
    kubernetes_objects: list[Obj], service: str, tmp_path: Path
) -> None:
    env = _env(_container(kubernetes_objects, service))
    for name in _configured_secret_names(kubernetes_objects, tmp_path):
        assert name in _secret_data(kubernetes_objects), name
        assert env[name]["valueFrom"]["secretKeyRef"]["key"] == name


def test_ingest_gets_the_operator_token_from_the_secret(kubernetes_objects: list[Obj]) -> None:
    env = _env(_container(kubernetes_objects, "ingest"))
    assert env["AGORA_OPERATOR_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] in _secret_data(
        kubernetes_objects
    )


def test_secret_template_holds_placeholders_only(kubernetes_objects: list[Obj]) -> None:
    secret = _secret(kubernetes_objects)
    assert "data" not in secret
    assert secret["stringData"]
    for key, value in secret["stringData"].items():
        assert PLACEHOLDER in value, key


def test_configmap_holds_no_secret(kubernetes_objects: list[Obj]) -> None:
    data = _configmap(kubernetes_objects)["data"]
    assert set(data) & set(_secret_data(kubernetes_objects)) == set()
    assert not [key for key in data if re.search(r"TOKEN|SECRET|PASSWORD|MONGO__URI", key)]


# -- the operations guide ---------------------------------------------------------------------


def test_operations_guide_applies_the_kustomization_and_names_existing_files() -> None:
    guide = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    assert "kubectl apply -k deploy/kubernetes" in guide
    for name in set(re.findall(r"deploy/kubernetes/([\w.-]+\.ya?ml)", guide)):
        assert (KUBERNETES_DIR / name).exists(), name
