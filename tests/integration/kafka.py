"""Reading a topic from the start, for tests that check what was really published."""

from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord


async def records_containing(
    bootstrap: str,
    topic: str,
    marker: str,
    *,
    expected: int = 1,
    polls: int = 60,
    enough: Callable[[list[ConsumerRecord[bytes, bytes]]], bool] | None = None,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Records of ``topic`` whose value contains ``marker``, once ``expected`` are seen (or
    once ``enough`` says so), polling a quarter of a second at most ``polls`` times."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        for _ in range(polls):
            batch = await consumer.getmany(timeout_ms=250)
            found += [r for rs in batch.values() for r in rs if marker.encode() in r.value]
            if enough(found) if enough is not None else len(found) >= expected:
                break
    finally:
        await consumer.stop()
    return found
