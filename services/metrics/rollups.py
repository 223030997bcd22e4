"""Daily roll-ups: what each case contributes to the counts of each local day; pure.

A case contributes, with the labels it has now (team, channel, topic, priority, language,
sentiment): one *case* on the local day of its first received message (and whether it was
answered, and answered within target, on that same day), and one *interaction* on the local
day each of its messages was received. A roll-up row is the sum of the contributions of one
agency, day and set of labels.

Contributions are recomputed from the whole timeline and replace the previous ones, and rows
are recomputed from the contributions of their day: nothing is ever incremented, so replaying
events or recomputing twice gives the same rows.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, tzinfo
from uuid import UUID

from services.metrics.timeline import Timeline
from shared.events.cases import CaseFacts

LABEL_FIELDS = ("team", "channel", "topic", "priority", "language", "sentiment")


@dataclass(frozen=True)
class Labels:
    channel: str
    team: str | None = None
    topic: str | None = None
    priority: str | None = None
    language: str | None = None
    sentiment: str | None = None

    @classmethod
    def of(cls, facts: CaseFacts) -> "Labels":
        return cls(
            channel=str(facts.channel),
            team=facts.team,
            topic=facts.topic,
            priority=facts.priority,
            language=facts.language,
            sentiment=facts.sentiment,
        )

    def get(self, field: str) -> str | None:
        value: str | None = getattr(self, field)
        return value

    def sort_key(self) -> tuple[tuple[bool, str], ...]:
        """Unset labels first, then alphabetical."""
        return tuple((v is not None, v or "") for v in map(self.get, LABEL_FIELDS))


@dataclass(frozen=True)
class Counts:
    interactions: int = 0
    cases: int = 0
    answered: int = 0
    within_target: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


COUNT_FIELDS = tuple(f.name for f in fields(Counts))


@dataclass(frozen=True)
class Contribution:
    """What one case adds to the row of one day; keyed by case and day."""

    case_id: UUID
    agency_id: str
    day: date
    labels: Labels
    counts: Counts

    @property
    def id(self) -> str:
        return f"{self.case_id}:{self.day.isoformat()}"


@dataclass(frozen=True)
class RollupRow:
    agency_id: str
    day: date
    labels: Labels
    counts: Counts

    @property
    def id(self) -> str:
        """Deterministic from the row's key, so recomputing a row replaces it."""
        key = [self.agency_id, self.day.isoformat(), *(self.labels.get(f) for f in LABEL_FIELDS)]
        return json.dumps(key, separators=(",", ":"))


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _answered_within_target(timeline: Timeline) -> bool:
    due, answered = timeline.first_response_due, timeline.first_response_at
    return due is not None and answered is not None and answered <= due


def contributions_of(timeline: Timeline, zone: tzinfo) -> list[Contribution]:
    """The case's contributions, one per local day it touches, sorted by day."""
    per_day: dict[date, Counts] = defaultdict(Counts)
    for arrival in timeline.arrivals:
        per_day[local_day(arrival.received_at, zone)] += Counts(interactions=1)
    if timeline.first_received_at is not None:
        per_day[local_day(timeline.first_received_at, zone)] += Counts(
            cases=1,
            answered=int(timeline.first_response_at is not None),
            within_target=int(_answered_within_target(timeline)),
        )
    labels = Labels.of(timeline.facts)
    return [
        Contribution(timeline.case_id, timeline.agency_id, day, labels, per_day[day])
        for day in sorted(per_day)
    ]


def roll_up(contributions: Iterable[Contribution]) -> list[RollupRow]:
    """Sum contributions by agency, day and labels; sorted by key."""
    sums: dict[tuple[str, date, Labels], Counts] = defaultdict(Counts)
    for c in contributions:
        sums[(c.agency_id, c.day, c.labels)] += c.counts
    keys = sorted(sums, key=lambda k: (k[0], k[1], k[2].sort_key()))
    return [
        RollupRow(agency, day, labels, sums[agency, day, labels]) for agency, day, labels in keys
    ]
