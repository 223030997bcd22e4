"""The case and its transitions: each one version later, or refused with a stable code."""

from datetime import timedelta
from uuid import UUID

import pytest

from services.respond.domain.cases import (
    MAX_NOTE_CHARS,
    MAX_REPLY_CHARS,
    Case,
    CaseRefused,
    CaseStatus,
    Delivery,
    InboundEntry,
    InvalidReply,
    OutboundEntry,
    add_interaction,
    add_note,
    add_reply,
    assign,
    check_reply_text,
    claim,
    record_delivery,
    reopen,
    reopen_for_message,
    resolve,
    retag,
    review_reply,
)
from services.respond.domain.sla import SlaClock
from shared.ids import case_id
from tests.unit.respond.builders import CITY, a_case, at, classified, clock_of, paris

REPLY = UUID("00000000-0000-4000-8000-0000000000a1")
OTHER_REPLY = UUID("00000000-0000-4000-8000-0000000000a2")


def replied(
    case: Case,
    *,
    s: float = 90,
    needs_approval: bool = False,
    wait: bool = False,
    reply_id: UUID = REPLY,
) -> Case:
    return add_reply(
        case,
        reply_id=reply_id,
        text="Merci",
        author_user="alice",
        needs_approval=needs_approval,
        wait_for_citizen=wait,
        now=at(s),
    ).case


def resolved(case: Case, *, s: float = 500) -> Case:
    return resolve(case, by="alice", now=at(s))


def refused_code(error: pytest.ExceptionInfo[CaseRefused]) -> str:
    return error.value.code


# -- opening and threading ---------------------------------------------------------------------


def test_opened_case_holds_its_first_interaction_and_routing() -> None:
    event = classified(text="Nid de poule", topic="roads")
    case = a_case(event, opened_s=2)

    assert case.case_id == case_id("lyon", "facebook", "post-9", 0)
    assert (case.status, case.version, case.generation) == (CaseStatus.OPEN, 1, 0)
    assert (case.team, case.priority, case.assignee) == ("voirie", "normal", None)
    assert case.routing.rule_name == "roads and lighting"
    assert case.interaction_ids == (event.interaction_id,)
    assert (case.opened_at, case.first_received_at, case.last_message_at) == (at(2), at(0), at(0))
    assert (case.first_response_due, case.resolution_due) == (at(2 + 4 * 3600), at(2 + 3 * 86400))
    assert case.first_response_risk_at == at(2 + 0.8 * 4 * 3600)
    assert [(h.actor, h.action) for h in case.history] == [("routing", "opened")]


def test_thread_entry_of_a_citizen_message_keeps_author_and_labels() -> None:
    (entry,) = a_case(classified(text="Nid de poule")).thread
    assert isinstance(entry, InboundEntry)
    assert (entry.text, entry.author_handle, entry.author_name) == (
        "Nid de poule",
        "citizen",
        "A. Citizen",
    )
    assert (entry.classification.topic, entry.classification.language) == ("roads", "fr")


def test_further_interaction_is_threaded_and_bumps_the_version() -> None:
    case = a_case()
    follow_up = classified("m2", topic="street_lighting", received_s=30)
    threaded, paused = add_interaction(
        case, follow_up.interaction, follow_up.classification, clock=clock_of(case), now=at(31)
    )

    assert paused is None
    assert threaded.interaction_ids == (*case.interaction_ids, follow_up.interaction_id)
    assert (threaded.version, threaded.last_message_at) == (2, at(30))
    assert threaded.classification.topic == "street_lighting"
    assert threaded.team == case.team  # routing is decided once, at the opening
    assert threaded.due_times == case.due_times


def test_threading_the_same_interaction_twice_is_a_no_op() -> None:
    case = a_case()
    event = classified()
    assert add_interaction(
        case, event.interaction, event.classification, clock=clock_of(case), now=at(9)
    ) == (case, None)


def test_facts_matched_by_the_message_are_kept_on_the_case() -> None:
    case = a_case(classified(facts=("bus-free",)))
    assert case.classification.facts == ("bus-free",)


