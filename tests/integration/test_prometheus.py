"""Prometheus on the running stack: configs and rules pass promtool, every service's exposition
passes ``promtool check metrics``, and every dashboard query returns series."""

import asyncio
import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from aiokafka import AIOKafkaProducer

from shared.clock import utc_now
from shared.events import CaseResolved
from shared.events.cases import CaseFacts
from shared.ids import conversation_key
from shared.runner.prometheus import ALERT_RULES
from shared.runner.stack import SERVICE_NAMES, Stack
from shared.topics import Topic
from tests.conftest import TEST_SECRET, TEST_TOKEN, make_stack
from tests.support import eventually, post_generic_webhook

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
INSTALL_HINT = (
    "{tool} is not installed: run `bash scripts/system-deps.sh` "
    "(or `apt-get install -y --no-install-recommends prometheus`)."
)
AGENCY = "lyon"
AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}
# What Grafana would put in place of its own variables for a recent time range.
GRAFANA_VARIABLES = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h"}
# A dashboard variable without an "all" value takes the agency the traffic below goes to.
VARIABLE_VALUES = {"agency": AGENCY}

MESSAGES = (
    "Lampadaire en panne rue Mercière depuis trois jours",
    "Les poubelles débordent place Bellecour",
    "Forte odeur de gaz dans l'immeuble, fuite de gaz ?",
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(INSTALL_HINT.format(tool=name))
    return path


def _promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("promtool"), *args], input=stdin, capture_output=True, text=True, check=False
    )


# -- a stack with Prometheus, and traffic through every metric the dashboards show --------------


def _case_of(http: httpx.Client, stack: Stack, conversation: str) -> dict[str, Any] | None:
    items = http.get(
        f"{stack.url('respond')}/cases", params={"conversation_id": conversation}, headers=AUTH
    ).json()["items"]
    return items[0] if items else None


async def _publish(stack: Stack, topic: str, key: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key.encode())
    finally:
        await producer.stop()


def _resolve(stack: Stack, case: dict[str, Any]) -> None:
    """Respond has no resolve endpoint yet: announce the resolution as it would."""
    event = CaseResolved(
        event_id=uuid.uuid4(),
        occurred_at=utc_now(),
        agency_id=AGENCY,
        case_id=uuid.UUID(case["id"]),
        facts=CaseFacts(channel=case["channel"], team=case["team"], priority=case["priority"]),
    )
    key = conversation_key(AGENCY, case["channel"], case["conversation_id"])
    asyncio.run(_publish(stack, Topic.CASES_EVENTS, key, event.to_bytes()))


def _exercise(stack: Stack) -> None:
    """Cases opened, answered and one resolved; a rejected webhook, a quarantined payload and
    a message every consumer of its topic dead-letters."""
    ingest = stack.url("ingest")
    with httpx.Client(timeout=10) as http:
        conversations = []
        for text in MESSAGES:
            conversation = f"prom-{uuid.uuid4().hex[:8]}"
            message = {"message_id": conversation, "conversation_id": conversation, "text": text}
            assert post_generic_webhook(http, ingest, TEST_SECRET, message).status_code == 200
            conversations.append(conversation)
        for conversation in conversations:
            case = eventually(lambda c=conversation: _case_of(http, stack, c))
            reply = http.post(
                f"{stack.url('respond')}/cases/{case['id']}/replies",
                json={"text": "Merci, nous regardons.", "version": case["version"]},
                headers=AUTH,
            )
            assert reply.status_code == 201, reply.text
        _resolve(stack, case)
        forged = post_generic_webhook(http, ingest, "not-the-secret", {"message_id": "forged"})
        assert forged.status_code == 401
        unparsable = post_generic_webhook(http, ingest, TEST_SECRET, {"text": "no message id"})
        assert unparsable.status_code == 422
    asyncio.run(_publish(stack, Topic.INTERACTIONS_RECEIVED, "poison", b"not an event"))


@pytest.fixture(scope="module")
def monitored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    _tool("prometheus")
    stack = make_stack(tmp_path_factory.mktemp("prometheus"), prometheus=True)
    stack.options.scrape_interval = "1s"
    stack.start()
    try:
        _exercise(stack)
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def prometheus(monitored: Stack) -> Iterator[httpx.Client]:
    assert monitored.prometheus_url is not None, "the stack did not start Prometheus"
    with httpx.Client(base_url=monitored.prometheus_url, timeout=10) as client:
        yield client


