"""The one Kafka mechanics module: broker factory, consumer options, dead letters, topics."""

import asyncio
import contextlib
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy, BaseMiddleware
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.message import StreamMessage
from prometheus_client import Counter
from pydantic import TypeAdapter, ValidationError
from pymongo.errors import ConnectionFailure, OperationFailure

from shared.errors import Transient
from shared.outbox import BrokerIdentity
from shared.settings import KafkaSettings
from shared.telemetry import Telemetry
from shared.topics import Topic, dlq_topic

log = logging.getLogger(__name__)

# tansu never answers a waiting fetch early: a short wait keeps each hop at a few ms.
FETCH_MAX_WAIT_MS = 20
# Notice recreated topics and a restarted broker within seconds, not minutes.
METADATA_MAX_AGE_MS = 3000

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    Transient,
    ConnectionFailure,
    OperationFailure,
    KafkaError,
    TimeoutError,
    OSError,
)
RETRY_DELAYS_S = (0.1, 0.5, 2.0)
# Batch consumers: as many records as one fetch brought, up to this many; a short poll, since
# FastStream sleeps as long again when a poll comes back empty.
BATCH_MAX_RECORDS = 256
BATCH_POLL_MS = 10

T = TypeVar("T")


def consumer_options(*, group: str) -> dict[str, Any]:
    """Subscriber options every consumer uses: commit only after the handler succeeded."""
    return {
        "group_id": group,
        "auto_offset_reset": "earliest",
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "fetch_max_wait_ms": FETCH_MAX_WAIT_MS,
        # tansu holds a JoinGroup for about half the session timeout: 2 s joins in ~1 s and
        # rejoins within ~1 s after a broker restart.
        "session_timeout_ms": 2_000,
        "heartbeat_interval_ms": 300,
    }


async def raw_bodies(msg: StreamMessage[Any]) -> list[bytes]:
    """Decoder of a batch subscriber: the records' bytes, each parsed (and maybe refused)
    by the handler on its own, so one bad record never fails its whole batch."""
    return [bytes(body) for body in msg.body]


def batch_consumer_options(*, group: str, max_records: int = BATCH_MAX_RECORDS) -> dict[str, Any]:
    """Options of a batch subscriber (``bodies: list[bytes]``); committed after the handler, as
    ``consumer_options``. The handler dead-letters a record it cannot process itself
    (``isolate_failures``): the broker middleware only sees whole batches."""
    return {
        **consumer_options(group=group),
        "batch": True,
        "max_records": max_records,
        "batch_timeout_ms": BATCH_POLL_MS,
        "decoder": raw_bodies,
    }


class DeadLetters:
    """Broker middleware factory: permanent failures go to ``<topic>.dlq.<group>``.

    Transient failures (database or broker unreachable) are retried with a bounded backoff and
    then re-raised, so the subscriber nacks: the partition waits and nothing is lost.
    """

    def __init__(self, telemetry: Telemetry) -> None:
        self.broker: KafkaBroker | None = None
        self.dead_lettered = Counter(
            "agora_dead_lettered_total",
            "Messages sent to a dead-letter topic.",
            ["topic", "group", "error"],
            registry=telemetry.registry,
        )

    def __call__(self, msg: Any, /, *, context: Any) -> "_DeadLetterScope":
        return _DeadLetterScope(msg, context=context, owner=self)

    async def send(
        self, record: ConsumerRecord[Any, Any], *, group: str, error: BaseException
    ) -> None:
        """Publish ``record`` as it came, with the error in headers, to its group's DLQ."""
        if self.broker is None:
            raise RuntimeError("dead letters need the broker they belong to")
        name = type(error).__name__
        headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
        headers |= {
            "x-agora-dlq-error": name,
            "x-agora-dlq-detail": "".join(traceback.format_exception_only(error))[:2000],
            "x-agora-dlq-source-topic": record.topic,
            "x-agora-dlq-source-partition": str(record.partition),
            "x-agora-dlq-source-offset": str(record.offset),
        }
        await self.broker.publish(
            record.value, topic=dlq_topic(record.topic, group), key=record.key, headers=headers
        )
        self.dead_lettered.labels(record.topic, group, name).inc()
        log.error(
            "message_dead_lettered", extra={"topic": record.topic, "group": group, "error": name}
        )


