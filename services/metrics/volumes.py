"""Volumes over time from the daily roll-ups: interactions and cases per period; pure.

Periods are local days of each agency, grouped into ISO weeks (named by their Monday) or
calendar months. A period at an edge of the requested window only counts the days inside it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from services.metrics.reports import sort_key
from services.metrics.rollups import LABEL_FIELDS, Counts, RollupRow

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[str, ...] = get_args(Interval)
VOLUME_FIELDS: tuple[str, ...] = LABEL_FIELDS


def period_of(day: date, interval: Interval) -> str:
    """``2026-03-04`` by day, ``2026-03-02`` (its Monday) by week, ``2026-03`` by month."""
    if interval == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if interval == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@dataclass(frozen=True)
class VolumePoint:
    period: str
    key: dict[str, str | None]
    counts: Counts


def volume_series(
    rows: Iterable[RollupRow], interval: Interval, group_by: Sequence[str]
) -> list[VolumePoint]:
    """Counts per period and group, sorted by period then key (unset labels first)."""
    sums: dict[tuple[str, tuple[str | None, ...]], Counts] = defaultdict(Counts)
    for row in rows:
        key = tuple(row.labels.get(field) for field in group_by)
        sums[(period_of(row.day, interval), key)] += row.counts
    ordered = sorted(sums, key=lambda k: (k[0], sort_key(k[1])))
    return [
        VolumePoint(period, dict(zip(group_by, key, strict=True)), sums[period, key])
        for period, key in ordered
    ]
