"""One timeline per case and one stage record per interaction, folded from events; pure.

Every fold is idempotent and order-independent: times are kept with min/max, counts only
grow for event ids not applied before, and the labels and routing in force are those of the
latest event by ``(occurred_at, event_id)``. Replaying events, or receiving them in another
order, gives the same value, so the store can write only when something really changed.
"""

from bisect import insort
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, computed_field

from shared.events import (
    CaseAssigned,
    CaseEvent,
    CaseOpened,
    CaseReopened,
    CaseResolved,
    CaseRouted,
    Channel,
    Event,
    InteractionClassified,
    InteractionReceived,
    InteractionThreaded,
    ReplyPosted,
)
from shared.events.cases import CaseFacts

StageEvent = InteractionReceived | InteractionClassified | InteractionThreaded | CaseOpened

_T = TypeVar("_T", bound=BaseModel)
_V = TypeVar("_V")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


def _ms(moment: datetime) -> datetime:
    """To the millisecond, as MongoDB stores it: a stored record folds like a fresh one."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _keep(
    pick: Callable[[datetime, datetime], datetime], current: datetime | None, new: datetime | None
) -> datetime | None:
    if new is None:
        return current
    return _ms(new) if current is None else pick(current, _ms(new))


def _earliest(current: datetime | None, new: datetime | None) -> datetime | None:
    return _keep(min, current, new)


def _latest(current: datetime | None, new: datetime | None) -> datetime | None:
    return _keep(max, current, new)


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from ``start`` to ``end``; never negative (clocks of two hosts may disagree)."""
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def _with(items: tuple[UUID, ...], item: UUID) -> tuple[UUID, ...]:
    """``items`` (kept sorted, so equal sets compare equal) with ``item`` added once."""
    if item in items:
        return items
    added = list(items)
    insort(added, item)
    return tuple(added)


class Stamp(_Record):
    """Orders events whatever their arrival: by time, then by event id to break ties."""

    at: AwareDatetime
    event_id: UUID

    @classmethod
    def of(cls, event: Event) -> "Stamp":
        return cls(at=_ms(event.occurred_at), event_id=event.event_id)

    def is_after(self, other: "Stamp") -> bool:
        return (self.at, self.event_id) > (other.at, other.event_id)


class Route(_Record):
    """The routing in force: from the latest ``CaseRouted``."""

    rule: str
    rule_index: int
    stamp: Stamp


