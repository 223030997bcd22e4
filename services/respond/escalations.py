"""The SLA watch: raise each case's at-risk and breached levels when their time comes."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from services.respond import case_events
from services.respond.domain.escalation import escalate
from services.respond.ports import CASES, CaseRepository, Publisher

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


class EscalationWatch:
    """Runs ``escalate_due`` every ``interval_s`` seconds in the background."""

    def __init__(
        self,
        *,
        cases: CaseRepository,
        outbox: Publisher,
        clock: Callable[[], datetime],
        interval_s: float,
    ) -> None:
        self.cases = cases
        self.outbox = outbox
        self.clock = clock
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="escalation-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await escalate_due(cases=self.cases, outbox=self.outbox, now=self.clock())
            except Exception:
                log.exception("escalation_watch_failed")
            await asyncio.sleep(self.interval_s)
