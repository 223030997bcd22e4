"""Automatic assignment: least loaded, under capacity, speaking the case's language."""

import pytest

from services.respond.domain.assignment import choose_assignee, speaks
from shared.config import Team
from tests.unit.respond.builders import AGENCY


def team(team_id: str) -> Team:
    found = AGENCY.team(team_id)
    assert found is not None
    return found


VOIRIE = team("voirie")  # alice (the team's fr), bob (fr, en)


@pytest.mark.parametrize(
    ("loads", "chosen"),
    [
        ({"alice": 3, "bob": 1}, "bob"),
        ({"alice": 1, "bob": 3}, "alice"),
        ({}, "alice"),  # a tie goes to the member listed first
        ({"alice": 2, "bob": 2}, "alice"),
        ({"alice": 10, "bob": 9}, "bob"),  # alice is at her capacity of 10
    ],
)
def test_the_least_loaded_member_under_capacity_gets_the_case(
    loads: dict[str, int], chosen: str
) -> None:
    assert choose_assignee(VOIRIE, language="fr", open_cases=loads).assignee == chosen


def test_the_reason_says_why_the_member_was_chosen() -> None:
    choice = choose_assignee(VOIRIE, language="fr", open_cases={"alice": 0, "bob": 4})
    assert choice.reason == (
        "least loaded of 2 available member(s) speaking fr (alice: 0 of 10 open cases)"
    )


def test_only_members_speaking_the_language_are_eligible() -> None:
    choice = choose_assignee(VOIRIE, language="en", open_cases={"alice": 0, "bob": 7})
    assert choice.assignee == "bob"


def test_a_members_own_languages_override_the_teams() -> None:
    bilingual = Team.model_validate(
        {
            "id": "t",
            "name": "T",
            "languages": ["fr", "en"],
            "members": [{"id": "zoe", "languages": ["fr"]}, "yann"],
        }
    )
    assert not speaks(bilingual, "zoe", "en")
    assert speaks(bilingual, "yann", "en")
    assert choose_assignee(bilingual, language="en", open_cases={"yann": 5}).assignee == "yann"


@pytest.mark.parametrize("language", [None, "", "und", "unknown"])
def test_an_unknown_language_lets_any_member_take_the_case(language: str | None) -> None:
    choice = choose_assignee(VOIRIE, language=language, open_cases={"alice": 4, "bob": 1})
    assert choice.assignee == "bob"


def test_a_team_without_languages_takes_any_language() -> None:
    urgences = team("urgences")
    assert choose_assignee(urgences, language="ar", open_cases={}).assignee == "carol"


def test_an_unavailable_member_is_never_chosen() -> None:
    accueil = team("accueil")  # hugo (on leave), gaelle
    choice = choose_assignee(accueil, language="fr", open_cases={"hugo": 0, "gaelle": 5})
    assert choice.assignee == "gaelle"


def test_nobody_eligible_leaves_the_case_in_the_queue_with_a_reason() -> None:
    choice = choose_assignee(VOIRIE, language="en", open_cases={"bob": 10})
    assert choice.assignee is None
    assert (
        choice.reason == "no available member speaking en under capacity; left in the voirie queue"
    )


def test_a_member_of_capacity_zero_is_never_chosen() -> None:
    resting = Team.model_validate(
        {"id": "t", "name": "T", "members": [{"id": "zoe", "capacity": 0}]}
    )
    assert choose_assignee(resting, language="fr", open_cases={}).assignee is None


def test_someone_outside_the_team_speaks_nothing_for_it() -> None:
    assert not speaks(VOIRIE, "carol", "fr")
