"""What every record fold shares: millisecond times, min/max keeps, event order stamps; pure."""

from bisect import insort
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.events import Event


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def ms(moment: datetime) -> datetime:
    """To the millisecond, as MongoDB stores it: a stored record folds like a fresh one."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def aware_ms(moment: datetime | None) -> datetime | None:
    """``ms`` of a time that may come naive from an older producer: naive means UTC."""
    if moment is None:
        return None
    return ms(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def _keep(
    pick: Callable[[datetime, datetime], datetime], current: datetime | None, new: datetime | None
) -> datetime | None:
    if new is None:
        return current
    return ms(new) if current is None else pick(current, ms(new))


def earliest(current: datetime | None, new: datetime | None) -> datetime | None:
    return _keep(min, current, new)


def latest(current: datetime | None, new: datetime | None) -> datetime | None:
    return _keep(max, current, new)


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from ``start`` to ``end``; never negative (clocks of two hosts may disagree)."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def with_id(items: tuple[UUID, ...], item: UUID) -> tuple[UUID, ...]:
    """``items`` (kept sorted, so equal sets compare equal) with ``item`` added once."""
    if item in items:
        return items
    added = list(items)
    insort(added, item)
    return tuple(added)


class Stamp(Record):
    """Orders events whatever their arrival: by time, then by event id to break ties."""

    at: AwareDatetime
    event_id: UUID

    @classmethod
    def of(cls, event: Event) -> "Stamp":
        return cls(at=ms(event.occurred_at), event_id=event.event_id)

    def is_after(self, other: "Stamp") -> bool:
        return (self.at, self.event_id) > (other.at, other.event_id)
