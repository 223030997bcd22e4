from uuid import UUID

import pytest

from services.respond.domain.cases import (
    MAX_REPLY_CHARS,
    CaseNotOpen,
    CaseStatus,
    InboundEntry,
    InvalidReply,
    OutboundEntry,
    add_interaction,
    add_reply,
    check_reply_text,
)
from shared.ids import case_id
from tests.unit.respond.builders import a_case, at, classified

REPLY = UUID("00000000-0000-4000-8000-0000000000a1")


def test_opened_case_holds_its_first_interaction_and_routing() -> None:
    event = classified(text="Nid de poule", topic="roads")
    case = a_case(event, opened_s=2)

    assert case.case_id == case_id("lyon", "facebook", "post-9", 0)
    assert (case.status, case.version, case.generation) == (CaseStatus.OPEN, 1, 0)
    assert (case.team, case.priority) == ("voirie", "normal")
    assert case.routing.rule_name == "roads and lighting"
    assert case.conversation_key == "lyon:facebook:post-9"
    assert case.interaction_ids == (event.interaction_id,)
    assert (case.opened_at, case.first_received_at, case.last_message_at) == (at(2), at(0), at(0))
    assert case.first_response_at is None
    assert case.classification.topic == "roads"


def test_opened_case_is_due_by_its_policy_from_the_opening() -> None:
    case = a_case(classified(urgency="critical"), opened_s=60)
    assert case.priority == "urgent"
    assert case.first_response_due == at(60 + 15 * 60)
    assert case.resolution_due == at(60 + 4 * 3600)


def test_thread_entry_of_a_citizen_message_keeps_author_and_labels() -> None:
    (entry,) = a_case(classified(text="Nid de poule")).thread
    assert isinstance(entry, InboundEntry)
    assert (entry.direction, entry.text, entry.author_handle, entry.author_name) == (
        "inbound",
        "Nid de poule",
        "@citizen",
        "A. Citizen",
    )
    assert (entry.classification.topic, entry.classification.language) == ("roads", "fr")


def test_further_interaction_is_threaded_and_bumps_the_version() -> None:
    case = a_case()
    follow_up = classified("m2", topic="street_lighting", received_s=30)
    threaded = add_interaction(case, follow_up.interaction, follow_up.classification)

    assert [e.direction for e in threaded.thread] == ["inbound", "inbound"]
    assert threaded.interaction_ids == (*case.interaction_ids, follow_up.interaction_id)
    assert (threaded.version, threaded.last_message_at) == (2, at(30))
    assert threaded.classification.topic == "street_lighting"
    assert threaded.team == case.team  # routing is decided once, at the opening


def test_threading_the_same_interaction_twice_is_a_no_op() -> None:
    case = a_case()
    event = classified()
    assert add_interaction(case, event.interaction, event.classification) == case


def test_first_reply_is_the_first_response() -> None:
    added = add_reply(a_case(), reply_id=REPLY, text="Merci", author_user="alice", now=at(90))

    assert added.first_response is True
    assert added.case.first_response_at == at(90)
    assert added.case.version == 2
    assert isinstance(added.case.thread[-1], OutboundEntry)
    assert added.entry == OutboundEntry(
        reply_id=REPLY, text="Merci", author_user="alice", at=at(90), delivery="pending"
    )


def test_later_reply_keeps_the_first_response_time() -> None:
    first = add_reply(a_case(), reply_id=REPLY, text="Merci", author_user="alice", now=at(90))
    second = add_reply(first.case, reply_id=REPLY, text="Fait", author_user="bob", now=at(200))

    assert second.first_response is False
    assert second.case.first_response_at == at(90)
    assert [e.direction for e in second.case.thread] == ["inbound", "outbound", "outbound"]


def test_resolved_case_takes_no_reply() -> None:
    resolved = a_case().model_copy(update={"status": CaseStatus.RESOLVED})
    with pytest.raises(CaseNotOpen):
        add_reply(resolved, reply_id=REPLY, text="Merci", author_user="alice", now=at(90))


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
    case = add_interaction(a_case(), event.interaction, event.classification)
    case = add_reply(case, reply_id=REPLY, text="Merci", author_user="alice", now=at(90)).case
    assert case.last_inbound is not None
    assert case.last_inbound.message_id == "m2"
