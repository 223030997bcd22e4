"""One timeline per case, folded from case events; pure.

Every fold is idempotent and order-independent: times are kept with min/max, counts only
grow for event ids not applied before, and the labels, routing and SLA due times in force are
those of the latest event by ``(occurred_at, event_id)``. Replaying events, or receiving them
in another order, gives the same value, so the store can write only when something changed.

Durations in business hours depend on the agency's configuration, not on events: they are
computed from a timeline by ``services.metrics.measures``, never stored in it.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, computed_field

from services.metrics.folds import (
    Record,
    Stamp,
    aware_ms,
    earliest,
    latest,
    ms,
    seconds,
    with_id,
)
from services.metrics.stages import STAGE_LATENCIES, StageEvent, Stages, apply_stage
from shared.events import (
    CaseAssigned,
    CaseEscalated,
    CaseEvent,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    CaseSlaAdjusted,
    CaseTransferred,
    Channel,
    InteractionThreaded,
    ReplyPosted,
)
from shared.events.cases import CaseFacts

__all__ = [
    "STAGE_LATENCIES",
    "Arrival",
    "Route",
    "StageEvent",
    "Stages",
    "Stamp",
    "Timeline",
    "apply",
    "apply_stage",
    "newly_known",
]

_T = TypeVar("_T", bound=BaseModel)
_V = TypeVar("_V")


class Route(Record):
    """The routing in force, from the latest ``CaseRouted``, with the SLA due times it set."""

    rule: str
    rule_index: int
    stamp: Stamp
    first_response_due: AwareDatetime | None = None
    resolution_due: AwareDatetime | None = None


class Arrival(Record):
    """One interaction of the case and when it was received."""

    interaction_id: UUID
    received_at: AwareDatetime


def _arrive(
    arrivals: tuple[Arrival, ...], interaction_id: UUID, at: datetime
) -> tuple[Arrival, ...]:
    """``arrivals`` (sorted by id) with this interaction, at the earliest time it was seen."""
    others = [a for a in arrivals if a.interaction_id != interaction_id]
    known = next((a.received_at for a in arrivals if a.interaction_id == interaction_id), None)
    received_at = ms(at) if known is None else min(known, ms(at))
    added = [*others, Arrival(interaction_id=interaction_id, received_at=received_at)]
    return tuple(sorted(added, key=lambda a: a.interaction_id))


class DueTimes(Record):
    """Due times moved after routing (the SLA clock paused while waiting on the citizen)."""

    stamp: Stamp
    first_response_due: AwareDatetime | None = None
    resolution_due: AwareDatetime | None = None


class Timeline(Record):
    """What happened to one case, and when; never message text or author identity."""

    case_id: UUID
    agency_id: str
    facts: CaseFacts
    facts_stamp: Stamp
    first_received_at: AwareDatetime | None = None
    opened_at: AwareDatetime | None = None
    routed_at: AwareDatetime | None = None
    route: Route | None = None
    arrivals: tuple[Arrival, ...] = ()
    first_response_at: AwareDatetime | None = None
    replies: int = 0
    first_resolved_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    reopened_at: AwareDatetime | None = None
    reopened: int = 0
    adjusted: DueTimes | None = None
    escalated_at: AwareDatetime | None = None
    breached_at: AwareDatetime | None = None
    transfers: int = 0
    applied_event_ids: tuple[UUID, ...] = ()

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
    @property
    def interaction_ids(self) -> tuple[UUID, ...]:
        return tuple(a.interaction_id for a in self.arrivals)

    # Labels as of the case's latest event: reports and metrics group by these.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def channel(self) -> Channel:
        return self.facts.channel

    @computed_field  # type: ignore[prop-decorator]
    @property
    def team(self) -> str | None:
        return self.facts.team

    @computed_field  # type: ignore[prop-decorator]
    @property
    def priority(self) -> str | None:
        return self.facts.priority

    @computed_field  # type: ignore[prop-decorator]
    @property
    def resolved(self) -> bool:
        """Resolved now: the latest resolution is later than the latest reopening."""
        if self.resolved_at is None:
            return False
        return self.reopened_at is None or self.resolved_at > self.reopened_at

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_route_s(self) -> float | None:
        return seconds(self.first_received_at, self.routed_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_first_response_s(self) -> float | None:
        """First reply minus first received message."""
        return seconds(self.first_received_at, self.first_response_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_resolution_s(self) -> float | None:
        """Up to the latest resolution; ``None`` while the case is open or reopened."""
        return seconds(self.first_received_at, self.resolved_at) if self.resolved else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_first_resolution_s(self) -> float | None:
        return seconds(self.first_received_at, self.first_resolved_at)

    # SLA due times in force (the routing's, or later adjusted): stored for queries and gauges.
    @property
    def _due_times(self) -> Route | DueTimes | None:
        route, adjusted = self.route, self.adjusted
        if adjusted is not None and (route is None or adjusted.stamp.is_after(route.stamp)):
            return adjusted
        return route

    @computed_field  # type: ignore[prop-decorator]
    @property
    def first_response_due(self) -> datetime | None:
        due = self._due_times
        return due.first_response_due if due else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def resolution_due(self) -> datetime | None:
        due = self._due_times
        return due.resolution_due if due else None


def apply(timeline: Timeline | None, event: CaseEvent) -> Timeline:
    """Fold one case event into the case's timeline (``None``: the case is new).

    Idempotent (an applied event id is a no-op) and order-independent.
    """
    stamp = Stamp.of(event)
    if timeline is None:
        timeline = Timeline(
            case_id=event.case_id, agency_id=event.agency_id, facts=event.facts, facts_stamp=stamp
        )
    elif timeline.case_id != event.case_id:
        raise ValueError(f"event of case {event.case_id} applied to case {timeline.case_id}")
    if event.event_id in timeline.applied_event_ids:
        return timeline
    changes = _changes(timeline, event, stamp)
    changes["applied_event_ids"] = with_id(timeline.applied_event_ids, event.event_id)
    if stamp.is_after(timeline.facts_stamp):
        changes |= {"facts": event.facts, "facts_stamp": stamp}
    return timeline.model_copy(update=changes)


def _changes(t: Timeline, event: CaseEvent, stamp: Stamp) -> dict[str, object]:
    at = stamp.at
    match event:
        case CaseOpened():
            return {
                "opened_at": earliest(t.opened_at, at),
                "first_received_at": earliest(t.first_received_at, event.first_received_at),
                "arrivals": _arrive(t.arrivals, event.interaction_id, event.first_received_at),
            }
        case InteractionThreaded():
            return {
                "first_received_at": earliest(t.first_received_at, event.received_at),
                "arrivals": _arrive(t.arrivals, event.interaction_id, event.received_at),
            }
        case CaseRouted():
            route = Route(
                rule=event.rule_name,
                rule_index=event.rule_index,
                stamp=stamp,
                first_response_due=aware_ms(event.first_response_due),
                resolution_due=aware_ms(event.resolution_due),
            )
            if t.route is not None and t.route.stamp.is_after(stamp):
                route = t.route
            return {"routed_at": earliest(t.routed_at, at), "route": route}
        case ReplyPosted():
            return {
                "first_response_at": earliest(t.first_response_at, at),
                "replies": t.replies + 1,
            }
        case CaseResolved():
            return {
                "first_resolved_at": earliest(t.first_resolved_at, at),
                "resolved_at": latest(t.resolved_at, at),
            }
        case CaseReopened():
            return {"reopened_at": latest(t.reopened_at, at), "reopened": t.reopened + 1}
        case CaseAssigned():
            return {}
        case CaseTransferred():
            return {"transfers": t.transfers + 1}
        case CaseEscalated():
            changes: dict[str, object] = {"escalated_at": earliest(t.escalated_at, at)}
            if event.level == "breached":
                changes["breached_at"] = earliest(t.breached_at, at)
            return changes
        case CaseSlaAdjusted():
            adjusted = DueTimes(
                stamp=stamp,
                first_response_due=aware_ms(event.first_response_due),
                resolution_due=aware_ms(event.resolution_due),
            )
            if t.adjusted is not None and t.adjusted.stamp.is_after(stamp):
                adjusted = t.adjusted
            return {"adjusted": adjusted}


def newly_known(before: _T | None, after: _T, measure: Callable[[_T], _V | None]) -> _V | None:
    """The measure of ``after`` if ``before`` did not have it yet: what to observe, once."""
    value = measure(after)
    if value is None or (before is not None and measure(before) is not None):
        return None
    return value