# -- promtool ---------------------------------------------------------------------------------


def test_runner_config_passes_promtool_with_the_deploy_alert_rules(monitored: Stack) -> None:
    config = monitored.data_dir / "prometheus" / "prometheus.yml"
    assert yaml.safe_load(config.read_text())["rule_files"] == [str(ALERT_RULES)]
    checked = _promtool("check", "config", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_deploy_config_passes_promtool(tmp_path: Path) -> None:
    syntax = _promtool("check", "config", "--syntax-only", str(DEPLOY_CONFIG))
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr
    # In full, with its rule file where compose mounts it from.
    config = yaml.safe_load(DEPLOY_CONFIG.read_text())
    config["rule_files"] = [str(ALERT_RULES)]
    copy = tmp_path / "prometheus.yml"
    copy.write_text(yaml.safe_dump(config))
    full = _promtool("check", "config", str(copy))
    assert full.returncode == 0, full.stdout + full.stderr


def test_alert_rules_pass_promtool() -> None:
    checked = _promtool("check", "rules", str(ALERT_RULES))
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_service_exposition_passes_promtool_check_metrics(monitored: Stack, service: str) -> None:
    exposition = httpx.get(f"{monitored.url(service)}/metrics", timeout=10).text
    checked = _promtool("check", "metrics", stdin=exposition)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (checked.stdout + checked.stderr).strip() == ""


# -- the running Prometheus -------------------------------------------------------------------


def test_prometheus_scrapes_every_service(prometheus: httpx.Client) -> None:
    def all_up() -> bool:
        targets = prometheus.get("/api/v1/targets").json()["data"]["activeTargets"]
        health = {t["labels"]["job"]: t["health"] for t in targets}
        assert {job: health.get(job) for job in SERVICE_NAMES} == dict.fromkeys(SERVICE_NAMES, "up")
        return True

    eventually(all_up, timeout=60)


def test_prometheus_evaluates_the_deploy_alert_rules(prometheus: httpx.Client) -> None:
    groups = prometheus.get("/api/v1/rules").json()["data"]["groups"]
    loaded = {rule["name"] for group in groups for rule in group["rules"]}
    defined = yaml.safe_load(ALERT_RULES.read_text())["groups"]
    assert loaded == {rule["alert"] for group in defined for rule in group["rules"]}


def _query(prometheus: httpx.Client, expression: str) -> list[dict[str, Any]]:
    response = prometheus.get("/api/v1/query", params={"query": expression})
    body = response.json()
    assert body["status"] == "success", f"{expression}: {body}"
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def _substitute(expression: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match["braced"] or match["bare"]
        assert name in values, f"no value for ${name} in {expression}"
        return values[name]

    return re.sub(r"\$(?:\{(?P<braced>\w+)\}|(?P<bare>\w+))", value, expression)


def _variable_values(prometheus: httpx.Client, dashboard: dict[str, Any]) -> dict[str, str]:
    """Each variable's value, in order: its "all" value, or the test agency, which its own
    ``label_values(...)`` query must offer."""
    values = dict(GRAFANA_VARIABLES)
    for variable in dashboard["templating"]["list"]:
        name = variable["name"]
        if variable.get("includeAll") and "allValue" in variable:
            values[name] = variable["allValue"]
            continue
        query = re.fullmatch(r"label_values\((.+), (\w+)\)", variable["query"]["query"])
        assert query is not None, variable["query"]
        selector, label = _substitute(query[1], values), query[2]
        offered = prometheus.get(f"/api/v1/label/{label}/values", params={"match[]": selector})
        assert VARIABLE_VALUES[name] in offered.json()["data"], (name, offered.json())
        values[name] = VARIABLE_VALUES[name]
    return values


def _panel_queries() -> list[Any]:
    cases = []
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard["panels"]:
            for target in panel.get("targets") or []:
                case_id = f"{dashboard['uid']}:{panel['title']}:{target['refId']}"
                cases.append(pytest.param(dashboard, target["expr"], id=case_id))
    return cases


@pytest.mark.parametrize(("dashboard", "expression"), _panel_queries())
def test_dashboard_query_returns_series(
    prometheus: httpx.Client, dashboard: dict[str, Any], expression: str
) -> None:
    values = eventually(lambda: _variable_values(prometheus, dashboard), timeout=60)
    query = _substitute(expression, values)
    eventually(lambda: _query(prometheus, query), timeout=60)
