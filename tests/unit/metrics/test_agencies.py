"""Which business hours, time zone and name metrics uses for each agency and case."""

from datetime import UTC, date
from zoneinfo import ZoneInfo

import pytest

from shared.business_hours import ALWAYS_OPEN, parse_business_hours
from tests.unit.metrics.builders import agencies

OFFICE = parse_business_hours("Mon-Fri 08:30-18:00")
MORNINGS = parse_business_hours("Mon-Fri 09:00-12:00")


@pytest.mark.parametrize(
    ("rule_index", "rule_name", "priority", "hours"),
    [
        (1, "roads", "normal", OFFICE),
        (1, "roads", "urgent", OFFICE),
        (0, "emergencies", "urgent", ALWAYS_OPEN),
        (2, "default", "low", MORNINGS),
        (1, "renamed since", "low", MORNINGS),
        (7, "gone", "normal", OFFICE),
        (None, None, "low", MORNINGS),
        (None, None, "high", ALWAYS_OPEN),
        (None, None, None, ALWAYS_OPEN),
    ],
    ids=[
        "rule-policy",
        "rule-policy-over-priority",
        "policy-without-hours",
        "default-rule",
        "renamed-rule-uses-priority",
        "unknown-rule-uses-priority",
        "no-rule-uses-priority",
        "no-such-policy",
        "nothing-known",
    ],
)
def test_a_case_is_measured_in_the_hours_of_its_routing_rules_sla_policy(
    rule_index: int | None, rule_name: str | None, priority: str | None, hours: object
) -> None:
    calendar = agencies().calendar(
        "lyon", rule_index=rule_index, rule_name=rule_name, priority=priority
    )
    assert calendar.hours == hours
    assert calendar.zone == ZoneInfo("Europe/Paris")


def test_business_calendars_skip_the_agencys_holidays() -> None:
    calendar = agencies().calendar("lyon", priority="normal")
    assert calendar.holidays == frozenset({date(2026, 3, 4)})


def test_an_unknown_agency_is_measured_in_utc_calendar_time() -> None:
    calendar = agencies().calendar("nowhere", priority="normal")
    assert (calendar.hours, calendar.zone) == (ALWAYS_OPEN, UTC)
    assert agencies().zone("nowhere") is UTC


def test_agencies_are_named_as_configured_and_unknown_ones_by_id() -> None:
    assert (agencies().name("lyon"), agencies().name("nowhere")) == ("Ville de Lyon", "nowhere")


def test_agency_time_zone_defaults_to_utc() -> None:
    assert agencies().zone("paris") == ZoneInfo("UTC")