async def parse_or_dead_letter(
    records: Sequence[ConsumerRecord[Any, Any]],
    bodies: Sequence[bytes],
    adapter: TypeAdapter[T],
    *,
    dead_letters: DeadLetters,
    group: str,
) -> tuple[list[ConsumerRecord[Any, Any]], list[T]]:
    """Each body parsed by ``adapter``, with its record, in order; a body that does not parse
    goes to the DLQ with its record."""
    kept: list[ConsumerRecord[Any, Any]] = []
    items: list[T] = []
    for record, body in zip(records, bodies, strict=True):
        try:
            items.append(adapter.validate_json(body))
        except ValidationError as error:
            await dead_letters.send(record, group=group, error=error)
            continue
        kept.append(record)
    return kept, items


async def isolate_failures(
    records: Sequence[ConsumerRecord[Any, Any]],
    items: Sequence[T],
    handle: Callable[[list[T]], Awaitable[object]],
    *,
    dead_letters: DeadLetters,
    group: str,
) -> None:
    """``handle`` all items at once; if that fails for good, one at a time, dead-lettering
    each item that still fails. Transient failures propagate (retry, then nack the batch)."""
    try:
        await handle(list(items))
        return
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        if len(items) == 1:
            await dead_letters.send(records[0], group=group, error=error)
            return
        log.warning("batch_failed_retrying_one_by_one", extra={"group": group})
    for record, item in zip(records, items, strict=True):
        try:
            await handle([item])
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            await dead_letters.send(record, group=group, error=error)


async def handle_batch(
    records: Sequence[ConsumerRecord[Any, Any]],
    bodies: Sequence[bytes],
    adapter: TypeAdapter[T],
    handle: Callable[[list[T]], Awaitable[object]],
    *,
    dead_letters: DeadLetters,
    group: str,
) -> None:
    """What a batch subscriber does with what it fetched: a body that ``adapter`` does not
    parse goes to the DLQ; the others are handled together (``isolate_failures``)."""
    kept, items = await parse_or_dead_letter(
        records, bodies, adapter, dead_letters=dead_letters, group=group
    )
    if items:
        await isolate_failures(kept, items, handle, dead_letters=dead_letters, group=group)


class _DeadLetterScope(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: Any, owner: DeadLetters) -> None:
        super().__init__(msg, context=context)
        self.owner = owner

    async def consume_scope(self, call_next: Any, msg: StreamMessage[Any]) -> Any:
        for delay in RETRY_DELAYS_S:
            try:
                return await call_next(msg)
            except TRANSIENT_ERRORS as error:
                log.warning("handler_transient_failure", extra={"error": type(error).__name__})
                await asyncio.sleep(delay)
        return await call_next(msg)

    async def after_processed(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> bool:
        if exc_val is None or isinstance(exc_val, (*TRANSIENT_ERRORS, asyncio.CancelledError)):
            return False
        record = self.msg
        if not isinstance(record, ConsumerRecord) or self.owner.broker is None:
            return False
        handler = self.context.get_local("handler_")
        group = getattr(handler, "group_id", None) or "nogroup"
        await self.owner.send(record, group=group, error=exc_val)
        return True


def build_broker(settings: KafkaSettings, *, telemetry: Telemetry) -> KafkaBroker:
    """A broker with tracing, Prometheus and dead-letter middlewares; connects on ``start``."""
    dead_letters = DeadLetters(telemetry)
    broker = KafkaBroker(
        settings.bootstrap_servers,
        client_id=f"agora-{telemetry.service}",
        metadata_max_age_ms=METADATA_MAX_AGE_MS,
        request_timeout_ms=15_000,  # well above a group join, or joins time out
        retry_backoff_ms=100,
        acks="all",
        linger_ms=2,  # concurrent publishes share one produce request (group commit, Kafka side)
        middlewares=[
            KafkaTelemetryMiddleware(tracer_provider=telemetry.tracer_provider),
            KafkaPrometheusMiddleware(
                registry=telemetry.registry,
                app_name=telemetry.service,
                metrics_prefix="agora_faststream",
            ),
            dead_letters,
        ],
        logger=logging.getLogger(f"agora.{telemetry.service}.bus"),
        log_level=logging.DEBUG,  # per-message "Received"/"Processed" lines only when debugging
        graceful_timeout=10.0,
    )
    dead_letters.broker = broker
    broker.context.set_global("dead_letters", dead_letters)  # for batch handlers
    return broker


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str] = tuple(Topic)) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created. Idempotent."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers, request_timeout_ms=10_000
    )
    await admin.start()
    created = []
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(
                        t,
                        num_partitions=settings.partitions,
                        replication_factor=settings.replication_factor,
                    )
                    for t in missing
                ]
            )
            for topic, code, message in response.topic_errors:
                if code == 0:
                    created.append(topic)
                elif code != TopicAlreadyExistsError.errno:
                    raise KafkaError(f"cannot create topic {topic}: error {code} {message}")
    finally:
        await admin.close()
    return created


