"""deploy/grafana: provisioning wired to the compose stack, dashboards that query Prometheus."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.support import (
    GRAFANA_DIR,
    code_metric_names,
    load_yaml,
    mounts,
    queried_metric_names,
)

DASHBOARDS = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
PROVISIONING = GRAFANA_DIR / "provisioning"


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel, those nested in collapsed rows included."""
    found = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found.extend(panel.get("panels") or [])
    return found


def _grafana_mounts(compose: dict[str, Any]) -> dict[str, str]:
    return {target: source for source, target in mounts(compose["services"]["grafana"])}


def _datasources() -> list[dict[str, Any]]:
    return [
        source
        for path in sorted((PROVISIONING / "datasources").glob("*.y*ml"))
        for source in load_yaml(path)["datasources"]
    ]


def test_compose_mounts_the_provisioning_and_dashboard_directories(
    compose: dict[str, Any],
) -> None:
    mounted = _grafana_mounts(compose)
    assert mounted["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    assert mounted["/etc/grafana/dashboards"] == "./deploy/grafana/dashboards"


def test_prometheus_datasource_points_at_the_compose_prometheus() -> None:
    (prometheus,) = [s for s in _datasources() if s["type"] == "prometheus"]
    assert prometheus["url"] == "http://prometheus:9090"
    assert prometheus["uid"]
    assert prometheus["isDefault"] is True


def test_dashboards_provider_reads_the_directory_compose_mounts(compose: dict[str, Any]) -> None:
    providers = [
        provider
        for path in sorted((PROVISIONING / "dashboards").glob("*.y*ml"))
        for provider in load_yaml(path)["providers"]
    ]
    paths = {p["options"]["path"] for p in providers if p["type"] == "file"}
    assert paths == {"/etc/grafana/dashboards"}
    assert "/etc/grafana/dashboards" in _grafana_mounts(compose)


def test_there_is_an_operator_dashboard() -> None:
    assert DASHBOARDS


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_json_parses_with_a_uid_a_title_and_panels(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    assert dashboard["uid"]
    assert dashboard["title"]
    assert dashboard["panels"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_dashboard_panel_has_a_promql_expression(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_panels_use_the_provisioned_datasource(path: Path) -> None:
    uids = {source["uid"] for source in _datasources()}
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for panel in _panels(dashboard):
        for item in [panel, *(panel.get("targets") or [])]:
            if "datasource" in item:
                assert item["datasource"]["uid"] in uids, panel["title"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_queries_only_metrics_the_code_defines(path: Path) -> None:
    defined = code_metric_names()
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for panel in _panels(dashboard):
        for target in panel.get("targets") or []:
            assert queried_metric_names(target["expr"]) <= defined, panel["title"]


def test_operator_dashboard_shows_health_throughput_dead_letters_and_latency() -> None:
    dashboard = json.loads((GRAFANA_DIR / "dashboards" / "agora-operations.json").read_text())
    expressions = " ".join(t["expr"] for p in _panels(dashboard) for t in p.get("targets") or [])
    assert "up{" in expressions
    assert "rate(agora_ingest_interactions_received_total[5m])" in expressions
    assert "agora_dead_lettered_total" in expressions
    assert "histogram_quantile(0.99" in expressions
    assert "_http_request_duration_seconds_bucket" in expressions
