"""The outbox's broker check on fakes: a replaced broker is recognised, a busy one is not."""

from datetime import UTC, datetime
from typing import Any

from shared.outbox import BrokerIdentity, Outbox

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
SLOT = "agora.interactions.received.v1:0"


class FakeCollection:
    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        return self.docs.get(query["_id"])

    async def update_one(self, query: dict[str, Any], update: dict[str, Any], **_: Any) -> None:
        self.docs.setdefault(query["_id"], {}).update(update["$set"])


class FakeDb:
    def __init__(self) -> None:
        self.collections: dict[str, FakeCollection] = {}

    def __getitem__(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection({}))


class FakeBroker:
    """Reports a partition's end as tansu does: the last record batch's base offset plus one."""

    def __init__(self, cluster_id: str = "c1") -> None:
        self.cluster_id = cluster_id
        self.batches: list[int] = []  # sizes, in order

    def append(self, *sizes: int) -> None:
        self.batches.extend(sizes)

    async def publish(self, topic: str, key: bytes, value: bytes) -> tuple[str, int]:
        """The third record of a batch of five (four concurrent publishes joined it)."""
        base = sum(self.batches)
        self.append(5)
        return SLOT, base + 2

    async def identify(self) -> BrokerIdentity:
        base = sum(self.batches[:-1]) if self.batches else -1
        return BrokerIdentity(cluster_id=self.cluster_id, end_offsets={SLOT: base + 1})


def _outbox(broker: FakeBroker, replays: list[str]) -> Outbox:
    async def prepare() -> None:
        replays.append("replay")

    outbox = Outbox(
        FakeDb(),  # type: ignore[arg-type]
        collections=["things"],
        publish=broker.publish,
        identify=broker.identify,
        prepare=prepare,
        clock=lambda: NOW,
    )
    outbox.replay = _no_replay  # type: ignore[method-assign]
    return outbox


async def _no_replay(*, since: datetime) -> int:
    return 0


async def test_an_end_offset_behind_acknowledged_records_is_no_sign_of_a_new_broker() -> None:
    broker, replays = FakeBroker(), []
    outbox = _outbox(broker, replays)
    await outbox.check_broker()  # remembers this broker
    for _ in range(3):
        await outbox.publish("things", "t1", [_entry(1)])
        await outbox.check_broker()
    assert replays == []


async def test_a_broker_that_lost_its_log_under_the_same_cluster_id_is_recognised() -> None:
    broker, replays = FakeBroker(), []
    outbox = _outbox(broker, replays)
    broker.append(10, 10)
    await outbox.check_broker()
    broker.batches = [1]  # restarted empty, one record published since
    await outbox.check_broker()
    assert replays == ["replay"]


async def test_a_new_cluster_id_is_a_new_broker() -> None:
    broker, replays = FakeBroker(), []
    outbox = _outbox(broker, replays)
    await outbox.check_broker()
    broker.cluster_id = "c2"
    await outbox.check_broker()
    assert replays == ["replay"]


def _entry(n: int) -> dict[str, Any]:
    return {"event_id": f"e{n}", "topic": "t", "key": "k", "value": "{}", "created_at": NOW}
