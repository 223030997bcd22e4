"""What metrics needs to know of each agency: its name, time zone and SLA business hours; pure.

Built once from ``agora.yaml`` at start-up, so a business-hours spec that cannot be read stops
the service with the agency and policy named, instead of skewing every report.
"""

from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.business_hours import BusinessCalendar, parse_business_hours
from shared.config.models import Agency, AgoraConfig


def _zone(agency: Agency) -> tzinfo:
    try:
        return ZoneInfo(agency.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"agency {agency.id!r}: unknown time zone {agency.timezone!r}") from error


def _calendars(agency: Agency, zone: tzinfo) -> dict[str, BusinessCalendar]:
    """One calendar per SLA policy that has business hours."""
    calendars = {}
    for name, policy in agency.sla.items():
        if policy.business_hours is None:
            continue
        try:
            hours = parse_business_hours(policy.business_hours)
        except ValueError as error:
            raise ValueError(f"agency {agency.id!r}, SLA policy {name!r}: {error}") from error
        calendars[name] = BusinessCalendar(hours, zone, frozenset(agency.holidays))
    return calendars


@dataclass(frozen=True)
class AgencyClock:
    name: str
    zone: tzinfo
    always: BusinessCalendar
    calendars: dict[str, BusinessCalendar]
    # The SLA policy of each routing rule, by the rule's label: what respond applied.
    rule_policies: dict[tuple[int, str], str]


@dataclass(frozen=True)
class Agencies:
    """Agencies by id; an agency missing from the configuration is measured in UTC, 24/7."""

    clocks: dict[str, AgencyClock] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: AgoraConfig) -> "Agencies":
        clocks = {}
        for agency in config.agencies:
            zone = _zone(agency)
            clocks[agency.id] = AgencyClock(
                name=agency.name,
                zone=zone,
                always=BusinessCalendar.always_open(zone),
                calendars=_calendars(agency, zone),
                rule_policies={
                    (index, rule.label(index)): rule.sla or rule.priority
                    for index, rule in enumerate(agency.routing)
                },
            )
        return cls(clocks=clocks)

    def name(self, agency_id: str) -> str:
        clock = self.clocks.get(agency_id)
        return clock.name if clock else agency_id

    def zone(self, agency_id: str) -> tzinfo:
        clock = self.clocks.get(agency_id)
        return clock.zone if clock else UTC

    def calendar(
        self,
        agency_id: str,
        *,
        rule_index: int | None = None,
        rule_name: str | None = None,
        priority: str | None = None,
    ) -> BusinessCalendar:
        """The business hours of the case's SLA policy, else calendar time (24/7).

        The policy is the one of the routing rule that routed the case (``sla`` or its
        priority), when the configuration still has that rule; else the case's priority.
        """
        clock = self.clocks.get(agency_id)
        if clock is None:
            return BusinessCalendar.always_open()
        policy = priority
        if rule_index is not None and rule_name is not None:
            policy = clock.rule_policies.get((rule_index, rule_name), priority)
        if policy is None:
            return clock.always
        return clock.calendars.get(policy, clock.always)
