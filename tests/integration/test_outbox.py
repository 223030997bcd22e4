"""The outbox relay on the real broker and database: sweep, mark, and replay on a new broker."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from shared.bus import BrokerProbe, ensure_topics, kafka_publisher
from shared.clock import utc_now
from shared.mongo import Database, open_mongo
from shared.outbox import OUTBOX_FIELD, PUBLISHED, Outbox
from shared.runner.stack import Stack
from shared.settings import KafkaSettings, MongoSettings
from shared.topics import Topic
from tests.integration.kafka import records_containing

pytestmark = pytest.mark.integration

TOPIC = str(Topic.RESPONSES_DELIVERED)


async def _consume_values(bootstrap: str, marker: str, expected: int) -> list[str]:
    records = await records_containing(bootstrap, TOPIC, marker, expected=expected)
    return [r.value.decode() for r in records]


@pytest.fixture
async def db(engines: Stack) -> AsyncIterator[Database]:
    settings = MongoSettings(uri=engines.mongo_uri)  # type: ignore[arg-type]
    async with open_mongo(settings, f"outbox_test_{uuid.uuid4().hex[:8]}") as database:
        yield database


@pytest.fixture
async def relay(engines: Stack, db: Database) -> AsyncIterator[Outbox]:
    kafka = KafkaSettings(bootstrap_servers=engines.bootstrap)
    await ensure_topics(kafka)
    broker = KafkaBroker(engines.bootstrap)
    await broker.connect()
    probe = BrokerProbe(kafka)
    outbox = Outbox(
        db,
        collections=["things"],
        publish=kafka_publisher(broker),
        identify=probe.identify,
        prepare=lambda: ensure_topics(kafka),
        clock=utc_now,
    )
    await outbox.ensure_indexes()
    try:
        yield outbox
    finally:
        await outbox.stop()
        await probe.stop()
        await broker.stop()


def _entry(marker: str, created_at: datetime) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "topic": TOPIC,
        "key": "lyon:generic:c1",
        "value": json.dumps({"marker": marker}),
        "created_at": created_at,
    }


async def test_sweep_publishes_what_a_crash_left_and_empties_the_outbox(
    engines: Stack, db: Database, relay: Outbox
) -> None:
    marker = uuid.uuid4().hex
    old = datetime.now(UTC) - timedelta(minutes=1)
    await db["things"].insert_one({"_id": "t1", OUTBOX_FIELD: [_entry(marker, old)]})

    assert await relay.sweep() == 1
    await relay.stop()  # flushes the published marks

    assert await _consume_values(engines.bootstrap, marker, 1) == [json.dumps({"marker": marker})]
    document = await db["things"].find_one({"_id": "t1"})
    assert document is not None
    assert document[OUTBOX_FIELD] == []
    assert await db[PUBLISHED].count_documents({}) == 1
    assert await relay.sweep() == 0


async def test_a_new_broker_gets_every_event_published_since_the_previous_one_started(
    engines: Stack, db: Database, relay: Outbox
) -> None:
    await relay.check_broker()  # remembers this broker
    markers = [uuid.uuid4().hex for _ in range(3)]
    for index, marker in enumerate(markers):
        entry = _entry(marker, utc_now())
        await db["things"].insert_one({"_id": f"r{index}", OUTBOX_FIELD: [entry]})
        await relay.publish("things", f"r{index}", [entry])
    await relay.stop()

    engines.kill_broker()  # memory only: every record is gone
    engines.start_broker()
    for _ in range(20):  # the first calls meet the old, closed connections
        try:
            await relay.check_broker()  # sees a new cluster id and replays
            break
        except KafkaError:
            await asyncio.sleep(0.25)

    for marker in markers:
        assert len(await _consume_values(engines.bootstrap, marker, 1)) == 1
