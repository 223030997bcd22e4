"""Readers of the deployment files (compose, Prometheus, Grafana) and of the code's metrics."""

import asyncio
import functools
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import httpx
import yaml
from fastapi import FastAPI
from pydantic import BaseModel

from shared.cli import SERVICES

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
GRAFANA_DIR = ROOT / "deploy" / "grafana"

AGORA_SERVICES = sorted(SERVICES)

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} or $NAME; $$ escapes.
_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)|(?P<dollar>\$))"
)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def settings_class(service: str) -> Any:
    """The service's settings class, imported from ``services.<service>.settings``."""
    module, _, name = SERVICES[service][1].partition(":")
    return getattr(importlib.import_module(module), name)


def env_names(model: type[BaseModel], prefix: str, delimiter: str) -> set[str]:
    """Every environment variable pydantic-settings reads for ``model``, nested models included."""
    names: set[str] = set()
    for field_name, field in model.model_fields.items():
        name = prefix + (field.alias or field_name).upper()
        names.add(name)
        for candidate in (field.annotation, *get_args(field.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= env_names(candidate, name + delimiter, delimiter)
    return names


def with_defaults(value: str) -> str:
    """Interpolate as compose does with an empty environment: defaults only."""

    def replace(match: re.Match[str]) -> str:
        if match["dollar"]:
            return "$"
        name = match["braced"] or match["bare"]
        if match["op"] in (":-", "-"):
            return match["arg"]
        raise AssertionError(f"{value!r}: ${name} has no default")

    return _VARIABLE.sub(replace, value)


def variables_in(value: Any) -> Iterator[str]:
    """Names of the variables interpolated anywhere in a parsed compose value."""
    if isinstance(value, str):
        for match in _VARIABLE.finditer(value):
            if not match["dollar"]:
                yield match["braced"] or match["bare"]
    elif isinstance(value, dict):
        for item in value.values():
            yield from variables_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from variables_in(item)


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    """A service's environment as a mapping; ``None`` means passed through from the host."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = (item.partition("=") for item in raw)
        return {name: value if sep else None for name, sep, value in pairs}
    return {name: None if value is None else str(value) for name, value in raw.items()}


def mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """``(source, target)`` of every volume of a service, short or long syntax, defaults applied."""
    found = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            found.append((with_defaults(str(volume["source"])), str(volume["target"])))
        else:
            source, target, *_ = with_defaults(volume).split(":")
            found.append((source, target))
    return found


def is_bind(source: str) -> bool:
    return source.startswith(("/", "./", "../", "~"))


def container_ports(service: dict[str, Any]) -> list[int]:
    """The container side of every published port."""
    ports = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            ports.append(int(port["target"]))
        else:
            ports.append(int(with_defaults(str(port)).split(":")[-1].split("/")[0]))
    return ports


def _base_name(name: str) -> str:
    """A metric family's name: without the sample suffixes (counters may omit ``_total``)."""
    return re.sub(r"_(bucket|count|sum|created|total)$", "", name)


async def _exposition(app: FastAPI) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        return (await client.get("/metrics")).text


@functools.cache
def code_metric_names() -> frozenset[str]:
    """Metric families the services expose, suffixes dropped: each app is built (not started)
    and its ``/metrics`` read, so library metrics (FastStream) and custom collectors count."""
    names: set[str] = set()
    for service in AGORA_SERVICES:
        module, _, factory = SERVICES[service][0].partition(":")
        app = getattr(importlib.import_module(module), factory)(settings_class(service)())
        exposition = asyncio.run(_exposition(app))
        names |= {_base_name(name) for name in re.findall(r"^# TYPE (\S+) ", exposition, re.M)}
    return frozenset(names)


def queried_metric_names(expression: str) -> set[str]:
    """``agora_*`` metric families named in a PromQL expression, suffixes dropped."""
    return {_base_name(name) for name in re.findall(r"\bagora_[a-z0-9_]+", expression)}


# -- Kubernetes manifests (deploy/kubernetes) -------------------------------------------------

KUBERNETES_DIR = ROOT / "deploy" / "kubernetes"
KUSTOMIZATION = KUBERNETES_DIR / "kustomization.yaml"


def kubernetes_files() -> list[Path]:
    """The manifest files of ``deploy/kubernetes``, its ``kustomization.yaml`` excepted."""
    files = [*KUBERNETES_DIR.glob("*.yaml"), *KUBERNETES_DIR.glob("*.yml")]
    return sorted(path for path in files if path != KUSTOMIZATION)


def load_manifests(path: Path) -> list[dict[str, Any]]:
    """The objects of one (multi-document) manifest file, empty documents skipped."""
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
