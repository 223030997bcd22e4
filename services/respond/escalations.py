"""The SLA watch: raise each case's at-risk and breached levels when their time comes."""

import logging
from collections.abc import Callable
from datetime import datetime

from services.respond import case_events
from services.respond.domain.escalation import escalate
from services.respond.ports import CASES, CaseRepository, Publisher
from shared.workers import Periodic

log = logging.getLogger(__name__)


async def escalate_due(
    *, cases: CaseRepository, outbox: Publisher, now: datetime, limit: int = 200
) -> int:
    """Record and publish every level reached by ``now``; how many levels were raised."""
    raised = 0
    for stored in await cases.due_for_check(now=now, limit=limit):
        case, levels = escalate(stored.case, now)
        if not levels:
            continue
        events = [case_events.escalated(case, level) for level in levels]
        entries = case_events.outbox_entries(events, case=case, now=now)
        if not await cases.save(case, seen_version=stored.case.version, outbox=entries):
            continue  # a responder changed it meanwhile: the next round looks again
        await outbox.publish_soon(CASES, str(case.case_id), entries)
        raised += len(levels)
        for level in levels:
            log.info(
                "case_escalated",
                extra={
                    "agency_id": case.agency_id,
                    "case_id": str(case.case_id),
                    "team": case.team,
                    "outcome": f"{level.target}:{level.level}",
                },
            )
    return raised


def escalation_watch(
    *, cases: CaseRepository, outbox: Publisher, clock: Callable[[], datetime], interval_s: float
) -> Periodic:
    """A worker running ``escalate_due`` every ``interval_s`` seconds."""

    async def step() -> None:
        await escalate_due(cases=cases, outbox=outbox, now=clock())

    return Periodic("escalation_watch", step, interval_s=interval_s)
