"""SLA clock: when a case is due a first response and a resolution (pure)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.config import Agency, SlaPolicy


@dataclass(frozen=True)
class DueTimes:
    first_response: datetime | None
    resolution: datetime | None


NO_SLA = DueTimes(first_response=None, resolution=None)


def add_sla_time(start: datetime, duration: timedelta, *, policy: SlaPolicy) -> datetime:
    """``start`` plus ``duration`` of SLA time.

    Calendar time for now: ``policy.business_hours`` (and the agency's timezone) will make
    this skip closed hours; it is the one place that has to change.
    """
    return start + duration


def due_times(agency: Agency, policy_name: str, *, opened_at: datetime) -> DueTimes:
    """Due times counted from the opening; none when the agency has no such policy."""
    policy = agency.sla.get(policy_name)
    if policy is None:
        return NO_SLA
    return DueTimes(
        first_response=add_sla_time(opened_at, policy.first_response, policy=policy),
        resolution=add_sla_time(opened_at, policy.resolution, policy=policy),
    )
