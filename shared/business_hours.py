"""Business hours: parse "Mon-Fri 08:30-18:00", count and add open time; pure (stdlib, zoneinfo).

A schedule is a set of daily opening windows per weekday, in wall-clock time of the agency's
time zone. Every instant is converted to UTC before any subtraction, so a day with a DST
change counts the hours that really passed (a 24/7 day in spring lasts 23 hours). Holidays are
local dates on which nothing is open.

    Mon-Fri 08:30-18:00
    Mon-Fri 08:30-12:00 13:30-17:30, Sat 09:00-12:00
    24/7
"""

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
# ``add_business_time`` gives up after this many days without enough open time.
MAX_SEARCH_DAYS = 5 * 366

_PART = re.compile(r"^\s*([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(.+?)\s*$")
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Window = tuple[int, int]  # minutes since local midnight: [start, end), end up to 24:00
_ALL_DAY: tuple[Window, ...] = ((0, MINUTES_PER_DAY),)


@dataclass(frozen=True)
class WeeklyHours:
    """Opening windows per weekday (Monday first), sorted and never overlapping."""

    days: tuple[tuple[Window, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != len(DAY_NAMES):
            raise ValueError("a week has seven days")

    @property
    def is_always_open(self) -> bool:
        return all(day == _ALL_DAY for day in self.days)

    @property
    def is_never_open(self) -> bool:
        return not any(self.days)


ALWAYS_OPEN = WeeklyHours(days=(_ALL_DAY,) * len(DAY_NAMES))


def _day_index(name: str, spec: str) -> int:
    try:
        return DAY_NAMES.index(name.lower())
    except ValueError:
        raise ValueError(
            f"unknown day {name!r} in business hours {spec!r}; use Mon, Tue, ..., Sun"
        ) from None


def _minutes(hours: str, minutes: str, spec: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY:
        raise ValueError(f"invalid time {hours}:{minutes} in business hours {spec!r}")
    return value


def _window(text: str, spec: str) -> Window:
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"expected a time range like 08:30-18:00, got {text!r} in {spec!r}")
    start = _minutes(match[1], match[2], spec)
    end = _minutes(match[3], match[4], spec)
    if start >= end:
        raise ValueError(
            f"time range {text!r} in {spec!r} must end after it starts"
            " (split a range that crosses midnight in two)"
        )
    return start, end


def _merged(windows: list[Window]) -> tuple[Window, ...]:
    """Sorted, overlapping or touching windows joined: no minute is counted twice."""
    out: list[Window] = []
    for start, end in sorted(windows):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


def parse_business_hours(spec: str) -> WeeklyHours:
    """``"Mon-Fri 08:30-18:00"``; several parts separated by commas, several ranges per part
    separated by spaces; day ranges may wrap (``Sat-Mon``); ``24:00`` ends a day; ``24/7``.

    Raises ``ValueError`` saying what is wrong and where.
    """
    if spec.strip().lower() == "24/7":
        return ALWAYS_OPEN
    if not spec.strip():
        raise ValueError("business hours are empty; write e.g. 'Mon-Fri 08:30-18:00'")
    windows: list[list[Window]] = [[] for _ in DAY_NAMES]
    for part in spec.split(","):
        match = _PART.match(part)
        if match is None:
            raise ValueError(
                f"expected days then times like 'Mon-Fri 08:30-18:00', got {part.strip()!r}"
            )
        first = _day_index(match[1], spec)
        last = _day_index(match[2], spec) if match[2] else first
        ranges = [_window(text, spec) for text in match[3].split()]
        for offset in range((last - first) % len(DAY_NAMES) + 1):
            windows[(first + offset) % len(DAY_NAMES)].extend(ranges)
    return WeeklyHours(days=tuple(_merged(day) for day in windows))


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def _wall(day: date, minutes: int, zone: tzinfo) -> datetime:
    """A local wall-clock time as a UTC instant; 24:00 is the next day's midnight.

    A time skipped by a DST change keeps the offset in force before the change (in Paris,
    02:30 on the spring change day is 03:30); a repeated time is its first occurrence.
    """
    if minutes == MINUTES_PER_DAY:
        day, minutes = day + timedelta(days=1), 0
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Business hours in one time zone, with holidays (local dates on which nothing opens)."""

    hours: WeeklyHours
    zone: tzinfo
    holidays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def always_open(cls, zone: tzinfo = UTC) -> "BusinessCalendar":
        """Calendar time: every second counts, holidays included."""
        return cls(hours=ALWAYS_OPEN, zone=zone)

    def _open_windows(self, first_day: date, last_day: date) -> Iterator[tuple[datetime, datetime]]:
        """The open windows (UTC instants) of local days ``first_day``..``last_day``, in order."""
        day = first_day
        while day <= last_day:
            if day not in self.holidays:
                for opens, closes in self.hours.days[day.weekday()]:
                    yield _wall(day, opens, self.zone), _wall(day, closes, self.zone)
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Open seconds in ``[start, end)``; 0 when ``end`` is not after ``start``."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if end <= start:
            return 0.0
        if self.hours.is_always_open and not self.holidays:
            return (end - start).total_seconds()
        total = timedelta()
        days = (start.astimezone(self.zone).date(), end.astimezone(self.zone).date())
        for opens, closes in self._open_windows(*days):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        return total.total_seconds()

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of open time has passed since ``start``.

        Returned in ``start``'s time zone. Raises ``ValueError`` for a negative duration or a
        calendar that is never open within ``MAX_SEARCH_DAYS``.
        """
        if duration < timedelta():
            raise ValueError(f"duration must not be negative, got {duration}")
        begin = _utc(start, "start")
        if duration == timedelta():
            return start
        if self.hours.is_never_open:
            raise ValueError("these business hours are never open")
        remaining = duration
        first_day = begin.astimezone(self.zone).date()
        last_day = first_day + timedelta(days=MAX_SEARCH_DAYS)
        for opens, closes in self._open_windows(first_day, last_day):
            available = closes - max(opens, begin)
            if available <= timedelta():
                continue
            if remaining <= available:
                return (max(opens, begin) + remaining).astimezone(start.tzinfo)
            remaining -= available
        raise ValueError(f"not enough open time within {MAX_SEARCH_DAYS} days of {start}")


def business_seconds(
    start: datetime,
    end: datetime,
    *,
    hours: WeeklyHours,
    zone: tzinfo,
    holidays: Collection[date] = (),
) -> float:
    """Open seconds between two aware instants (see ``BusinessCalendar.seconds_between``)."""
    return BusinessCalendar(hours, zone, frozenset(holidays)).seconds_between(start, end)


def add_business_time(
    start: datetime,
    duration: timedelta,
    *,
    hours: WeeklyHours,
    zone: tzinfo,
    holidays: Collection[date] = (),
) -> datetime:
    """``start`` plus ``duration`` of open time (see ``BusinessCalendar.add``)."""
    return BusinessCalendar(hours, zone, frozenset(holidays)).add(start, duration)
