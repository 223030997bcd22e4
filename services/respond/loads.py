"""How many open cases each member holds, for automatic assignment, without a count per case.

Counting a member's cases scans them on the embedded database (tens of milliseconds for a
thousand), too slow for every new case. Counts are read at most every ``ttl_s`` per member and
this process's own assignments are added in between, so capacity is respected within what
other replicas assigned during that window.
"""

import time
from collections import Counter
from collections.abc import Callable, Sequence

from services.respond.ports import CaseRepository

DEFAULT_TTL_S = 10.0


class AssigneeLoads:
    def __init__(
        self,
        cases: CaseRepository,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cases = cases
        self.ttl_s = ttl_s
        self.clock = clock
        self._known: dict[tuple[str, str], tuple[int, float]] = {}

    async def of(self, agency_id: str, members: Sequence[str]) -> dict[str, int]:
        """Open cases of each of ``members``, counting again those read too long ago."""
        now = self.clock()
        stale = [
            m
            for m in members
            if (known := self._known.get((agency_id, m))) is None or now - known[1] > self.ttl_s
        ]
        if stale:
            counted = await self.cases.open_cases(agency_id=agency_id, assignees=stale)
            for member in stale:
                self._known[(agency_id, member)] = (counted.get(member, 0), now)
        return {m: self._known[(agency_id, m)][0] for m in members}

    def assigned(self, agency_id: str, member: str) -> None:
        """This process just gave ``member`` one more case."""
        known = self._known.get((agency_id, member))
        if known is not None:
            self._known[(agency_id, member)] = (known[0] + 1, known[1])


class BatchLoads:
    """``AssigneeLoads`` plus the assignments of a batch not stored yet, so that a member's
    capacity holds within the batch too (even when a count is read again meanwhile)."""

    def __init__(self, loads: AssigneeLoads) -> None:
        self.loads = loads
        self._pending: Counter[tuple[str, str]] = Counter()

    async def of(self, agency_id: str, members: Sequence[str]) -> dict[str, int]:
        counted = await self.loads.of(agency_id, members)
        return {m: n + self._pending[(agency_id, m)] for m, n in counted.items()}

    def assigned(self, agency_id: str, member: str) -> None:
        """The batch gives ``member`` one more case (stored with the batch, if at all)."""
        self._pending[(agency_id, member)] += 1
