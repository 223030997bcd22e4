"""Consumer lag of Agora's consumer groups, read from Kafka in the background and exported.

Lag of a group on a topic: over the topic's partitions, end offset minus the group's committed
offset (a partition it never committed on counts from the log start, where it will begin).
The topics are the pipeline's contract topics; a group is known to read those it has committed
on, so a group shows up after its first commit.
"""

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.metrics.gauges import Snapshot
from shared.settings import KafkaSettings
from shared.topics import Topic

# The consumer groups of the pipeline (each service consumes under its own name).
LAG_GROUPS = ("classify", "respond", "metrics")

Lag = Counter[tuple[str, str]]


def consumer_lag(
    committed: Mapping[str, Mapping[TopicPartition, int]],
    ends: Mapping[TopicPartition, int],
    starts: Mapping[TopicPartition, int],
) -> Lag:
    """Messages not yet committed, per (group, topic), over every partition of the topics each
    group committed on (a negative offset: no commit); never negative (a broker that lost its
    log restarts its offsets)."""
    lag: Lag = Counter()
    for group, offsets in committed.items():
        topics = {tp.topic for tp, offset in offsets.items() if offset >= 0}
        for tp, end in ends.items():
            if tp.topic not in topics:
                continue
            position = offsets.get(tp, -1)
            if position < 0:
                position = starts.get(tp, 0)
            lag[(group, tp.topic)] += max(0, end - position)
    return lag


class ConsumerLagReader:
    """Reads committed and end offsets; connects lazily and again after a failure."""

    def __init__(
        self,
        settings: KafkaSettings,
        groups: Sequence[str] = LAG_GROUPS,
        topics: Sequence[str] = tuple(Topic),
    ) -> None:
        self.settings = settings
        self.groups = tuple(groups)
        self.topics = tuple(topics)
        self._admin: AIOKafkaAdminClient | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._consumer is None:
            bootstrap = self.settings.bootstrap_servers
            self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
            self._consumer = AIOKafkaConsumer(
                bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=5000
            )
            try:
                await self._admin.start()
                await self._consumer.start()
            except BaseException:
                await self.close()
                raise
        return self._admin, self._consumer

    async def read(self) -> Lag:
        admin, consumer = await self._clients()
        try:
            await consumer.topics()  # refreshes partition metadata
            partitions = [
                TopicPartition(topic, p)
                for topic in self.topics
                for p in consumer.partitions_for_topic(topic) or ()
            ]
            if not partitions:
                return Counter()
            # Partitions named explicitly: tansu drops the connection on "all of the group's".
            committed = {
                group: {
                    tp: meta.offset
                    for tp, meta in (
                        await admin.list_consumer_group_offsets(group, partitions=partitions)
                    ).items()
                }
                for group in self.groups
            }
            ends = await consumer.end_offsets(partitions)
            starts = await consumer.beginning_offsets(partitions)
        except BaseException:
            await self.close()
            raise
        return consumer_lag(committed, ends, starts)

    async def close(self) -> None:
        admin, consumer, self._admin, self._consumer = self._admin, self._consumer, None, None
        with contextlib.suppress(Exception):
            if consumer is not None:
                await consumer.stop()
        with contextlib.suppress(Exception):
            if admin is not None:
                await admin.close()


class ConsumerLagGauge(Collector):
    """``agora_metrics_consumer_lag_messages{group,topic}`` from the latest fresh reading."""

    def __init__(self) -> None:
        self.snapshot = Snapshot[Lag]()

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "agora_metrics_consumer_lag_messages",
            "Messages on a topic that a consumer group has not committed yet.",
            labels=["group", "topic"],
        )

    def describe(self) -> Iterable[Metric]:
        return [self._family()]

    def collect(self) -> Iterator[Metric]:
        family = self._family()
        for (group, topic), messages in sorted((self.snapshot.fresh() or {}).items()):
            family.add_metric([group, topic], messages)
        yield family
