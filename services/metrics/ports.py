"""The ports metrics' use cases need, and what a write reports back."""

from collections.abc import AsyncIterator, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from services.metrics.measures import CaseRecord
from services.metrics.rollups import Contribution, RollupRow
from services.metrics.timeline import Stages, Timeline

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Change(Generic[R]):
    """A record before and after one fold; ``before`` is ``None`` for a new record."""

    before: R | None
    after: R

    @property
    def changed(self) -> bool:
        return self.after != self.before


def fold_in_order(
    stored: Mapping[K, R | None], folds: Sequence[tuple[K, Callable[[R | None], R]]]
) -> tuple[list[Change[R]], dict[K, R | None]]:
    """Apply ``folds`` in order, each to its key's latest value (``stored`` at first): the
    change of each, as if each were saved before the next, and every key's final value."""
    latest = dict(stored)
    changes: list[Change[R]] = []
    for key, fold in folds:
        before = latest.get(key)
        after = fold(before)
        changes.append(Change(before=before, after=after))
        latest[key] = after
    return changes, latest


class TimelineStore(Protocol):
    async def update_timeline(
        self, case_id: UUID, fold: Callable[[Timeline | None], Timeline], *, now: datetime
    ) -> Change[Timeline]:
        """Apply ``fold`` to the stored timeline and save it only if it changed."""
        ...

    async def update_stages(
        self, interaction_id: UUID, fold: Callable[[Stages | None], Stages], *, now: datetime
    ) -> Change[Stages]:
        """Apply ``fold`` to the stored stage record and save it only if it changed."""
        ...

    async def update_timelines(
        self, folds: Sequence[tuple[UUID, Callable[[Timeline | None], Timeline]]], *, now: datetime
    ) -> list[Change[Timeline]]:
        """Apply each fold to its case's timeline in order and save each timeline that changed
        once: the change of each fold, as ``update_timeline`` one by one would report it."""
        ...

    async def update_stage_records(
        self, folds: Sequence[tuple[UUID, Callable[[Stages | None], Stages]]], *, now: datetime
    ) -> list[Change[Stages]]:
        """``update_timelines`` for the interactions' stage records."""
        ...

    async def case_records(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseRecord]:
        """Cases whose first interaction arrived in ``[start, end)``."""
        ...

    def changed_timelines(
        self, *, since: datetime | None, batch_size: int
    ) -> AsyncIterator[list[Timeline]]:
        """Timelines saved at or after ``since`` (all when ``None``), in batches."""
        ...

    async def purge(self, *, before: datetime) -> int:
        """Delete timelines first received before ``before`` (or, never opened, last saved
        before it) and stage records last saved before it; how many were deleted."""
        ...


class RollupStore(Protocol):
    async def contributions_of_cases(self, *, case_ids: Sequence[UUID]) -> list[Contribution]: ...

    async def save_contributions(
        self, *, put: Sequence[Contribution], delete: Sequence[str]
    ) -> None:
        """Insert or replace ``put`` by id; delete the contributions of ids ``delete``."""
        ...

    async def contributions_of_day(self, *, agency_id: str, day: date) -> list[Contribution]: ...

    async def replace_rows(self, *, agency_id: str, day: date, rows: Sequence[RollupRow]) -> None:
        """Make ``rows`` the agency's rows of ``day``: others of that day are deleted."""
        ...

    async def rows(self, *, start: date, end: date, agency_id: str | None) -> list[RollupRow]:
        """Rows of days in ``[start, end)``, of one agency or all."""
        ...

    async def watermark(self) -> datetime | None:
        """When the last complete refresh started; ``None`` before the first."""
        ...

    async def save_watermark(self, *, at: datetime) -> None: ...

    async def purge(self, *, before: date) -> int:
        """Delete contributions and rows of days before ``before``; how many were deleted."""
        ...
