"""Response-time statistics over case timelines, grouped by bounded labels; pure."""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

GroupField = Literal["team", "channel", "priority"]
GROUP_FIELDS: tuple[GroupField, ...] = get_args(GroupField)


@dataclass(frozen=True)
class CaseSample:
    """One case of the report window: its labels and time to first response, if answered."""

    team: str | None
    channel: str
    priority: str | None
    first_response_s: float | None


@dataclass(frozen=True)
class GroupStats:
    key: dict[str, str | None]
    count: int
    answered: int
    unanswered: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None


def parse_group_by(value: str) -> tuple[GroupField, ...]:
    """``"team,channel"`` -> ``("team", "channel")``; duplicates dropped, order kept.

    Raises ``ValueError`` naming the first unknown field.
    """
    fields: list[GroupField] = []
    for raw in value.split(","):
        name = raw.strip()
        if not name:
            continue
        if name not in GROUP_FIELDS:
            raise ValueError(f"cannot group by {name!r}; choose from {', '.join(GROUP_FIELDS)}")
        if name not in fields:
            fields.append(name)
    return tuple(fields)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), interpolating linearly between ranks; ``None`` if empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0-100, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def summarise(samples: Iterable[CaseSample], group_by: Sequence[GroupField]) -> list[GroupStats]:
    """One row per group present in ``samples``, sorted by key (unset labels first).

    Times are those of answered cases; ``count`` includes the unanswered ones.
    """
    groups: dict[tuple[str | None, ...], list[CaseSample]] = defaultdict(list)
    for sample in samples:
        groups[tuple(getattr(sample, f) for f in group_by)].append(sample)
    rows = []
    for key in sorted(groups, key=lambda k: tuple((v is not None, v or "") for v in k)):
        members = groups[key]
        times = [s.first_response_s for s in members if s.first_response_s is not None]
        rows.append(
            GroupStats(
                key=dict(zip(group_by, key, strict=True)),
                count=len(members),
                answered=len(times),
                unanswered=len(members) - len(times),
                median_s=median(times),
                p90_s=percentile(times, 90),
                mean_s=mean(times),
            )
        )
    return rows
