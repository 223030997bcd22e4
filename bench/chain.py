"""The minimal chain of ``../shared/ENGINES.md``, the ceiling Agora is measured against.

HTTP (FastAPI, raw body) -> Kafka -> transform consumer -> Kafka -> sink consumer -> MongoDB
``insert_many``, each stage its own process, on the same engines as Agora. Durable before the
2xx: the HTTP stage answers once Kafka acknowledged the record. The sink stores, per record,
when the HTTP stage received it and when it was stored, and the load generator's sequence
number (``x-bench-seq``), so latency is measured from the client's send time.

    python -m bench.chain http|transform|sink --kafka H:P [--mongo URI --times FILE] [--port N]
"""

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

IN, OUT = "bench.chain.in", "bench.chain.out"
GROUP_TRANSFORM, GROUP_SINK = "bench-chain-transform", "bench-chain-sink"
FETCH_WAIT_MS = 20  # as Agora's consumers (shared/bus.py)


def http_app(kafka: str) -> Any:
    from contextlib import asynccontextmanager

    from aiokafka import AIOKafkaProducer
    from fastapi import FastAPI, Request, Response

    producers: list[AIOKafkaProducer] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=2)
        await producer.start()
        producers.append(producer)
        try:
            yield
        finally:
            await producer.stop()

    app = FastAPI(lifespan=lifespan)

    @app.post("/webhooks/{channel}/{connection_id}")
    async def receive(channel: str, connection_id: str, request: Request) -> Response:
        body = await request.body()
        headers = [
            ("seq", request.headers.get("x-bench-seq", "-1").encode()),
            ("received", repr(time.time()).encode()),
        ]
        await producers[0].send_and_wait(IN, body, key=connection_id.encode(), headers=headers)
        return Response(b'{"status":"accepted"}', media_type="application/json")

    return app


async def transform(kafka: str) -> None:
    """Parse, add a field, produce onward; commit after the batch is acknowledged."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    consumer = AIOKafkaConsumer(
        IN,
        bootstrap_servers=kafka,
        group_id=GROUP_TRANSFORM,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=FETCH_WAIT_MS,
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all", linger_ms=2)
    await consumer.start()
    await producer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            sends = []
            for records in batches.values():
                for record in records:
                    event = _parse(record.value)
                    event["transformed_at"] = time.time()
                    value = json.dumps(event).encode()
                    sends.append(
                        await producer.send(
                            OUT, value, key=record.key, headers=list(record.headers)
                        )
                    )
            if sends:
                await asyncio.gather(*sends)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


def _parse(value: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None  # a form-encoded body (Twilio) stays as text
    return parsed if isinstance(parsed, dict) else {"raw": value.decode(errors="replace")}


async def sink(kafka: str, mongo: str, times: Path) -> None:
    """One ``insert_many`` per fetched batch, then commit; ``times`` gets a line per record:
    sequence number, received (HTTP stage), stored."""
    from aiokafka import AIOKafkaConsumer
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo)
    stored = client["bench_chain"]["events"]
    consumer = AIOKafkaConsumer(
        OUT,
        bootstrap_servers=kafka,
        group_id=GROUP_SINK,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=FETCH_WAIT_MS,
    )
    await consumer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            docs = []
            for records in batches.values():
                for record in records:
                    headers = {k: v.decode() for k, v in record.headers}
                    docs.append(
                        {
                            "event": json.loads(record.value),
                            "seq": int(headers["seq"]),
                            "received": float(headers["received"]),
                        }
                    )
            if docs:
                await stored.insert_many(docs, ordered=False)
                now = time.time()
                with times.open("a") as out:  # when each became visible, outside the database
                    out.writelines(f"{d['seq']} {d['received']} {now}\n" for d in docs)
                await consumer.commit()
    finally:
        await consumer.stop()
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stage", choices=["http", "transform", "sink"])
    parser.add_argument("--kafka", required=True)
    parser.add_argument("--mongo", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--times", default="chain-times.txt", help="sink: stored times file")
    args = parser.parse_args()
    if args.stage == "http":
        import uvicorn

        uvicorn.run(
            http_app(args.kafka),
            host="127.0.0.1",
            port=args.port,
            log_level="warning",
            access_log=False,
        )
    elif args.stage == "transform":
        asyncio.run(transform(args.kafka))
    else:
        asyncio.run(sink(args.kafka, args.mongo, Path(args.times)))


if __name__ == "__main__":
    main()
