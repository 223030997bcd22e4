"""Case gauges: the SLA-risk and SLA-outcome rules, counting timelines, and what is exported."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from services.metrics.gauges import (
    CaseCounts,
    CaseGauges,
    at_sla_risk,
    count_cases,
    may_count,
    sla_outcome,
)
from shared.config import load_config
from tests.conftest import TEST_CONFIG

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
OPENED = NOW - timedelta(hours=3)


@pytest.mark.parametrize(
    ("due", "answered", "at_risk"),
    [
        (None, None, False),  # no SLA policy
        (NOW + timedelta(hours=2), None, False),  # 2 h left of a 5-hour target
        (NOW + timedelta(hours=1, seconds=1), None, False),  # just over a quarter left
        (NOW + timedelta(hours=1), None, True),  # 1 h left of 4 h: a quarter
        (NOW + timedelta(minutes=5), None, True),
        (NOW - timedelta(minutes=5), None, True),  # overdue
        (NOW - timedelta(minutes=5), NOW - timedelta(hours=1), False),  # answered
    ],
)
def test_an_unanswered_case_is_at_risk_in_the_last_quarter_of_its_target_or_overdue(
    due: datetime | None, answered: datetime | None, at_risk: bool
) -> None:
    # The target runs from the opening (3 h ago) to the due time.
    assert (
        at_sla_risk(opened_at=OPENED, first_response_due=due, first_response_at=answered, now=NOW)
        is at_risk
    )


def test_a_case_without_an_opening_time_is_at_risk_only_once_overdue() -> None:
    def risk(due: datetime) -> bool:
        return at_sla_risk(opened_at=None, first_response_due=due, first_response_at=None, now=NOW)

    assert (risk(NOW + timedelta(minutes=1)), risk(NOW)) == (False, True)


SINCE = NOW - timedelta(days=1)


@pytest.mark.parametrize(
    ("due", "done", "outcome"),
    [
        (NOW - timedelta(hours=1), NOW - timedelta(hours=2), "met"),
        (NOW + timedelta(hours=1), NOW - timedelta(hours=2), "met"),  # met before the due time
        (NOW - timedelta(hours=2), NOW - timedelta(hours=1), "breached"),  # done late
        (NOW - timedelta(hours=2), None, "breached"),  # due passed, not done
        (NOW + timedelta(hours=1), None, None),  # pending
        (None, NOW, None),  # no SLA
        (SINCE - timedelta(hours=1), None, None),  # breached before the window
        (SINCE + timedelta(hours=5), SINCE - timedelta(minutes=1), None),  # met before it
        (SINCE - timedelta(hours=1), SINCE + timedelta(hours=1), None),  # breach known earlier
    ],
)
def test_an_sla_outcome_counts_in_the_window_where_it_became_known(
    due: datetime | None, done: datetime | None, outcome: str | None
) -> None:
    assert sla_outcome(due=due, done_at=done, since=SINCE, now=NOW) == outcome


def _timeline(**fields: Any) -> dict[str, Any]:
    return {"agency_id": "lyon", "team": "voirie", "resolved": False, "opened_at": OPENED} | fields


def test_counting_groups_open_at_risk_and_sla_outcomes_by_agency_and_team() -> None:
    counts = count_cases(
        [
            _timeline(first_response_due=NOW - timedelta(minutes=1)),  # open, overdue
            _timeline(first_response_at=NOW - timedelta(hours=2)),  # open, answered, no SLA
            _timeline(resolved=True, resolution_due=NOW + timedelta(hours=1)),  # pending
            _timeline(
                resolved=True,
                first_response_due=NOW,
                first_response_at=NOW - timedelta(hours=1),
                resolution_due=NOW - timedelta(hours=1),
                resolved_at=NOW - timedelta(hours=2),
            ),
            _timeline(  # resolved in time once, then reopened: not done, and now overdue
                first_response_at=NOW - timedelta(hours=3),
                resolution_due=NOW - timedelta(minutes=30),
                resolved_at=NOW - timedelta(hours=2),
            ),
            _timeline(team=None),  # not routed yet
        ],
        now=NOW,
    )
    assert counts.open == {("lyon", "voirie"): 3, ("lyon", "none"): 1}
    assert counts.at_risk == {("lyon", "voirie"): 1}
    assert counts.sla == {
        ("lyon", "voirie", "first_response", "breached"): 1,
        ("lyon", "voirie", "first_response", "met"): 1,
        ("lyon", "voirie", "resolution", "met"): 1,
        ("lyon", "voirie", "resolution", "breached"): 1,
    }


@pytest.mark.parametrize(
    ("fields", "counts"),
    [
        ({}, True),  # open
        ({"resolved": True}, False),
        ({"resolved": True, "first_response_due": SINCE + timedelta(seconds=1)}, True),
        ({"resolved": True, "resolution_due": SINCE + timedelta(seconds=1)}, True),
        ({"resolved": True, "first_response_due": SINCE, "resolution_due": SINCE}, False),
    ],
)
def test_a_case_may_count_while_open_or_due_within_the_window(
    fields: dict[str, Any], counts: bool
) -> None:
    assert may_count(_timeline(**fields), since=SINCE) is counts


@pytest.fixture
def registry() -> tuple[CollectorRegistry, CaseGauges]:
    gauges = CaseGauges(load_config(TEST_CONFIG))
    registry = CollectorRegistry()
    registry.register(gauges)
    return registry, gauges


def test_sla_targets_of_the_configuration_are_exported_from_the_start(
    registry: tuple[CollectorRegistry, CaseGauges],
) -> None:
    registry_, _ = registry
    labels = {"agency": "lyon", "priority": "urgent", "sla": "first_response"}
    assert registry_.get_sample_value(
        "agora_metrics_sla_target_seconds", labels | {"business_hours": "false"}
    ) == (15 * 60)
    labels = {"agency": "lyon", "priority": "normal", "sla": "resolution"}
    assert registry_.get_sample_value(
        "agora_metrics_sla_target_seconds", labels | {"business_hours": "true"}
    ) == (3 * 86400)


def test_case_gauges_export_nothing_before_the_first_snapshot(
    registry: tuple[CollectorRegistry, CaseGauges],
) -> None:
    registry_, _ = registry
    team = {"agency": "lyon", "team": "voirie"}
    assert registry_.get_sample_value("agora_metrics_open_cases", team) is None


def test_every_configured_team_is_exported_at_zero_besides_those_with_cases(
    registry: tuple[CollectorRegistry, CaseGauges],
) -> None:
    registry_, gauges = registry
    counts = CaseCounts()
    counts.open[("lyon", "voirie")] = 3
    counts.at_risk[("lyon", "voirie")] = 1
    counts.open[("lyon", "none")] = 1
    gauges.snapshot.update(counts)

    def value(name: str, agency: str, team: str, **more: str) -> float | None:
        return registry_.get_sample_value(name, {"agency": agency, "team": team, **more})

    assert value("agora_metrics_open_cases", "lyon", "voirie") == 3
    assert value("agora_metrics_at_risk_cases", "lyon", "voirie") == 1
    assert value("agora_metrics_open_cases", "lyon", "none") == 1
    assert value("agora_metrics_open_cases", "grenoble", "accueil-grenoble") == 0
    assert value("agora_metrics_at_risk_cases", "lyon", "eau") == 0
    outcome = {"sla": "resolution", "outcome": "breached"}
    assert value("agora_metrics_sla_cases", "lyon", "eau", **outcome) == 0
