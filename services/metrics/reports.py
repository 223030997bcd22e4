"""Response-time statistics over cases, grouped by bounded labels; pure.

SLA attainment is the share of cases answered within target among the cases whose first
response is decided (met or breached, see ``services.metrics.measures``): cases without a
target and cases not yet due are left out.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from services.metrics.measures import CaseMeasures, CaseRecord, SlaOutcome

GroupField = Literal["team", "channel", "priority", "topic", "language"]
GROUP_FIELDS: tuple[str, ...] = get_args(GroupField)


@dataclass(frozen=True)
class CaseSample:
    """One case of the report window: its labels and time to first response, if answered."""

    team: str | None
    channel: str
    priority: str | None
    topic: str | None = None
    language: str | None = None
    first_response_s: float | None = None
    first_response_business_s: float | None = None
    sla: SlaOutcome = SlaOutcome.NO_TARGET

    @classmethod
    def of(cls, record: CaseRecord, measures: CaseMeasures) -> "CaseSample":
        first_response = measures.time_to_first_response
        return cls(
            team=record.team,
            channel=record.channel,
            priority=record.priority,
            topic=record.topic,
            language=record.language,
            first_response_s=first_response.seconds if first_response else None,
            first_response_business_s=first_response.business_seconds if first_response else None,
            sla=measures.first_response_sla,
        )


@dataclass(frozen=True)
class GroupStats:
    key: dict[str, str | None]
    count: int
    answered: int
    unanswered: int
    median_s: float | None
    p90_s: float | None
    mean_s: float | None
    business_median_s: float | None = None
    business_p90_s: float | None = None
    business_mean_s: float | None = None
    within_target: int = 0
    breached: int = 0
    pending: int = 0
    sla_attainment: float | None = None


def parse_group_by(value: str, allowed: Sequence[str] = GROUP_FIELDS) -> tuple[str, ...]:
    """``"team,channel"`` -> ``("team", "channel")``; duplicates dropped, order kept.

    Raises ``ValueError`` naming the first unknown field.
    """
    fields: list[str] = []
    for raw in value.split(","):
        name = raw.strip()
        if not name:
            continue
        if name not in allowed:
            raise ValueError(f"cannot group by {name!r}; choose from {', '.join(allowed)}")
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


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or ``None`` when there is nothing to divide."""
    return part / whole if whole else None


def sort_key(key: tuple[str | None, ...]) -> tuple[tuple[bool, str], ...]:
    """Unset labels first, then alphabetical."""
    return tuple((v is not None, v or "") for v in key)


def _stats(key: dict[str, str | None], members: Sequence[CaseSample]) -> GroupStats:
    times = [s.first_response_s for s in members if s.first_response_s is not None]
    business = [
        s.first_response_business_s for s in members if s.first_response_business_s is not None
    ]
    outcomes = [s.sla for s in members]
    met, breached = outcomes.count(SlaOutcome.MET), outcomes.count(SlaOutcome.BREACHED)
    return GroupStats(
        key=key,
        count=len(members),
        answered=len(times),
        unanswered=len(members) - len(times),
        median_s=median(times),
        p90_s=percentile(times, 90),
        mean_s=mean(times),
        business_median_s=median(business),
        business_p90_s=percentile(business, 90),
        business_mean_s=mean(business),
        within_target=met,
        breached=breached,
        pending=outcomes.count(SlaOutcome.PENDING),
        sla_attainment=share(met, met + breached),
    )


def summarise(samples: Iterable[CaseSample], group_by: Sequence[str]) -> list[GroupStats]:
    """One row per group present in ``samples``, sorted by key (unset labels first).

    Times are those of answered cases; ``count`` includes the unanswered ones.
    """
    groups: dict[tuple[str | None, ...], list[CaseSample]] = defaultdict(list)
    for sample in samples:
        groups[tuple(getattr(sample, f) for f in group_by)].append(sample)
    return [
        _stats(dict(zip(group_by, key, strict=True)), groups[key])
        for key in sorted(groups, key=sort_key)
    ]
