from datetime import timedelta

import pytest

from services.respond.domain.sla import NO_SLA, add_sla_time, due_times
from shared.config import Agency, SlaPolicy
from tests.unit.respond.builders import AGENCY, T0


@pytest.mark.parametrize(
    ("policy", "first_response", "resolution"),
    [
        ("urgent", timedelta(minutes=15), timedelta(hours=4)),
        ("high", timedelta(hours=1), timedelta(days=1)),
        ("low", timedelta(days=1), timedelta(days=7)),
    ],
)
def test_due_times_add_the_policy_durations_to_the_opening(
    policy: str, first_response: timedelta, resolution: timedelta
) -> None:
    due = due_times(AGENCY, policy, opened_at=T0)
    assert (due.first_response, due.resolution) == (T0 + first_response, T0 + resolution)


def test_unknown_policy_has_no_due_times() -> None:
    assert due_times(AGENCY, "platinum", opened_at=T0) == NO_SLA


def test_agency_without_sla_policies_has_no_due_times() -> None:
    agency = Agency.model_validate(
        {
            "id": "tiny",
            "name": "Tiny",
            "teams": [{"id": "all", "name": "All"}],
            "routing": [{"default": True, "team": "all"}],
        }
    )
    assert due_times(agency, "normal", opened_at=T0) == NO_SLA


def test_business_hours_are_not_applied_yet_so_sla_time_is_calendar_time() -> None:
    # T0 is a Monday 09:00 UTC; a Friday evening start would differ once hours apply.
    policy = SlaPolicy(first_response="4h", resolution="3d", business_hours="Mon-Fri 08:30-18:00")
    friday_evening = T0 + timedelta(days=4, hours=9)
    assert add_sla_time(friday_evening, timedelta(hours=4), policy=policy) == friday_evening + (
        timedelta(hours=4)
    )