class BrokerProbe:
    """Reads the broker's identity for the outbox relay and answers readiness probes."""

    def __init__(self, settings: KafkaSettings, topics: Iterable[str] = tuple(Topic)) -> None:
        self.settings = settings
        self.topics = tuple(topics)
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        """Connect lazily, and again after a failure, so a late broker is picked up."""
        if self._admin is None or self._consumer is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self.settings.bootstrap_servers, request_timeout_ms=5_000
            )
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.settings.bootstrap_servers,
                enable_auto_commit=False,
                metadata_max_age_ms=METADATA_MAX_AGE_MS,
                request_timeout_ms=5_000,
            )
            try:
                await admin.start()
                await consumer.start()
            except BaseException:
                await self._close(admin, consumer)
                raise
            self._admin, self._consumer = admin, consumer
        return self._admin, self._consumer

    @staticmethod
    async def _close(admin: AIOKafkaAdminClient | None, consumer: AIOKafkaConsumer | None) -> None:
        with contextlib.suppress(Exception):
            if consumer is not None:
                await consumer.stop()
        with contextlib.suppress(Exception):
            if admin is not None:
                await admin.close()

    async def stop(self) -> None:
        await self._close(self._admin, self._consumer)
        self._admin = self._consumer = None

    async def identify(self) -> BrokerIdentity:
        admin, consumer = await self._clients()
        try:
            cluster = await admin.describe_cluster()
            await consumer.topics()  # refreshes partition metadata
            partitions = [
                TopicPartition(topic, p)
                for topic in self.topics
                for p in consumer.partitions_for_topic(topic) or ()
            ]
            ends = await consumer.end_offsets(partitions) if partitions else {}
        except Exception:
            await self.stop()
            raise
        cluster_id = cluster.get("cluster_id")
        if not cluster_id:  # a broker still starting: ask again rather than remember nothing
            raise KafkaError("the broker did not say its cluster id yet")
        return BrokerIdentity(
            cluster_id=str(cluster_id),
            end_offsets={f"{tp.topic}:{tp.partition}": off for tp, off in ends.items()},
        )

    async def ping(self) -> None:
        admin, _ = await self._clients()
        try:
            await admin.describe_cluster()
        except Exception:
            await self.stop()
            raise


def kafka_publisher(
    broker: KafkaBroker,
) -> Callable[[str, bytes, bytes], Awaitable[tuple[str, int]]]:
    """Publish raw JSON bytes; returns the record's "topic:partition" and offset."""

    async def publish(topic: str, key: bytes, value: bytes) -> tuple[str, int]:
        meta = await broker.publish(
            value, topic=topic, key=key, headers={"content-type": "application/json"}
        )
        return f"{meta.topic}:{meta.partition}", meta.offset

    return publish