# -- replies -----------------------------------------------------------------------------------


def test_first_reply_is_the_first_response() -> None:
    added = add_reply(
        a_case(),
        reply_id=REPLY,
        text="Merci",
        author_user="alice",
        needs_approval=False,
        wait_for_citizen=False,
        now=at(90),
    )

    assert added.first_response is True
    assert (added.case.first_response_at, added.case.version) == (at(90), 2)
    assert added.entry == OutboundEntry(
        reply_id=REPLY, text="Merci", author_user="alice", at=at(90)
    )
    assert added.case.thread[-1] == added.entry
    assert added.case.history[-1].action == "replied"


def test_later_reply_keeps_the_first_response_time() -> None:
    first = replied(a_case(), s=90)
    second = add_reply(
        first,
        reply_id=OTHER_REPLY,
        text="Fait",
        author_user="bob",
        needs_approval=False,
        wait_for_citizen=False,
        now=at(200),
    )
    assert second.first_response is False
    assert second.case.first_response_at == at(90)
    assert [e.direction for e in second.case.thread] == ["inbound", "outbound", "outbound"]


def test_reply_needing_approval_is_held_and_is_no_first_response() -> None:
    added = add_reply(
        a_case(),
        reply_id=REPLY,
        text="Merci",
        author_user="alice",
        needs_approval=True,
        wait_for_citizen=False,
        now=at(90),
    )
    assert added.entry.approval == "pending"
    assert added.first_response is False
    assert added.case.first_response_at is None
    assert added.case.history[-1].detail == f"reply {REPLY} held for approval"


def test_reply_waiting_for_the_citizen_stops_the_clock() -> None:
    case = replied(a_case(), wait=True, s=90)
    assert (case.status, case.waiting_since) == (CaseStatus.WAITING, at(90))
    assert case.is_active


def test_held_reply_does_not_make_the_case_wait() -> None:
    case = replied(a_case(), needs_approval=True, wait=True)
    assert (case.status, case.waiting_since) == (CaseStatus.OPEN, None)


def test_resolved_case_takes_no_reply() -> None:
    with pytest.raises(CaseRefused) as refused:
        replied(resolved(a_case()), s=600)
    assert refused_code(refused) == "case_resolved"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_reply"),
        ("  \n ", "empty_reply"),
        ("x" * (MAX_REPLY_CHARS + 1), "reply_too_long"),
    ],
)
def test_blank_or_oversized_reply_is_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidReply) as refused:
        check_reply_text(text)
    assert refused.value.code == code


def test_reply_of_the_maximum_length_is_accepted() -> None:
    check_reply_text("x" * MAX_REPLY_CHARS)


def test_last_inbound_is_the_latest_citizen_message() -> None:
    event = classified("m2", received_s=30)
    case, _ = add_interaction(
        a_case(), event.interaction, event.classification, clock=clock_of(a_case()), now=at(31)
    )
    case = replied(case)
    assert case.last_inbound is not None
    assert case.last_inbound.message_id == "m2"


# -- waiting on the citizen --------------------------------------------------------------------


def test_citizen_answer_resumes_the_case_and_shifts_due_times_by_the_wait() -> None:
    case = replied(a_case(), wait=True, s=90)
    answer = classified("m2", received_s=690)
    resumed, paused = add_interaction(
        case, answer.interaction, answer.classification, clock=clock_of(case), now=at(690)
    )

    assert paused == 600
    assert (resumed.status, resumed.waiting_since) == (CaseStatus.OPEN, None)
    later = timedelta(seconds=600)
    assert resumed.first_response_due == case.first_response_due + later  # type: ignore[operator]
    assert resumed.resolution_due == case.resolution_due + later  # type: ignore[operator]
    assert resumed.resolution_risk_at == case.resolution_risk_at + later  # type: ignore[operator]
    assert (resumed.history[-1].actor, resumed.history[-1].action) == ("citizen", "resumed")


