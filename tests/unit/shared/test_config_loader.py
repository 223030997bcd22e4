from pathlib import Path

import pytest

from shared.config import ConfigError, load_config, parse_config
from shared.settings import DEFAULT_CONFIG

DEMO = DEFAULT_CONFIG.read_text()


def _problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, Path("agora.yaml"))
    return caught.value.problems


def test_the_shipped_demo_config_is_valid() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert config.agencies[0].routing[-1].default


def test_unknown_key_names_the_field_and_its_line() -> None:
    problems = _problems(DEMO.replace("timezone: Europe/Paris", "timezon: Europe/Paris"))
    line = DEMO.splitlines().index("    timezone: Europe/Paris") + 1
    assert problems == [f"agora.yaml:{line}: agencies[0].timezon: Extra inputs are not permitted"]


def test_routing_to_an_unknown_team_points_at_the_rule() -> None:
    problems = _problems(DEMO.replace("team: mobilite", "team: mobility"))
    line = next(i for i, t in enumerate(DEMO.splitlines(), 1) if "team: mobilite" in t)
    assert problems == [f"agora.yaml:{line}: agencies[0].routing[3].team: unknown team 'mobility'"]


def test_routing_without_a_default_rule_is_refused() -> None:
    text = DEMO.replace(
        "      - {name: everything else, default: true, team: accueil, priority: low}\n", ""
    )
    assert any("a default rule is required" in p for p in _problems(text))


def test_bad_duration_is_explained() -> None:
    problems = _problems(DEMO.replace("first_response: 15m", "first_response: soon"))
    assert "agencies[0].sla.urgent.first_response" in problems[0]
    assert "expected a duration like 15m" in problems[0]


def test_connection_missing_its_secret_variable_is_refused() -> None:
    problems = _problems(DEMO.replace(", secret_env: AGORA_DEMO_WEBHOOK_SECRET", ""))
    assert "a generic connection needs secret_env" in problems[0]


def test_invalid_yaml_names_the_line() -> None:
    problems = _problems("agencies:\n  - id: [unclosed\n")
    assert problems[0].startswith("agora.yaml:")
    assert "not valid YAML" in problems[0]


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")


def test_every_agency_gets_agoras_taxonomy_with_french_and_english_descriptions() -> None:
    topics = load_config(DEFAULT_CONFIG).agencies[0].topics
    assert len(topics) == 24
    assert all(t.fr and t.en for t in topics)
    assert topics[-1].id == "other"


def test_routing_on_a_topic_outside_the_taxonomy_is_refused() -> None:
    problems = _problems(DEMO.replace("when: {topic: water}", "when: {topic: watr}"))
    assert "routing[4].when.topic: 'watr' is not in topics" in problems[0]


def test_a_custom_taxonomy_must_keep_other() -> None:
    custom = DEMO.replace(
        "    routing:      # first match wins",
        "    topics: [{id: tram, fr: Tram, en: Tram}]\n    routing:      # first match wins",
    )
    assert any("the taxonomy must include 'other'" in p for p in _problems(custom))


def test_unreadable_business_hours_name_the_policy() -> None:
    problems = _problems(
        DEMO.replace('"Mon-Fri 08:30-18:00"}\n      low', '"Mon-Fri 8h30-18h"}\n      low')
    )
    assert "agencies[0].sla.normal.business_hours" in problems[0]
    assert "expected a time range like 08:30-18:00" in problems[0]


def test_an_unknown_time_zone_is_refused() -> None:
    problems = _problems(DEMO.replace("timezone: Europe/Paris", "timezone: Europe/Lyon"))
    assert "unknown time zone 'Europe/Lyon'" in problems[0]


VOIRIE_MEMBERS = "members: [alice, {id: bob, capacity: 5, languages: [fr, en]}]"


def _replaced(old: str, new: str) -> str:
    assert old in DEMO, f"the demo configuration no longer has {old!r}"
    return DEMO.replace(old, new, 1)


def test_team_members_are_ids_or_objects_with_languages_and_capacity() -> None:
    text = _replaced(VOIRIE_MEMBERS, "members: [alice, {id: bob, languages: [en], capacity: 3}]")
    team = parse_config(text, Path("agora.yaml")).agencies[0].team("voirie")
    assert team is not None
    alice, bob = team.members
    assert (alice.id, alice.capacity, team.languages_of(alice)) == ("alice", 10, ["fr"])
    assert (bob.id, bob.capacity, team.languages_of(bob)) == ("bob", 3, ["en"])


def test_a_member_listed_twice_is_refused() -> None:
    problems = _problems(_replaced(VOIRIE_MEMBERS, "members: [alice, alice]"))
    assert "member ids must be unique" in problems[0]


def test_a_template_with_an_unknown_placeholder_names_it() -> None:
    text = _replaced(
        "    templates:",
        "    templates:\n      - {id: t1, name: Thanks, text: {fr: 'Merci {citizen}'}}",
    )
    problems = _problems(text)
    assert "agencies[0].templates[0].text" in problems[0]
    assert "unknown placeholder {citizen}" in problems[0]


def test_a_template_for_an_unknown_team_is_refused() -> None:
    text = _replaced(
        "    templates:",
        "    templates:\n      - {id: t1, name: Thanks, text: {fr: Merci}, teams: [nope]}",
    )
    assert "unknown team 'nope'" in _problems(text)[0]
