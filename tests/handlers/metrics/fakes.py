"""In-memory ports of the metrics use cases, with the stores' contracts (write only on change)."""

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from typing import TypeVar
from uuid import UUID

from services.metrics.measures import CaseRecord
from services.metrics.ports import Change, fold_in_order
from services.metrics.rollups import Contribution, RollupRow
from services.metrics.timeline import Stages, Timeline

R = TypeVar("R")


def _update(
    records: dict[UUID, R],
    saved_at: dict[UUID, datetime],
    key: UUID,
    fold: Callable[[R | None], R],
    now: datetime,
) -> Change[R]:
    before = records.get(key)
    after = fold(before)
    if after != before:
        records[key] = after
        saved_at[key] = now
    return Change(before=before, after=after)


def _update_many(
    records: dict[UUID, R],
    saved_at: dict[UUID, datetime],
    folds: Sequence[tuple[UUID, Callable[[R | None], R]]],
    now: datetime,
) -> tuple[list[Change[R]], int]:
    """The changes of the folds, and how many records were saved (each changed one once)."""
    stored = {key: records.get(key) for key, _ in folds}
    changes, latest = fold_in_order(stored, folds)
    saved = {key: r for key, r in latest.items() if r is not None and r != stored[key]}
    records |= saved
    saved_at |= dict.fromkeys(saved, now)
    return changes, len(saved)


class FakeTimelineStore:
    def __init__(self) -> None:
        self.timelines: dict[UUID, Timeline] = {}
        self.stages: dict[UUID, Stages] = {}
        self.saved_at: dict[UUID, datetime] = {}
        self.stages_saved_at: dict[UUID, datetime] = {}
        self.writes = 0

    async def update_timeline(
        self, case_id: UUID, fold: Callable[[Timeline | None], Timeline], *, now: datetime
    ) -> Change[Timeline]:
        change = _update(self.timelines, self.saved_at, case_id, fold, now)
        self.writes += change.changed
        return change

    async def update_stages(
        self, interaction_id: UUID, fold: Callable[[Stages | None], Stages], *, now: datetime
    ) -> Change[Stages]:
        change = _update(self.stages, self.stages_saved_at, interaction_id, fold, now)
        self.writes += change.changed
        return change

    async def update_timelines(
        self, folds: Sequence[tuple[UUID, Callable[[Timeline | None], Timeline]]], *, now: datetime
    ) -> list[Change[Timeline]]:
        changes, saved = _update_many(self.timelines, self.saved_at, folds, now)
        self.writes += saved
        return changes

    async def update_stage_records(
        self, folds: Sequence[tuple[UUID, Callable[[Stages | None], Stages]]], *, now: datetime
    ) -> list[Change[Stages]]:
        changes, saved = _update_many(self.stages, self.stages_saved_at, folds, now)
        self.writes += saved
        return changes

    async def case_records(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseRecord]:
        return [
            CaseRecord.of(t)
            for t in self.timelines.values()
            if t.first_received_at is not None
            and start <= t.first_received_at < end
            and agency_id in (None, t.agency_id)
        ]

    async def changed_timelines(
        self, *, since: datetime | None, batch_size: int
    ) -> AsyncIterator[list[Timeline]]:
        changed = [
            t for key, t in self.timelines.items() if since is None or self.saved_at[key] >= since
        ]
        for first in range(0, len(changed), batch_size):
            yield changed[first : first + batch_size]

    async def purge(self, *, before: datetime) -> int:
        expired = [
            key
            for key, t in self.timelines.items()
            if (t.first_received_at or self.saved_at[key]) < before
        ]
        old_stages = [key for key, at in self.stages_saved_at.items() if at < before]
        for key in expired:
            del self.timelines[key], self.saved_at[key]
        for key in old_stages:
            del self.stages[key], self.stages_saved_at[key]
        return len(expired) + len(old_stages)


class FakeRollupStore:
    def __init__(self) -> None:
        self.contributions: dict[str, Contribution] = {}
        self.rollups: dict[str, RollupRow] = {}
        self.refreshed_at: datetime | None = None

    async def contributions_of_cases(self, *, case_ids: Sequence[UUID]) -> list[Contribution]:
        return [c for c in self.contributions.values() if c.case_id in set(case_ids)]

    async def save_contributions(
        self, *, put: Sequence[Contribution], delete: Sequence[str]
    ) -> None:
        self.contributions |= {c.id: c for c in put}
        for key in delete:
            self.contributions.pop(key, None)

    async def contributions_of_day(self, *, agency_id: str, day: date) -> list[Contribution]:
        return [c for c in self.contributions.values() if (c.agency_id, c.day) == (agency_id, day)]

    async def replace_rows(self, *, agency_id: str, day: date, rows: Sequence[RollupRow]) -> None:
        self.rollups = {
            key: row
            for key, row in self.rollups.items()
            if (row.agency_id, row.day) != (agency_id, day)
        } | {row.id: row for row in rows}

    async def rows(self, *, start: date, end: date, agency_id: str | None) -> list[RollupRow]:
        return [
            row
            for row in self.rollups.values()
            if start <= row.day < end and agency_id in (None, row.agency_id)
        ]

    async def watermark(self) -> datetime | None:
        return self.refreshed_at

    async def save_watermark(self, *, at: datetime) -> None:
        self.refreshed_at = at

    async def purge(self, *, before: date) -> int:
        old = [k for k, c in self.contributions.items() if c.day < before]
        old_rows = [k for k, r in self.rollups.items() if r.day < before]
        for key in old:
            del self.contributions[key]
        for key in old_rows:
            del self.rollups[key]
        return len(old) + len(old_rows)