def test_the_wait_shifts_due_times_by_business_time_only() -> None:
    clock = SlaClock.of(CITY, "office")
    opened = a_case(agency=CITY).model_copy(
        update={"sla_policy": "office", "first_response_at": paris(2026, 3, 6, 16)}
    )
    due = clock.due_times(paris(2026, 3, 6, 16))  # resolution due Wednesday 11:30
    waiting = opened.model_copy(
        update={
            "resolution_due": due.resolution,
            "resolution_risk_at": due.resolution_risk,
            "status": CaseStatus.WAITING,
            "waiting_since": paris(2026, 3, 6, 17),
        }
    )
    answer = classified("m2", received_s=0)
    resumed, paused = add_interaction(
        waiting,
        answer.interaction,
        answer.classification,
        clock=clock,
        now=paris(2026, 3, 9, 9, 30),
    )

    assert paused == 2 * 3600  # Friday 17:00-18:00 and Monday 08:30-09:30
    assert resumed.resolution_due == paris(2026, 3, 11, 13, 30)


# -- review of held replies --------------------------------------------------------------------


def held(case: Case | None = None) -> Case:
    return replied(case or a_case(), needs_approval=True)


def test_approved_reply_is_sent_as_the_first_response() -> None:
    reviewed = review_reply(
        held(), reply_id=REPLY, approve=True, reviewer="sam", note=None, now=at(120)
    )
    assert reviewed.first_response is True
    assert (reviewed.entry.approval, reviewed.entry.reviewed_by) == ("approved", "sam")
    assert reviewed.case.first_response_at == at(120)
    assert reviewed.case.reply(REPLY) == reviewed.entry
    assert (reviewed.case.version, reviewed.case.history[-1].action) == (3, "approved")


def test_rejected_reply_is_never_a_response() -> None:
    reviewed = review_reply(
        held(), reply_id=REPLY, approve=False, reviewer="sam", note="Trop sec", now=at(120)
    )
    assert (reviewed.entry.approval, reviewed.entry.review_note) == ("rejected", "Trop sec")
    assert reviewed.first_response is False
    assert reviewed.case.first_response_at is None


def test_rejecting_a_held_reply_of_a_resolved_case_is_allowed_but_not_approving() -> None:
    case = resolved(held())
    with pytest.raises(CaseRefused) as refused:
        review_reply(case, reply_id=REPLY, approve=True, reviewer="sam", note=None, now=at(600))
    assert refused_code(refused) == "case_resolved"
    rejected = review_reply(
        case, reply_id=REPLY, approve=False, reviewer="sam", note=None, now=at(600)
    )
    assert rejected.entry.approval == "rejected"


@pytest.mark.parametrize(
    ("case", "reply_id", "code"),
    [
        (held(), OTHER_REPLY, "reply_not_found"),
        (replied(a_case()), REPLY, "not_pending_approval"),
    ],
    ids=["unknown reply", "reply not held"],
)
def test_only_a_held_reply_can_be_reviewed(case: Case, reply_id: UUID, code: str) -> None:
    with pytest.raises(CaseRefused) as refused:
        review_reply(case, reply_id=reply_id, approve=True, reviewer="sam", note=None, now=at(9))
    assert refused_code(refused) == code


def test_a_reviewed_reply_cannot_be_reviewed_again() -> None:
    once = review_reply(held(), reply_id=REPLY, approve=True, reviewer="sam", note=None, now=at(9))
    with pytest.raises(CaseRefused) as refused:
        review_reply(
            once.case, reply_id=REPLY, approve=False, reviewer="sam", note=None, now=at(10)
        )
    assert refused_code(refused) == "not_pending_approval"


# -- claim, assign, transfer -------------------------------------------------------------------


def test_claim_gives_an_unassigned_case_to_the_user() -> None:
    claimed = claim(a_case(), user="alice", now=at(60))
    assert (claimed.assignee, claimed.version) == ("alice", 2)
    assert (claimed.history[-1].actor, claimed.history[-1].action) == ("alice", "claimed")


@pytest.mark.parametrize(
    ("holder", "code"), [("alice", "already_yours"), ("bob", "already_assigned")]
)
def test_a_held_case_cannot_be_claimed(holder: str, code: str) -> None:
    case = a_case().model_copy(update={"assignee": holder})
    with pytest.raises(CaseRefused) as refused:
        claim(case, user="alice", now=at(60))
    assert refused_code(refused) == code


