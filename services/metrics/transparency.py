"""The public transparency table: per agency, channel and topic; aggregates only; pure.

Every published figure rests on at least ``min_group`` conversations (cases), so that no
individual conversation can be singled out:

- a channel and topic group with fewer cases is not published on its own: its cases are merged
  into one "other" row per agency, published only if that row reaches the minimum itself (else
  omitted, and nothing of it appears);
- a median first response is published only when at least ``min_group`` cases were answered,
  and a share within target only when at least ``min_group`` cases have a decided outcome.

Rows carry an agency id and name, a channel, a topic and numbers: never a case, a message or
a person.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.metrics.agencies import Agencies
from services.metrics.measures import CaseMeasures, CaseRecord, SlaOutcome
from services.metrics.reports import median, share


@dataclass(frozen=True)
class PublicRow:
    agency_id: str
    agency: str
    channel: str | None
    topic: str | None
    other: bool  # the merged row of the agency's small groups (channel and topic unset)
    cases: int
    median_first_response_s: float | None
    within_target_share: float | None


Measured = tuple[CaseRecord, CaseMeasures]


def _row(
    agency_id: str,
    agencies: Agencies,
    key: tuple[str | None, str | None],
    members: Sequence[Measured],
    *,
    other: bool,
    min_group: int,
) -> PublicRow:
    times = [m.time_to_first_response.seconds for _, m in members if m.time_to_first_response]
    outcomes = [m.first_response_sla for _, m in members]
    met, breached = outcomes.count(SlaOutcome.MET), outcomes.count(SlaOutcome.BREACHED)
    decided = met + breached
    return PublicRow(
        agency_id=agency_id,
        agency=agencies.name(agency_id),
        channel=key[0],
        topic=key[1],
        other=other,
        cases=len(members),
        median_first_response_s=median(times) if len(times) >= min_group else None,
        within_target_share=share(met, decided) if decided >= min_group else None,
    )


def transparency(
    cases: Iterable[Measured], *, agencies: Agencies, min_group: int
) -> list[PublicRow]:
    """One row per agency, channel and topic with at least ``min_group`` cases, then the
    agency's "other" row; sorted by agency, channel, topic (unset topic first)."""
    if min_group < 1:
        raise ValueError(f"the minimum group size must be at least 1, got {min_group}")
    groups: dict[str, dict[tuple[str | None, str | None], list[Measured]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record, measures in cases:
        groups[record.agency_id][(record.channel, record.topic)].append((record, measures))
    rows = []
    for agency_id in sorted(groups):
        small: list[Measured] = []
        for key in sorted(
            groups[agency_id], key=lambda k: (k[0] or "", k[1] is not None, k[1] or "")
        ):
            members = groups[agency_id][key]
            if len(members) < min_group:
                small.extend(members)
                continue
            rows.append(_row(agency_id, agencies, key, members, other=False, min_group=min_group))
        if len(small) >= min_group:
            rows.append(
                _row(agency_id, agencies, (None, None), small, other=True, min_group=min_group)
            )
    return rows
