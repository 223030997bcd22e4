"""Parsed deployment files shared by the deploy tests."""

from typing import Any

import pytest

from tests.deploy.support import (
    COMPOSE_FILE,
    PROMETHEUS_DIR,
    kubernetes_files,
    load_manifests,
    load_yaml,
)


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE_FILE)


@pytest.fixture(scope="session")
def prometheus_config() -> dict[str, Any]:
    return load_yaml(PROMETHEUS_DIR / "prometheus.yml")


@pytest.fixture(scope="session")
def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(PROMETHEUS_DIR / "alerts.yml")["groups"]
    return [rule for group in groups for rule in group["rules"]]


# -- Kubernetes manifests ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def kubernetes_objects() -> list[dict[str, Any]]:
    """Every object of every manifest file in deploy/kubernetes."""
    return [obj for path in kubernetes_files() for obj in load_manifests(path)]
