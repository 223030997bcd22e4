"""In-memory ports of the metrics use cases, with the store's write-only-on-change contract."""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from services.metrics.ports import Change
from services.metrics.reports import CaseSample
from services.metrics.timeline import Stages, Timeline

R = TypeVar("R")


def _update(records: dict[UUID, R], key: UUID, fold: Callable[[R | None], R]) -> Change[R]:
    before = records.get(key)
    after = fold(before)
    if after != before:
        records[key] = after
    return Change(before=before, after=after)


class FakeTimelineStore:
    def __init__(self) -> None:
        self.timelines: dict[UUID, Timeline] = {}
        self.stages: dict[UUID, Stages] = {}
        self.writes = 0

    async def update_timeline(
        self, case_id: UUID, fold: Callable[[Timeline | None], Timeline], *, now: datetime
    ) -> Change[Timeline]:
        change = _update(self.timelines, case_id, fold)
        self.writes += change.changed
        return change

    async def update_stages(
        self, interaction_id: UUID, fold: Callable[[Stages | None], Stages], *, now: datetime
    ) -> Change[Stages]:
        change = _update(self.stages, interaction_id, fold)
        self.writes += change.changed
        return change

    async def response_time_samples(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseSample]:
        return [
            CaseSample(
                team=t.team,
                channel=t.channel,
                priority=t.priority,
                first_response_s=t.time_to_first_response_s,
            )
            for t in self.timelines.values()
            if t.first_received_at is not None
            and start <= t.first_received_at < end
            and agency_id in (None, t.agency_id)
        ]