def test_assigning_to_a_member_records_who_gave_it() -> None:
    case = assign(a_case(), assignee="bob", team="voirie", by="sam", now=at(60))
    assert (case.team, case.assignee) == ("voirie", "bob")
    assert (case.history[-1].action, case.history[-1].detail) == (
        "assigned",
        "assignee queue -> bob",
    )


def test_assigning_to_another_team_is_a_transfer() -> None:
    case = claim(a_case(), user="alice", now=at(30))
    moved = assign(case, assignee=None, team="eau", by="alice", now=at(60))
    assert (moved.team, moved.assignee) == ("eau", None)
    assert (moved.history[-1].action, moved.history[-1].detail) == (
        "transferred",
        "team voirie -> eau; assignee alice -> queue",
    )


def test_assigning_what_the_case_already_has_is_refused() -> None:
    with pytest.raises(CaseRefused) as refused:
        assign(a_case(), assignee=None, team="voirie", by="sam", now=at(60))
    assert refused_code(refused) == "no_change"


@pytest.mark.parametrize(
    "change",
    [
        lambda c: claim(c, user="alice", now=at(600)),
        lambda c: assign(c, assignee="bob", team="voirie", by="sam", now=at(600)),
    ],
    ids=["claim", "assign"],
)
def test_a_resolved_case_cannot_be_claimed_or_assigned(change: object) -> None:
    with pytest.raises(CaseRefused) as refused:
        change(resolved(a_case()))  # type: ignore[operator]
    assert refused_code(refused) == "case_resolved"


# -- notes and tags ----------------------------------------------------------------------------


def test_a_note_is_kept_for_staff() -> None:
    case = add_note(a_case(), text="Déjà signalé", author_user="alice", now=at(60))
    (note,) = case.notes
    assert (note.author_user, note.text, note.at) == ("alice", "Déjà signalé", at(60))
    assert (case.version, case.history[-1].detail) == (2, "12 characters")
    assert len(case.thread) == 1  # never in the thread sent to the citizen


@pytest.mark.parametrize(
    ("text", "code"), [(" ", "empty_note"), ("x" * (MAX_NOTE_CHARS + 1), "note_too_long")]
)
def test_blank_or_oversized_note_is_refused(text: str, code: str) -> None:
    with pytest.raises(InvalidReply) as refused:
        add_note(a_case(), text=text, author_user="alice", now=at(60))
    assert refused.value.code == code


def test_tags_are_added_once_and_removed() -> None:
    case = a_case().model_copy(update={"tags": ("pothole", "to-check")})
    tagged = retag(case, add=("urgent", "pothole"), remove=("to-check",), by="alice", now=at(9))
    assert tagged.tags == ("pothole", "urgent")
    assert tagged.history[-1].detail == "+urgent, +pothole, -to-check"


def test_tagging_that_changes_nothing_is_refused() -> None:
    case = a_case().model_copy(update={"tags": ("pothole",)})
    with pytest.raises(CaseRefused) as refused:
        retag(case, add=("pothole",), remove=("absent",), by="alice", now=at(9))
    assert refused_code(refused) == "no_change"


# -- resolve and reopen ------------------------------------------------------------------------


def test_resolving_closes_the_case_and_its_wait() -> None:
    case = resolved(replied(a_case(), wait=True), s=500)
    assert (case.status, case.resolved_at, case.waiting_since) == (
        CaseStatus.RESOLVED,
        at(500),
        None,
    )
    assert not case.is_active


def test_a_resolved_case_cannot_be_resolved_again() -> None:
    with pytest.raises(CaseRefused) as refused:
        resolved(resolved(a_case()), s=600)
    assert refused_code(refused) == "case_resolved"


