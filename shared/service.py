"""The bones every service shares: database, broker, outbox relay, probes, start/stop order."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from shared.bus import BrokerProbe, ensure_topics, kafka_publisher
from shared.clock import utc_now
from shared.mongo import Database, open_mongo, ping
from shared.outbox import Outbox
from shared.settings import ServiceSettings
from shared.topics import Topic, dlq_topic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backends:
    db: Database
    broker: KafkaBroker
    outbox: Outbox


Setup = Callable[[Backends], Awaitable[dict[str, Any]]]


class Worker(Protocol):
    def start(self) -> None: ...

    async def stop(self) -> None: ...


def topics_of(broker: KafkaBroker) -> list[str]:
    """Every topic the service uses: the contract topics and its own dead-letter topics."""
    topics = [str(t) for t in Topic]
    for subscriber in broker.subscribers:
        group = getattr(subscriber, "group_id", None)
        for topic in getattr(subscriber, "topics", ()):
            name = getattr(topic, "name", topic)
            if group:
                topics.append(dlq_topic(str(name), group))
    return sorted(set(topics))


async def _connect_broker(broker: KafkaBroker, settings: ServiceSettings) -> None:
    """Create the topics and start the broker, retrying while Kafka is unreachable."""
    delay = 0.5
    while True:
        try:
            await ensure_topics(settings.kafka, topics_of(broker))
            await broker.start()
            log.info("broker_connected")
            return
        except Exception as error:
            log.warning("broker_unreachable", extra={"error": type(error).__name__})
            with contextlib.suppress(Exception):
                await broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def service_lifespan(
    settings: ServiceSettings,
    broker: KafkaBroker,
    *,
    setup: Setup,
    outbox_collections: Sequence[str] = (),
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Lifespan: open Mongo, let ``setup`` build the service's ports, then consume and relay.

    ``setup`` returns the objects handlers need; each lands in ``app.state`` (routes) and in
    this broker's context (subscribers). Under the key ``"workers"`` it may return background
    workers (``start()`` / ``async stop()``), started last. Stop order is the reverse.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_mongo(settings.mongo, settings.database_name) as db:
            probe = BrokerProbe(settings.kafka)
            outbox = Outbox(
                db,
                collections=outbox_collections,
                publish=kafka_publisher(broker),
                identify=probe.identify,
                prepare=lambda: ensure_topics(settings.kafka, topics_of(broker)),
                clock=utc_now,
            )
            await outbox.ensure_indexes()
            ports = await setup(Backends(db=db, broker=broker, outbox=outbox))
            workers: list[Worker] = list(ports.pop("workers", []))
            for name, port in {"outbox": outbox, **ports}.items():
                setattr(app.state, name, port)
                broker.context.set_global(name, port)
            app.state.readiness = {"mongo": lambda: ping(db), "kafka": probe.ping}
            connecting = asyncio.create_task(_connect_broker(broker, settings))
            outbox.start()
            for worker in workers:
                worker.start()
            try:
                yield
            finally:
                for worker in workers:
                    await worker.stop()
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await connecting
                await broker.stop()
                await outbox.stop()
                await probe.stop()

    return lifespan
