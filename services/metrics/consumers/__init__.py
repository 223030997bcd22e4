"""Metrics' subscribers, one module per topic; all in one consumer group, a fetched batch at a
time."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from faststream.kafka import KafkaMessage
from pydantic import TypeAdapter

from shared.bus import DeadLetters, isolate_failures, parse_or_dead_letter

GROUP = "metrics"

T = TypeVar("T")


async def record_batch(
    bodies: list[bytes],
    message: KafkaMessage,
    adapter: TypeAdapter[T],
    record: Callable[[list[T]], Awaitable[object]],
    *,
    dead_letters: DeadLetters,
) -> None:
    """A body that is no event of ``adapter`` goes to the DLQ; the others are recorded together
    (one by one, dead-lettering what fails, if the batch fails for good)."""
    records, events = await parse_or_dead_letter(
        message.raw_message, bodies, adapter, dead_letters=dead_letters, group=GROUP
    )
    if events:
        await isolate_failures(records, events, record, dead_letters=dead_letters, group=GROUP)
