"""deploy/grafana: provisioning wired to the compose stack, dashboards that query Prometheus."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.support import (
    AGORA_SERVICES,
    GRAFANA_DIR,
    code_metric_names,
    environment,
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


def test_there_are_an_operator_and_an_agency_dashboard() -> None:
    names = {path.name for path in DASHBOARDS}
    assert {"agora-operations.json", "agora-agency.json"} <= names


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


def _dashboard(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GRAFANA_DIR / "dashboards" / f"{name}.json").read_text())
    return data


def _expressions(dashboard: dict[str, Any]) -> str:
    return " ".join(t["expr"] for p in _panels(dashboard) for t in p.get("targets") or [])


def test_operator_dashboard_shows_health_throughput_dead_letters_and_latency() -> None:
    expressions = _expressions(_dashboard("agora-operations"))
    assert "up{" in expressions
    assert "rate(agora_ingest_interactions_received_total[$__rate_interval])" in expressions
    assert "agora_dead_lettered_total" in expressions
    assert "histogram_quantile(0.99" in expressions
    assert "_http_request_duration_seconds_bucket" in expressions


def test_operator_dashboard_shows_lag_quarantine_stage_latency_and_consumption() -> None:
    expressions = _expressions(_dashboard("agora-operations"))
    assert "agora_metrics_consumer_lag_messages" in expressions
    assert "agora_ingest_quarantined_total" in expressions
    assert "agora_metrics_stage_latency_seconds_bucket" in expressions
    assert "agora_faststream_received_processed_messages_total" in expressions
    for service in AGORA_SERVICES:
        assert f"agora_{service}_http_requests_total" in expressions, service


def test_agency_dashboard_shows_response_time_percentiles_by_team() -> None:
    expressions = _expressions(_dashboard("agora-agency"))
    for histogram in ("first_response", "resolution"):
        for quantile in ("0.5", "0.9"):
            assert (
                f"histogram_quantile({quantile}, sum by (team, le) "
                f"(increase(agora_metrics_{histogram}_seconds_bucket{{"
            ) in expressions, (histogram, quantile)


def test_agency_dashboard_shows_sla_attainment_open_and_at_risk_cases() -> None:
    expressions = _expressions(_dashboard("agora-agency"))
    assert 'agora_metrics_sla_cases{agency="$agency", team=~"$team", outcome="met"}' in expressions
    assert "agora_metrics_open_cases" in expressions
    assert "agora_metrics_at_risk_cases" in expressions


@pytest.mark.parametrize("label", ["channel", "topic", "sentiment", "intent"])
def test_agency_dashboard_shows_volumes_by_label(label: str) -> None:
    expressions = _expressions(_dashboard("agora-agency"))
    assert f"sum by ({label}) (increase(agora_metrics_interactions_total{{" in expressions


def test_dashboard_uids_are_unique() -> None:
    uids = [json.loads(path.read_text(encoding="utf-8"))["uid"] for path in DASHBOARDS]
    assert len(uids) == len(set(uids))


def test_grafana_home_dashboard_is_a_provisioned_dashboard(compose: dict[str, Any]) -> None:
    grafana = environment(compose["services"]["grafana"])
    home = grafana["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"] or ""
    directory, _, name = home.rpartition("/")
    assert directory == "/etc/grafana/dashboards"
    assert GRAFANA_DIR / "dashboards" / name in DASHBOARDS


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_panels_use_only_variables_the_dashboard_defines(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    defined = {variable["name"] for variable in dashboard["templating"]["list"]}
    for panel in _panels(dashboard):
        for target in panel.get("targets") or []:
            used = set(re.findall(r"\$\{?([A-Za-z_]\w*)", target["expr"]))
            assert {name for name in used if not name.startswith("__")} <= defined, panel["title"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_variables_query_only_metrics_the_code_defines(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for variable in dashboard["templating"]["list"]:
        assert variable["datasource"]["uid"] in {source["uid"] for source in _datasources()}
        assert queried_metric_names(variable["query"]["query"]) <= code_metric_names()
