"""Consumers on the real broker: poison goes to the group's DLQ, transient failures retry."""

import asyncio
import json
import uuid
from typing import Any

import pytest
from faststream.kafka import KafkaBroker

from shared.bus import build_broker, consumer_options, ensure_topics
from shared.errors import Transient
from shared.runner.stack import Stack
from shared.settings import KafkaSettings, TelemetrySettings
from shared.telemetry import build_telemetry
from shared.topics import Topic, dlq_topic
from tests.integration.kafka import records_containing

pytestmark = pytest.mark.integration

TOPIC = Topic.RESPONSES_DELIVERED


async def test_poison_message_lands_in_the_group_dlq_and_transient_failures_retry(
    engines: Stack,
) -> None:
    group = f"dlq-test-{uuid.uuid4().hex[:8]}"
    marker = uuid.uuid4().hex
    kafka = KafkaSettings(bootstrap_servers=engines.bootstrap)
    telemetry = build_telemetry("test", TelemetrySettings())
    broker: KafkaBroker = build_broker(kafka, telemetry=telemetry)
    await ensure_topics(kafka, [str(TOPIC), dlq_topic(TOPIC, group)])
    attempts: dict[str, int] = {}
    handled: list[str] = []
    done = asyncio.Event()

    @broker.subscriber(TOPIC, **consumer_options(group=group))
    async def handle(body: dict[str, Any]) -> None:
        if body.get("marker") != marker:
            return
        attempts[body["kind"]] = attempts.get(body["kind"], 0) + 1
        if body["kind"] == "poison":
            raise ValueError("this message can never be processed")
        if body["kind"] == "flaky" and attempts["flaky"] < 3:
            raise Transient("not yet")
        handled.append(body["kind"])
        done.set()

    await broker.start()
    try:
        await broker.publish({"marker": marker, "kind": "poison"}, topic=TOPIC, key=b"k")
        await broker.publish({"marker": marker, "kind": "flaky"}, topic=TOPIC, key=b"k")
        await asyncio.wait_for(done.wait(), timeout=60)
    finally:
        await broker.stop()

    assert handled == ["flaky"]
    assert attempts == {"poison": 1, "flaky": 3}
    [record] = await records_containing(engines.bootstrap, dlq_topic(TOPIC, group), marker)
    headers = {k: v.decode() for k, v in record.headers}
    assert headers["x-agora-dlq-error"] == "ValueError"
    assert headers["x-agora-dlq-source-topic"] == TOPIC
    assert json.loads(record.value) == {"marker": marker, "kind": "poison"}
    assert (
        telemetry.registry.get_sample_value(
            "agora_dead_lettered_total", {"topic": TOPIC, "group": group, "error": "ValueError"}
        )
        == 1
    )
