"""Background workers a service runs beside its consumers (``start()`` / ``async stop()``)."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    """Awaits ``step`` at once and then every ``interval_s``; a failing step is logged and tried
    again at the next tick. ``close`` runs once the worker stopped."""

    def __init__(
        self,
        name: str,
        step: Callable[[], Awaitable[None]],
        *,
        interval_s: float,
        close: Callable[[], Awaitable[None]] | None = None,
        first_after_s: float = 0.0,
    ) -> None:
        self.name = name
        self.step = step
        self.interval_s = interval_s
        self.close = close
        self.first_after_s = first_after_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.close is not None:
            await self.close()

    async def _loop(self) -> None:
        await asyncio.sleep(self.first_after_s)
        while True:
            try:
                await self.step()
            except Exception as error:
                log.warning(f"{self.name}_failed", extra={"error": type(error).__name__})
            await asyncio.sleep(self.interval_s)


class Closing:
    """A worker with nothing to run: it closes a resource (a client) when the service stops."""

    def __init__(self, close: Callable[[], Awaitable[None]]) -> None:
        self.close = close

    def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self.close()
