"""The ports metrics' use cases need, and what a write reports back."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from services.metrics.reports import CaseSample
from services.metrics.timeline import Stages, Timeline

R = TypeVar("R")


@dataclass(frozen=True)
class Change(Generic[R]):
    """A record before and after one fold; ``before`` is ``None`` for a new record."""

    before: R | None
    after: R

    @property
    def changed(self) -> bool:
        return self.after != self.before


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

    async def response_time_samples(
        self, *, start: datetime, end: datetime, agency_id: str | None
    ) -> list[CaseSample]:
        """Cases whose first interaction arrived in ``[start, end)``."""
        ...
