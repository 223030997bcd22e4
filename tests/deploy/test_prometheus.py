"""deploy/prometheus: scrape configuration and alert rules, checked for structure and names."""

from typing import Any

import pytest

from tests.deploy.support import (
    AGORA_SERVICES,
    code_metric_names,
    container_ports,
    mounts,
    queried_metric_names,
    settings_class,
)


def _scrape_targets(job: dict[str, Any]) -> set[tuple[str, int]]:
    """``(host, port)`` pairs a job scrapes, from static and DNS service discovery."""
    targets = set()
    for static in job.get("static_configs") or []:
        for target in static["targets"]:
            host, _, port = target.rpartition(":")
            targets.add((host, int(port)))
    for dns in job.get("dns_sd_configs") or []:
        targets |= {(name, int(dns["port"])) for name in dns["names"]}
    return targets


def _jobs(prometheus_config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in prometheus_config["scrape_configs"]}


def test_prometheus_config_has_global_settings_and_scrape_jobs(
    prometheus_config: dict[str, Any],
) -> None:
    assert prometheus_config["global"]["scrape_interval"]
    names = [job["job_name"] for job in prometheus_config["scrape_configs"]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("service", AGORA_SERVICES)
def test_prometheus_scrapes_each_service_by_name_on_its_port(
    prometheus_config: dict[str, Any], service: str
) -> None:
    job = _jobs(prometheus_config)[service]
    assert _scrape_targets(job) == {(service, settings_class(service).DEFAULT_PORT)}
    assert job.get("metrics_path", "/metrics") == "/metrics"


def test_prometheus_loads_the_alert_rules_compose_mounts(
    prometheus_config: dict[str, Any], compose: dict[str, Any]
) -> None:
    mounted = {target: source for source, target in mounts(compose["services"]["prometheus"])}
    for rule_file in prometheus_config["rule_files"]:
        assert mounted[rule_file] == "./deploy/prometheus/alerts.yml"


def test_prometheus_config_file_is_the_one_compose_mounts(compose: dict[str, Any]) -> None:
    prometheus = compose["services"]["prometheus"]
    mounted = {target: source for source, target in mounts(prometheus)}
    assert mounted["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus/prometheus.yml"
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert 9090 in container_ports(prometheus)


def test_every_alert_rule_has_a_name_an_expression_a_severity_and_a_summary(
    alert_rules: list[dict[str, Any]],
) -> None:
    assert alert_rules
    for rule in alert_rules:
        assert rule["alert"]
        assert rule["expr"].strip(), rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


def test_alert_names_are_unique(alert_rules: list[dict[str, Any]]) -> None:
    names = [rule["alert"] for rule in alert_rules]
    assert len(names) == len(set(names))


def test_an_alert_fires_when_a_service_is_down(alert_rules: list[dict[str, Any]]) -> None:
    down = [r for r in alert_rules if "up{" in r["expr"] and "== 0" in r["expr"]]
    assert down
    for service in AGORA_SERVICES:
        assert any(service in rule["expr"] for rule in down), service


def test_an_alert_fires_when_dead_letters_grow(alert_rules: list[dict[str, Any]]) -> None:
    assert any(
        "increase(agora_dead_lettered_total[10m])" in r["expr"] and "> 0" in r["expr"]
        for r in alert_rules
    )


def test_an_alert_fires_when_webhook_rejections_spike(alert_rules: list[dict[str, Any]]) -> None:
    assert any("agora_ingest_webhooks_rejected_total" in r["expr"] for r in alert_rules)


def test_alert_rules_query_only_metrics_the_code_defines(
    alert_rules: list[dict[str, Any]],
) -> None:
    defined = code_metric_names()
    for rule in alert_rules:
        assert queried_metric_names(rule["expr"]) <= defined, rule["alert"]


def _alerts_on(alert_rules: list[dict[str, Any]], *fragments: str) -> list[str]:
    """Names of the alerts whose expression contains every fragment."""
    return [r["alert"] for r in alert_rules if all(f in r["expr"] for f in fragments)]


def test_an_alert_fires_on_the_first_dead_letter_too(alert_rules: list[dict[str, Any]]) -> None:
    assert _alerts_on(
        alert_rules, "agora_dead_lettered_total unless agora_dead_lettered_total offset 10m"
    )


def test_an_alert_fires_when_the_quarantine_grows(alert_rules: list[dict[str, Any]]) -> None:
    assert _alerts_on(alert_rules, "increase(agora_ingest_quarantined_total[10m])", "> 0")


def test_an_alert_fires_when_consumer_lag_is_high(alert_rules: list[dict[str, Any]]) -> None:
    assert _alerts_on(alert_rules, "agora_metrics_consumer_lag_messages) > 1000")


def test_an_alert_fires_when_consumer_lag_keeps_growing(alert_rules: list[dict[str, Any]]) -> None:
    assert _alerts_on(alert_rules, "deriv(agora_metrics_consumer_lag_messages[")


def test_an_alert_fires_when_sla_deadlines_are_often_missed(
    alert_rules: list[dict[str, Any]],
) -> None:
    assert _alerts_on(alert_rules, 'agora_metrics_sla_cases{outcome="breached"}', "> 0.2")


def test_an_alert_fires_when_first_response_p90_exceeds_the_sla_target(
    alert_rules: list[dict[str, Any]],
) -> None:
    assert _alerts_on(
        alert_rules,
        "histogram_quantile(0.9",
        "agora_metrics_first_response_seconds_bucket",
        'agora_metrics_sla_target_seconds{sla="first_response"',
    )
