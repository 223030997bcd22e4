"""Raw engine rates, the floor under every figure: aiokafka produce/consume and MongoDB-wire writes.

Each runs for a bounded time against engines the caller started (tansu, SecantusDB), with
~1 KB JSON messages and ~330 B documents as in ``../shared/ENGINES.md``.
"""

import asyncio
import json
import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient, UpdateOne

from bench.stats import percentiles

PAYLOAD = json.dumps({"text": "x" * 900, "lang": "fr", "channel": "generic"}).encode()


@dataclass(frozen=True)
class KafkaRates:
    produce_per_s: float  # pipelined send(), acks=all
    consume_per_s: float  # consumer group, getmany + json.loads
    round_trip_p50_ms: float  # produce -> consume at a steady rate, fetch wait 20 ms
    round_trip_p99_ms: float


@dataclass(frozen=True)
class MongoRates:
    insert_one_per_s: float
    insert_many_per_s: float  # documents/s, batches of 500
    update_one_per_s: float  # by _id, $set
    bulk_upsert_per_s: float  # documents/s, bulk_write of 500 UpdateOne(upsert=True)
    find_one_per_s: float
    retry_writes: bool


async def _topic(bootstrap: str) -> str:
    name = f"bench-raw-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()
    return name


async def kafka_rates(bootstrap: str, *, seconds: float = 4.0, rate: float = 200.0) -> KafkaRates:
    topic = await _topic(bootstrap)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=2)
    await producer.start()
    try:
        sent, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            futures = [await producer.send(topic, PAYLOAD) for _ in range(500)]
            await asyncio.gather(*futures)
            sent += len(futures)
        produce = sent / (time.perf_counter() - started)
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap,
            group_id=f"g-{topic}",
            auto_offset_reset="earliest",
            fetch_max_wait_ms=20,
        )
        await consumer.start()
        try:
            consume = await _consume(consumer, sent)
            trip = await _round_trip(producer, consumer, topic, seconds=seconds, rate=rate)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()
    p50, p99 = percentiles(trip, (50, 99))
    return KafkaRates(produce, consume, p50 * 1e3, p99 * 1e3)


async def _consume(consumer: AIOKafkaConsumer, count: int) -> float:
    got, started = 0, 0.0
    while got < count:
        batch = await consumer.getmany(timeout_ms=1000, max_records=2000)
        if not started and batch:
            started = time.perf_counter()  # after the group join: the rate, not the join
        for records in batch.values():
            for record in records:
                json.loads(record.value)
            got += sum(len(r) for r in batch.values())
        await consumer.commit()
    return count / (time.perf_counter() - started)


async def _round_trip(
    producer: AIOKafkaProducer,
    consumer: AIOKafkaConsumer,
    topic: str,
    *,
    seconds: float,
    rate: float,
) -> list[float]:
    delays: list[float] = []

    async def receive(expected: int) -> None:
        while len(delays) < expected:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                delays.extend(now - json.loads(r.value)["t"] for r in records)

    count = int(seconds * rate)
    receiver = asyncio.create_task(receive(count))
    started = time.perf_counter()
    for i in range(count):
        await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        await producer.send(topic, json.dumps({"t": time.perf_counter()}).encode())
    await asyncio.wait_for(receiver, timeout=30)
    return delays


def _doc(i: int) -> dict[str, object]:
    return {"key": f"k{i}", "agency": "bench", "n": i, "text": "y" * 250}


async def mongo_rates(uri: str, *, seconds: float = 3.0, retry_writes: bool = True) -> MongoRates:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(uri, retryWrites=retry_writes)
    coll = client["bench_raw"][f"c{uuid.uuid4().hex[:8]}"]
    await coll.create_index("key", unique=True)

    async def timed(step: object, per_call: int = 1) -> float:
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            await step(done)  # type: ignore[operator]
            done += per_call
        return done / (time.perf_counter() - started)

    try:
        insert_one = await timed(lambda i: coll.insert_one(_doc(i)))
        base = 1_000_000
        insert_many = await timed(
            lambda i: coll.insert_many([_doc(base + i + j) for j in range(500)]), 500
        )
        update_one = await timed(
            lambda i: coll.update_one({"key": f"k{i % 200}"}, {"$set": {"n": i}})
        )
        bulk = await timed(
            lambda i: coll.bulk_write(
                [
                    UpdateOne({"key": f"u{i + j}"}, {"$set": {"n": j}}, upsert=True)
                    for j in range(500)
                ]
            ),
            500,
        )
        find_one = await timed(lambda i: coll.find_one({"key": f"k{i % 200}"}))
    finally:
        await client.drop_database("bench_raw")
        await client.close()
    return MongoRates(insert_one, insert_many, update_one, bulk, find_one, retry_writes)
