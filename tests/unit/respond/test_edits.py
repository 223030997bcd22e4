"""Editing a citizen's message in a case thread."""

from datetime import UTC, datetime, timedelta

from services.respond.domain.cases import Case, InboundEntry, add_interaction, edit_interaction
from tests.unit.respond.builders import a_case, classification, classified, clock_of, interaction

EDIT_AT = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _inbound(case: Case) -> list[InboundEntry]:
    return [e for e in case.thread if isinstance(e, InboundEntry)]


def test_edit_replaces_the_text_and_labels_of_that_message_only() -> None:
    case = a_case(classified("m1", text="Nid de poule"))
    case, _ = add_interaction(
        case,
        interaction("m2", text="Toujours là"),
        classification(),
        clock=clock_of(case),
        now=EDIT_AT,
    )
    edited = edit_interaction(
        case,
        interaction("m1", text="Nid de poule ÉNORME"),
        classification(topic="roads", sentiment="negative"),
        edited_at=EDIT_AT,
    )
    assert edited is not None
    assert [e.text for e in _inbound(edited)] == ["Nid de poule ÉNORME", "Toujours là"]
    assert _inbound(edited)[0].edited_at == EDIT_AT
    assert _inbound(edited)[0].classification.sentiment == "negative"
    assert edited.version == case.version + 1


def test_replaying_an_edit_or_an_older_one_changes_nothing() -> None:
    case = a_case(classified("m1"))
    edited = edit_interaction(
        case, interaction("m1", text="v2"), classification(), edited_at=EDIT_AT
    )
    assert edited is not None
    for when in (EDIT_AT, EDIT_AT - timedelta(minutes=1)):
        older = edit_interaction(
            edited, interaction("m1", text="old"), classification(), edited_at=when
        )
        assert older is None


def test_edit_of_a_message_not_in_the_case_changes_nothing() -> None:
    case = a_case(classified("m1"))
    assert edit_interaction(case, interaction("other"), classification(), edited_at=EDIT_AT) is None