class Timeline(_Record):
    """What happened to one case, and when; never message text or author identity."""

    case_id: UUID
    agency_id: str
    facts: CaseFacts
    facts_stamp: Stamp
    first_received_at: AwareDatetime | None = None
    opened_at: AwareDatetime | None = None
    routed_at: AwareDatetime | None = None
    route: Route | None = None
    interaction_ids: tuple[UUID, ...] = ()
    first_response_at: AwareDatetime | None = None
    replies: int = 0
    first_resolved_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    reopened_at: AwareDatetime | None = None
    reopened: int = 0
    applied_event_ids: tuple[UUID, ...] = ()

    # Labels as of the case's latest event: reports and metrics group by these.
    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
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
        return _seconds(self.first_received_at, self.routed_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_first_response_s(self) -> float | None:
        """First reply minus first received message."""
        return _seconds(self.first_received_at, self.first_response_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_resolution_s(self) -> float | None:
        """Up to the latest resolution; ``None`` while the case is open or reopened."""
        return _seconds(self.first_received_at, self.resolved_at) if self.resolved else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def time_to_first_resolution_s(self) -> float | None:
        return _seconds(self.first_received_at, self.first_resolved_at)


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
    changes["applied_event_ids"] = _with(timeline.applied_event_ids, event.event_id)
    if stamp.is_after(timeline.facts_stamp):
        changes |= {"facts": event.facts, "facts_stamp": stamp}
    return timeline.model_copy(update=changes)


def _changes(t: Timeline, event: CaseEvent, stamp: Stamp) -> dict[str, object]:
    at = stamp.at
    match event:
        case CaseOpened():
            return {
                "opened_at": _earliest(t.opened_at, at),
                "first_received_at": _earliest(t.first_received_at, event.first_received_at),
                "interaction_ids": _with(t.interaction_ids, event.interaction_id),
            }
        case InteractionThreaded():
            return {
                "first_received_at": _earliest(t.first_received_at, event.received_at),
                "interaction_ids": _with(t.interaction_ids, event.interaction_id),
            }
        case CaseRouted():
            route = Route(rule=event.rule_name, rule_index=event.rule_index, stamp=stamp)
            if t.route is not None and t.route.stamp.is_after(stamp):
                route = t.route
            return {"routed_at": _earliest(t.routed_at, at), "route": route}
        case ReplyPosted():
            return {
                "first_response_at": _earliest(t.first_response_at, at),
                "replies": t.replies + 1,
            }
        case CaseResolved():
            return {
                "first_resolved_at": _earliest(t.first_resolved_at, at),
                "resolved_at": _latest(t.resolved_at, at),
            }
        case CaseReopened():
            return {"reopened_at": _latest(t.reopened_at, at), "reopened": t.reopened + 1}
        case CaseAssigned():
            return {}


class Stages(_Record):
    """When one interaction passed each stage of the pipeline; ids and times only."""

    interaction_id: UUID
    agency_id: str
    channel: Channel | None = None
    case_id: UUID | None = None
    received_at: AwareDatetime | None = None
    classified_at: AwareDatetime | None = None
    threaded_at: AwareDatetime | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ingest_to_classify_s(self) -> float | None:
        return _seconds(self.received_at, self.classified_at)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def classify_to_case_s(self) -> float | None:
        return _seconds(self.classified_at, self.threaded_at)


STAGE_LATENCIES: dict[str, Callable[[Stages], float | None]] = {
    "ingest_to_classify": lambda s: s.ingest_to_classify_s,
    "classify_to_case": lambda s: s.classify_to_case_s,
}


def apply_stage(stages: Stages | None, event: StageEvent) -> Stages:
    """Fold one event into the interaction's stage record; min-folds make it idempotent.

    A case-opening event counts as threading its first interaction into the case.
    """
    if stages is None:
        stages = Stages(interaction_id=event.interaction_id, agency_id=event.agency_id)
    elif stages.interaction_id != event.interaction_id:
        raise ValueError(
            f"event of interaction {event.interaction_id} applied to {stages.interaction_id}"
        )
    changes: dict[str, object]
    match event:
        case InteractionReceived() | InteractionClassified():
            changes = {
                "channel": event.interaction.channel,
                "received_at": _earliest(stages.received_at, event.interaction.received_at),
            }
            if isinstance(event, InteractionClassified):
                changes["classified_at"] = _earliest(stages.classified_at, event.occurred_at)
        case InteractionThreaded() | CaseOpened():
            changes = {
                "channel": event.facts.channel,
                "case_id": _case_threaded_first(stages, event),
                "threaded_at": _earliest(stages.threaded_at, event.occurred_at),
            }
            if isinstance(event, InteractionThreaded):
                changes["received_at"] = _earliest(stages.received_at, event.received_at)
    return stages.model_copy(update=changes)


def _case_threaded_first(stages: Stages, event: InteractionThreaded | CaseOpened) -> UUID:
    """The case of the earliest threading (ties: the smaller id), whatever the arrival order."""
    if stages.case_id is None or stages.threaded_at is None:
        return event.case_id
    return min((stages.threaded_at, stages.case_id), (_ms(event.occurred_at), event.case_id))[1]


def newly_known(before: _T | None, after: _T, measure: Callable[[_T], _V | None]) -> _V | None:
    """The measure of ``after`` if ``before`` did not have it yet: what to observe, once."""
    value = measure(after)
    if value is None or (before is not None and measure(before) is not None):
        return None
    return value
