from uuid import UUID

from shared.ids import case_id, conversation_key, derived_event_id, interaction_id


def test_same_platform_message_gets_the_same_interaction_id() -> None:
    assert interaction_id("lyon", "facebook", "m1") == interaction_id("lyon", "facebook", "m1")


def test_interaction_id_differs_by_agency_channel_and_message() -> None:
    ids = {
        interaction_id("lyon", "facebook", "m1"),
        interaction_id("paris", "facebook", "m1"),
        interaction_id("lyon", "instagram", "m1"),
        interaction_id("lyon", "facebook", "m2"),
    }
    assert len(ids) == 4


def test_derived_event_id_is_stable_and_distinguishes_types() -> None:
    cause = UUID("12345678-1234-5678-1234-567812345678")
    assert derived_event_id(cause, "case.opened") == derived_event_id(cause, "case.opened")
    assert derived_event_id(cause, "case.opened") != derived_event_id(cause, "case.routed")
    assert derived_event_id(cause, "x", "1") != derived_event_id(cause, "x", "2")


def test_conversation_key_joins_agency_channel_and_conversation() -> None:
    assert conversation_key("lyon", "x", "c1") == "lyon:x:c1"


def test_a_reopened_conversation_gets_a_new_case_id() -> None:
    assert case_id("lyon", "x", "c1", 0) != case_id("lyon", "x", "c1", 1)