def test_reopening_counts_the_resolution_again_and_keeps_the_first_response() -> None:
    case = resolved(replied(a_case(), s=90), s=500)
    reopened = reopen(case, by="alice", clock=clock_of(case), now=at(1000))
    assert (reopened.status, reopened.resolved_at, reopened.reopened) == (
        CaseStatus.OPEN,
        None,
        1,
    )
    assert reopened.resolution_due == at(1000 + 3 * 86400)
    assert reopened.first_response_due == case.first_response_due


def test_reopening_a_case_never_answered_counts_the_first_response_again() -> None:
    case = resolved(a_case(), s=500)
    reopened = reopen(case, by="alice", clock=clock_of(case), now=at(1000))
    assert reopened.first_response_due == at(1000 + 4 * 3600)


def test_an_active_case_cannot_be_reopened() -> None:
    case = a_case()
    with pytest.raises(CaseRefused) as refused:
        reopen(case, by="alice", clock=clock_of(case), now=at(60))
    assert refused_code(refused) == "case_active"


def test_a_citizen_message_reopens_a_resolved_case_one_version_later() -> None:
    case = resolved(replied(a_case(), s=90), s=500)
    message = classified("m2", received_s=900)
    reopened = reopen_for_message(
        case, message.interaction, message.classification, clock=clock_of(case), now=at(901)
    )
    assert (reopened.status, reopened.reopened, reopened.version) == (
        CaseStatus.OPEN,
        1,
        case.version + 1,
    )
    assert reopened.interaction_ids[-1] == message.interaction_id
    assert reopened.resolution_due == at(901 + 3 * 86400)
    assert reopened.history[-1].actor == "citizen"


# -- deliveries --------------------------------------------------------------------------------


def delivery(status: str, s: float = 100, **fields: object) -> Delivery:
    return Delivery.model_validate({"status": status, "at": at(s), **fields})


def test_a_first_delivery_is_recorded_without_a_new_version() -> None:
    case = replied(a_case())
    recorded = record_delivery(
        case, reply_id=REPLY, delivery=delivery("sent", platform_message_id="p1", attempts=2)
    )
    assert recorded is not None
    assert recorded.version == case.version
    assert recorded.delivery_of(REPLY) == delivery("sent", platform_message_id="p1", attempts=2)


def test_a_later_state_moves_the_delivery_on_and_keeps_what_it_knew() -> None:
    case = record_delivery(
        replied(a_case()),
        reply_id=REPLY,
        delivery=delivery("sent", platform_message_id="p1", attempts=2),
    )
    assert case is not None
    read = record_delivery(case, reply_id=REPLY, delivery=delivery("read", 200))
    assert read is not None
    assert read.delivery_of(REPLY) == delivery("read", 200, platform_message_id="p1", attempts=2)


@pytest.mark.parametrize(
    ("known", "report"),
    [("read", "sent"), ("read", "delivered"), ("delivered", "delivered"), ("failed", "read")],
)
def test_a_delivery_never_moves_backwards(known: str, report: str) -> None:
    case = record_delivery(replied(a_case()), reply_id=REPLY, delivery=delivery(known))
    assert case is not None
    assert record_delivery(case, reply_id=REPLY, delivery=delivery(report, 300)) is None


def test_a_held_question_makes_the_case_wait_once_approved() -> None:
    case = replied(a_case(), needs_approval=True, wait=True)
    approved = review_reply(
        case, reply_id=REPLY, approve=True, reviewer="sam", note=None, now=at(500)
    )
    assert (approved.case.status, approved.case.waiting_since) == (CaseStatus.WAITING, at(500))


@pytest.mark.parametrize("known", ["delivered", "read"])
def test_a_received_reply_cannot_fail_afterwards(known: str) -> None:
    case = record_delivery(replied(a_case()), reply_id=REPLY, delivery=delivery(known))
    assert case is not None
    assert record_delivery(case, reply_id=REPLY, delivery=delivery("failed", 300)) is None


def test_a_sent_reply_may_still_fail() -> None:
    case = record_delivery(replied(a_case()), reply_id=REPLY, delivery=delivery("sent"))
    assert case is not None
    failed = record_delivery(case, reply_id=REPLY, delivery=delivery("failed", 300))
    assert failed is not None
    assert failed.delivery_of(REPLY) is not None
