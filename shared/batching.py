"""Group commit: concurrent callers share one write.

While a write is in flight, new submissions queue up; when it completes, everything queued goes
out in the next single write. There is no timer: at low load each submission is written at once,
under load batches grow by themselves. The embedded database takes ~300 single inserts/s but
~3,000 documents/s in batches, so this is what lets concurrent webhooks be durable quickly.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommitter(Generic[T, R]):
    """``await submit(items)`` returns ``flush``'s results for exactly those items, in order."""

    def __init__(
        self, flush: Callable[[list[T]], Awaitable[Sequence[R]]], *, max_batch: int = 1000
    ) -> None:
        self._flush = flush
        self.max_batch = max_batch
        self._queue: list[tuple[list[T], asyncio.Future[list[R]]]] = []
        self._writing = False

    async def submit(self, items: Sequence[T]) -> list[R]:
        if not items:
            return []
        future: asyncio.Future[list[R]] = asyncio.get_running_loop().create_future()
        self._queue.append((list(items), future))
        if not self._writing:
            self._writing = True
            asyncio.create_task(self._drain())  # noqa: RUF006 - the futures hold the outcome
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._take()
                items = [item for chunk, _ in batch for item in chunk]
                try:
                    results = list(await self._flush(items))
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                start = 0
                for chunk, future in batch:
                    if not future.done():
                        future.set_result(results[start : start + len(chunk)])
                    start += len(chunk)
        finally:
            self._writing = False

    def _take(self) -> list[tuple[list[T], asyncio.Future[list[R]]]]:
        taken: list[tuple[list[T], asyncio.Future[list[R]]]] = []
        size = 0
        while self._queue and (not taken or size + len(self._queue[0][0]) <= self.max_batch):
            chunk = self._queue.pop(0)
            taken.append(chunk)
            size += len(chunk[0])
        return taken
