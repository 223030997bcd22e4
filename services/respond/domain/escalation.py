"""SLA escalation: which targets of a case are at risk or breached, and when to look again (pure).

A target is live while it can still be missed: the first response until a reply is sent, the
resolution until the case is resolved. While the case waits on the citizen no target is live
(the clock is stopped). Each level of each target is raised once.
"""

from dataclasses import dataclass
from datetime import datetime

from services.respond.domain.cases import (
    Case,
    CaseStatus,
    Escalation,
    EscalationLevel,
    HistoryEntry,
    Target,
)

_RANK: dict[EscalationLevel, int] = {"none": 0, "at_risk": 1, "breached": 2}


@dataclass(frozen=True)
class Thresholds:
    target: Target
    risk_at: datetime | None
    due: datetime


def live_targets(case: Case) -> list[Thresholds]:
    if case.status is not CaseStatus.OPEN:
        return []
    targets = []
    if case.first_response_at is None and case.first_response_due is not None:
        targets.append(
            Thresholds("first_response", case.first_response_risk_at, case.first_response_due)
        )
    if case.resolution_due is not None:
        targets.append(Thresholds("resolution", case.resolution_risk_at, case.resolution_due))
    return targets


def level_now(case: Case, now: datetime) -> EscalationLevel:
    """The most serious state of the live targets at ``now``."""
    level: EscalationLevel = "none"
    for t in live_targets(case):
        current: EscalationLevel = "none"
        if now >= t.due:
            current = "breached"
        elif t.risk_at is not None and now >= t.risk_at:
            current = "at_risk"
        if _RANK[current] > _RANK[level]:
            level = current
    return level


def next_check(case: Case) -> datetime | None:
    """When a live target next reaches a level not raised yet; None when nothing is left."""
    upcoming = []
    for t in live_targets(case):
        if t.risk_at is not None and not _raised(case, t.target, "at_risk", t.due):
            upcoming.append(t.risk_at)
        elif not _raised(case, t.target, "breached", t.due):
            upcoming.append(t.due)
    return min(upcoming, default=None)


def _raised(case: Case, target: Target, level: str, due: datetime) -> bool:
    """Whether ``level`` (or worse) was raised for this target and this due time: a due time
    moved by a wait or a reopening is watched afresh."""
    return any(
        e.target == target and e.due == due and (e.level == level or e.level == "breached")
        for e in case.escalations
    )


def escalate(case: Case, now: datetime) -> tuple[Case, list[Escalation]]:
    """The case with every newly reached level recorded, and those levels.

    Not a new version: a responder's view of the case stays current (a write racing it keeps
    the responder's copy, and the level is raised again, with the same event id, next time).
    Returns the case unchanged and no levels when nothing new was reached.
    """
    new: list[Escalation] = []
    for t in live_targets(case):
        if now >= t.due and not _raised(case, t.target, "breached", t.due):
            new.append(Escalation(level="breached", target=t.target, due=t.due, at=now))
        elif (
            t.risk_at is not None
            and t.risk_at <= now < t.due
            and not _raised(case, t.target, "at_risk", t.due)
        ):
            new.append(Escalation(level="at_risk", target=t.target, due=t.due, at=now))
    if not new:
        return case, []
    history = [
        HistoryEntry(at=now, actor="sla", action="escalated", detail=_describe(e)) for e in new
    ]
    updated = case.model_copy(
        update={
            "escalations": (*case.escalations, *new),
            "escalation": level_now(case, now),
            "history": (*case.history, *history),
        }
    )
    return updated, new


def _describe(escalation: Escalation) -> str:
    target = escalation.target.replace("_", " ")
    level = escalation.level.replace("_", " ")
    return f"{target} {level} (due {escalation.due:%Y-%m-%d %H:%M} UTC)"


def refreshed(case: Case, now: datetime) -> Case:
    """``case`` with its escalation level as of ``now`` (a reply or a wait may lower it)."""
    level = level_now(case, now)
    return case if level == case.escalation else case.model_copy(update={"escalation": level})
