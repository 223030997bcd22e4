"""Prometheus for the local runner: Debian's ``prometheus``, scraping the stack's own ports.

The generated configuration names one job per service, as ``deploy/prometheus/prometheus.yml``
does, so the alert rules of ``deploy/prometheus/alerts.yml`` (loaded when present) and the
Grafana dashboards work on it unchanged.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ALERT_RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"
INSTALL_HINT = "apt-get install --no-install-recommends prometheus"


def prometheus_config(
    targets: Mapping[str, int],
    *,
    self_port: int,
    scrape_interval: str,
    rule_files: tuple[Path, ...] = (),
) -> dict[str, Any]:
    """Scrape each service (job = service name) on 127.0.0.1 at its port, and Prometheus."""
    jobs = {**targets, "prometheus": self_port}
    return {
        "global": {
            "scrape_interval": scrape_interval,
            "scrape_timeout": scrape_interval,
            "evaluation_interval": scrape_interval,
            "external_labels": {"stack": "agora-local"},
        },
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
            for job, port in jobs.items()
        ],
    }


def write_config(
    directory: Path, targets: Mapping[str, int], *, self_port: int, scrape_interval: str
) -> Path:
    """``prometheus.yml`` in ``directory``, with the deploy alert rules when they exist."""
    directory.mkdir(parents=True, exist_ok=True)
    rule_files = (ALERT_RULES,) if ALERT_RULES.exists() else ()
    config = prometheus_config(
        targets, self_port=self_port, scrape_interval=scrape_interval, rule_files=rule_files
    )
    path = directory / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def prometheus_argv(binary: str, config: Path, storage: Path, port: int) -> list[str]:
    return [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={storage}",
        "--storage.tsdb.retention.time=7d",
        f"--web.listen-address=127.0.0.1:{port}",
        "--web.enable-lifecycle",  # POST /-/reload after editing the alert rules
    ]
