"""SLA clock: when a case is due a first response and a resolution, and when it is at risk (pure).

Targets count in the business hours of the policy (the agency's time zone, its holidays) or
around the clock when the policy has none. While a case waits on the citizen the clock stops:
the time it waited, in the same hours, is added to every due time when the citizen answers.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared.business_hours import BusinessCalendar, parse_business_hours
from shared.config import Agency, SlaPolicy


@dataclass(frozen=True)
class DueTimes:
    first_response: datetime | None
    resolution: datetime | None
    first_response_risk: datetime | None = None
    resolution_risk: datetime | None = None


NO_SLA = DueTimes(first_response=None, resolution=None)


@dataclass(frozen=True)
class SlaClock:
    """One SLA policy of one agency: its targets and the hours they count in."""

    policy: SlaPolicy | None
    calendar: BusinessCalendar

    @classmethod
    def of(cls, agency: Agency, policy_name: str | None) -> "SlaClock":
        zone = ZoneInfo(agency.timezone)
        policy = agency.sla.get(policy_name) if policy_name is not None else None
        if policy is None or policy.business_hours is None:
            return cls(policy=policy, calendar=BusinessCalendar.always_open(zone))
        hours = parse_business_hours(policy.business_hours)
        return cls(
            policy=policy, calendar=BusinessCalendar(hours, zone, frozenset(agency.holidays))
        )

    def due_times(self, start: datetime) -> DueTimes:
        """Due and at-risk times of targets counted from ``start``; none without a policy."""
        policy = self.policy
        if policy is None:
            return NO_SLA
        add = self.calendar.add
        return DueTimes(
            first_response=add(start, policy.first_response),
            resolution=add(start, policy.resolution),
            first_response_risk=add(start, policy.first_response * policy.at_risk),
            resolution_risk=add(start, policy.resolution * policy.at_risk),
        )

    def paused(self, since: datetime, until: datetime) -> timedelta:
        """The SLA time that passed while the clock was stopped."""
        return timedelta(seconds=self.calendar.seconds_between(since, until))

    def shifted(self, due: DueTimes, by: timedelta) -> DueTimes:
        """Every due time pushed back by ``by`` of SLA time."""

        def later(moment: datetime | None) -> datetime | None:
            return None if moment is None else self.calendar.add(moment, by)

        return replace(
            due,
            first_response=later(due.first_response),
            resolution=later(due.resolution),
            first_response_risk=later(due.first_response_risk),
            resolution_risk=later(due.resolution_risk),
        )
