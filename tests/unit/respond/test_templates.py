"""Reply templates with placeholders, and suggested replies from the fact base."""

import pytest

from services.respond.domain.templates import (
    pick_language,
    placeholder_values,
    render,
    suggested_replies,
    templates_for,
)
from tests.unit.respond.builders import AGENCY, a_case, classified


def test_placeholders_are_filled_from_the_case_the_agency_and_the_responder() -> None:
    case = a_case()
    values = placeholder_values(AGENCY, case, responder="alice")
    assert values == {
        "citizen_name": "A. Citizen",
        "citizen_handle": "@citizen",
        "agency_name": "Ville de Lyon",
        "team_name": "Voirie",
        "case_ref": str(case.case_id)[:8],
        "responder": "alice",
    }


def test_a_template_is_rendered_in_the_cases_language_ready_to_send() -> None:
    case = a_case(classified(language="en"))
    values = placeholder_values(AGENCY, case, responder="bob")
    (thanks,) = templates_for(AGENCY, team="voirie", language="en", values=values)
    assert (thanks.template_id, thanks.language, thanks.languages) == ("thanks", "en", ("fr", "en"))
    assert thanks.text == (
        f"Hello A. Citizen, thanks: Voirie is on it (ref. {str(case.case_id)[:8]}). bob"
    )


@pytest.mark.parametrize(
    ("text", "values", "rendered"),
    [
        ("Bonjour {citizen_name} !", {"citizen_name": "Marie"}, "Bonjour Marie !"),
        ("Bonjour {citizen_name} !", {"citizen_name": ""}, "Bonjour !"),
        ("Réf. {unknown}", {}, "Réf. {unknown}"),
        ("  {responder}  ", {"responder": "alice"}, "alice"),
    ],
)
def test_rendering_fills_known_placeholders_and_tidies_blanks(
    text: str, values: dict[str, str], rendered: str
) -> None:
    assert render(text, values) == rendered


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("fr", "fr"), ("de", "fr"), (None, "fr")],
)
def test_a_language_the_template_lacks_falls_back_to_the_agencys_first(
    language: str | None, expected: str
) -> None:
    (thanks,) = templates_for(AGENCY, team="voirie", language=language)
    assert thanks.language == expected


def test_a_template_in_one_language_is_used_in_it_whatever_is_asked() -> None:
    _, cut = templates_for(AGENCY, team="eau", language="en")
    assert (cut.template_id, cut.language) == ("water-cut", "fr")


@pytest.mark.parametrize(
    ("team", "ids"),
    [("voirie", ["thanks"]), ("eau", ["thanks", "water-cut"]), (None, ["thanks", "water-cut"])],
)
def test_a_template_limited_to_teams_is_offered_to_them_only(
    team: str | None, ids: list[str]
) -> None:
    assert [t.template_id for t in templates_for(AGENCY, team=team, language="fr")] == ids


def test_without_values_the_placeholders_stay_for_the_responder_to_see() -> None:
    (thanks,) = templates_for(AGENCY, team="voirie", language="fr")
    assert "{citizen_name}" in thanks.text


def test_pick_language_prefers_the_first_wanted_the_texts_have() -> None:
    assert pick_language({"fr": "a", "en": "b"}, ["de", "en", "fr"]) == "en"
    assert pick_language({"it": "a"}, ["fr"]) == "it"


def test_a_matched_false_claim_suggests_the_official_answer_in_the_cases_language() -> None:
    case = a_case(classified(language="en", facts=("bus-free",)))
    (suggestion,) = suggested_replies(AGENCY, case)
    assert (suggestion.source, suggestion.language, suggestion.text, suggestion.link) == (
        "fact:bus-free",
        "en",
        "Buses are not free.",
        "https://lyon.example.org/bus",
    )


def test_an_answer_missing_in_the_cases_language_falls_back_to_the_agencys() -> None:
    case = a_case(classified(language="en", facts=("water-poison",)))
    (suggestion,) = suggested_replies(AGENCY, case)
    assert (suggestion.language, suggestion.link) == ("fr", None)


def test_facts_unknown_to_the_agency_suggest_nothing() -> None:
    assert suggested_replies(AGENCY, a_case(classified(facts=("moon-landing",)))) == []
    assert suggested_replies(AGENCY, a_case()) == []
