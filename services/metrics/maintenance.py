"""The roll-up refresh and the retention purge, as one step for a periodic worker."""

from collections.abc import Callable
from datetime import datetime, timedelta

from services.metrics import usecases
from services.metrics.agencies import Agencies
from services.metrics.ports import RollupStore, TimelineStore

PURGE_EVERY = timedelta(hours=1)


class RollupMaintenance:
    """Refresh the roll-ups at each step; purge what is past retention at most hourly.

    Run it on one replica (``rollup_interval_s`` 0 on the others): two replicas refreshing
    at once never double count, but one may briefly write a day's rows from older
    contributions, until the next change of that day.
    """

    def __init__(
        self,
        *,
        store: TimelineStore,
        rollups: RollupStore,
        agencies: Agencies,
        retention: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.rollups = rollups
        self.agencies = agencies
        self.retention = retention
        self.clock = clock
        self.purged_at: datetime | None = None

    async def step(self) -> None:
        now = self.clock()
        await usecases.refresh_rollups(
            store=self.store, rollups=self.rollups, agencies=self.agencies, now=now
        )
        if self.purged_at is None or now - self.purged_at >= PURGE_EVERY:
            await usecases.purge_expired(
                store=self.store, rollups=self.rollups, now=now, retention=self.retention
            )
            self.purged_at = now
