"""SLA escalation: at risk, then breached, each level of each target raised once."""

from datetime import datetime

import pytest

from services.respond.domain.cases import (
    Case,
    CaseStatus,
    Escalation,
    add_reply,
    reopen_for_message,
    resolve,
)
from services.respond.domain.escalation import escalate, level_now, next_check, refreshed
from tests.unit.respond.builders import a_case, at, classified, clock_of

# The case opens at at(2), normal policy: first response 4 h (at risk after 3 h 12 min),
# resolution 3 days (at risk after 2 days 9 h 36 min).
FIRST_RISK, FIRST_DUE = at(2 + 11520), at(2 + 14400)
RESOLUTION_RISK, RESOLUTION_DUE = at(2 + 207360), at(2 + 259200)


def answered(case: Case, s: float = 60) -> Case:
    return add_reply(
        case,
        reply_id=case.case_id,
        text="Merci",
        author_user="alice",
        needs_approval=False,
        wait_for_citizen=False,
        now=at(s),
    ).case


@pytest.mark.parametrize(
    ("now", "level"),
    [
        (at(60), "none"),
        (FIRST_RISK, "at_risk"),
        (FIRST_DUE, "breached"),
    ],
)
def test_the_level_is_the_most_serious_of_the_live_targets(now: datetime, level: str) -> None:
    assert level_now(a_case(), now) == level


def test_reaching_the_risk_time_raises_at_risk_once() -> None:
    case, raised = escalate(a_case(), FIRST_RISK)
    assert raised == [
        Escalation(level="at_risk", target="first_response", due=FIRST_DUE, at=FIRST_RISK)
    ]
    assert case.escalation == "at_risk"
    assert case.history[-1].detail == "first response at risk (due 2026-03-02 13:00 UTC)"
    assert case.version == 1  # not a responder's change

    again, none = escalate(case, FIRST_RISK)
    assert (again, none) == (case, [])


def test_passing_the_due_time_raises_breached_once() -> None:
    at_risk, _ = escalate(a_case(), FIRST_RISK)
    breached, raised = escalate(at_risk, FIRST_DUE)
    assert [(e.target, e.level) for e in raised] == [("first_response", "breached")]
    assert breached.escalation == "breached"
    assert escalate(breached, at(2 + 20000))[1] == []


def test_a_case_found_late_is_breached_without_passing_through_at_risk() -> None:
    _, raised = escalate(a_case(), FIRST_DUE)
    assert [(e.target, e.level) for e in raised] == [("first_response", "breached")]


def test_both_targets_can_be_raised_at_once() -> None:
    _, raised = escalate(a_case(), RESOLUTION_RISK)
    assert [(e.target, e.level) for e in raised] == [
        ("first_response", "breached"),
        ("resolution", "at_risk"),
    ]


def test_next_check_is_the_next_level_not_raised_yet() -> None:
    case = a_case()
    assert next_check(case) == FIRST_RISK
    case, _ = escalate(case, FIRST_RISK)
    assert next_check(case) == FIRST_DUE
    case, _ = escalate(case, FIRST_DUE)
    assert next_check(case) == RESOLUTION_RISK
    case, _ = escalate(case, RESOLUTION_RISK)
    assert next_check(case) == RESOLUTION_DUE
    case, _ = escalate(case, RESOLUTION_DUE)
    assert next_check(case) is None


def test_a_reply_drops_the_first_response_target() -> None:
    case = answered(a_case())
    assert next_check(case) == RESOLUTION_RISK
    _, raised = escalate(case, FIRST_DUE)
    assert raised == []


def test_a_case_waiting_on_the_citizen_has_no_live_target() -> None:
    case = a_case().model_copy(update={"status": CaseStatus.WAITING, "waiting_since": at(60)})
    assert next_check(case) is None
    assert level_now(case, RESOLUTION_DUE) == "none"
    assert escalate(case, RESOLUTION_DUE) == (case, [])


def test_a_resolved_case_is_never_escalated() -> None:
    case = resolve(a_case(), by="alice", now=at(60))
    assert next_check(case) is None
    assert escalate(case, RESOLUTION_DUE) == (case, [])


def test_a_case_without_sla_is_never_checked() -> None:
    case = a_case().model_copy(update={"first_response_due": None, "resolution_due": None})
    assert next_check(case) is None


def test_refreshing_lowers_the_level_once_the_breached_target_is_met() -> None:
    breached, _ = escalate(a_case(), FIRST_DUE)
    answered_late = answered(breached, s=14500)
    assert answered_late.escalation == "breached"
    assert refreshed(answered_late, at(14500)).escalation == "none"


def test_refreshing_a_case_at_its_level_returns_it_unchanged() -> None:
    case = a_case()
    assert refreshed(case, at(60)) is case


def test_a_reopened_case_is_checked_again_against_its_new_resolution_due() -> None:
    breached, _ = escalate(a_case(), RESOLUTION_DUE)
    closed = resolve(breached, by="alice", now=at(2 + 259300))
    later = classified("m2", received_s=2 + 259400)
    reopened = reopen_for_message(
        closed, later.interaction, later.classification, clock=clock_of(closed), now=at(2 + 259400)
    )
    assert next_check(reopened) is not None
