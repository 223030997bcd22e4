"""Durations and SLA outcomes of one case, in calendar and business time; pure.

SLA rule, for the first response and for the resolution alike, against the due times of the
routing in force (``CaseRouted.first_response_due`` / ``resolution_due``):

- no due time: ``no_target`` (left out of attainment);
- done at or before the due time: ``met``; done after it: ``breached``;
- not done and the due time has passed when the report runs (``now``): ``breached``;
- not done and not yet due: ``pending`` (left out of attainment until it is decided).

A case is "done" with its first reply for the first response, and for the resolution when it
is resolved now (a reopened case is not done until resolved again; its latest resolution counts).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.metrics.agencies import Agencies
from services.metrics.timeline import Timeline
from shared.business_hours import BusinessCalendar


class SlaOutcome(StrEnum):
    MET = "met"
    BREACHED = "breached"
    PENDING = "pending"
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class CaseRecord:
    """What reports read of a timeline: labels, the routing rule, times and due times."""

    agency_id: str
    channel: str
    team: str | None = None
    priority: str | None = None
    topic: str | None = None
    language: str | None = None
    sentiment: str | None = None
    rule_index: int | None = None
    rule_name: str | None = None
    first_received_at: datetime | None = None
    routed_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None  # the latest resolution, if resolved now
    first_response_due: datetime | None = None
    resolution_due: datetime | None = None
    reopened: int = 0

    @classmethod
    def of(cls, timeline: Timeline) -> "CaseRecord":
        facts, route = timeline.facts, timeline.route
        return cls(
            agency_id=timeline.agency_id,
            channel=str(facts.channel),
            team=facts.team,
            priority=facts.priority,
            topic=facts.topic,
            language=facts.language,
            sentiment=facts.sentiment,
            rule_index=route.rule_index if route else None,
            rule_name=route.rule if route else None,
            first_received_at=timeline.first_received_at,
            routed_at=timeline.routed_at,
            first_response_at=timeline.first_response_at,
            resolved_at=timeline.resolved_at if timeline.resolved else None,
            first_response_due=timeline.first_response_due,
            resolution_due=timeline.resolution_due,
            reopened=timeline.reopened,
        )


@dataclass(frozen=True)
class Span:
    """One duration, in calendar seconds and in seconds of the SLA policy's business hours."""

    seconds: float
    business_seconds: float


@dataclass(frozen=True)
class CaseMeasures:
    time_to_route: Span | None
    time_to_first_response: Span | None
    time_to_resolution: Span | None
    reopened: int
    first_response_sla: SlaOutcome
    resolution_sla: SlaOutcome


def sla_outcome(due: datetime | None, done_at: datetime | None, *, now: datetime) -> SlaOutcome:
    """See the module docstring: met, breached (late, or overdue at ``now``), pending."""
    if due is None:
        return SlaOutcome.NO_TARGET
    if done_at is not None:
        return SlaOutcome.MET if done_at <= due else SlaOutcome.BREACHED
    return SlaOutcome.BREACHED if now > due else SlaOutcome.PENDING


def span(calendar: BusinessCalendar, start: datetime | None, end: datetime | None) -> Span | None:
    """From ``start`` to ``end``, never negative; ``None`` until both are known."""
    if start is None or end is None:
        return None
    return Span(
        seconds=max(0.0, (end - start).total_seconds()),
        business_seconds=calendar.seconds_between(start, end),
    )


def measure(record: CaseRecord, calendar: BusinessCalendar, *, now: datetime) -> CaseMeasures:
    """Every duration from the first received message, and both SLA outcomes at ``now``."""
    start = record.first_received_at
    return CaseMeasures(
        time_to_route=span(calendar, start, record.routed_at),
        time_to_first_response=span(calendar, start, record.first_response_at),
        time_to_resolution=span(calendar, start, record.resolved_at),
        reopened=record.reopened,
        first_response_sla=sla_outcome(
            record.first_response_due, record.first_response_at, now=now
        ),
        resolution_sla=sla_outcome(record.resolution_due, record.resolved_at, now=now),
    )


def calendar_of(record: CaseRecord, agencies: Agencies) -> BusinessCalendar:
    """The business hours of the case's SLA policy (24/7 without one)."""
    return agencies.calendar(
        record.agency_id,
        rule_index=record.rule_index,
        rule_name=record.rule_name,
        priority=record.priority,
    )


def measure_case(record: CaseRecord, agencies: Agencies, *, now: datetime) -> CaseMeasures:
    return measure(record, calendar_of(record, agencies), now=now)
