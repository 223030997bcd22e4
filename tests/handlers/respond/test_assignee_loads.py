from collections.abc import Sequence

from services.respond.loads import AssigneeLoads


class CountingCases:
    """Answers ``open_cases`` from a table, remembering each count asked for."""

    def __init__(self, held: dict[str, int]) -> None:
        self.held = held
        self.asked: list[list[str]] = []

    async def open_cases(self, *, agency_id: str, assignees: Sequence[str]) -> dict[str, int]:
        self.asked.append(list(assignees))
        return {a: self.held.get(a, 0) for a in assignees}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_counts_are_read_once_per_window_and_own_assignments_added() -> None:
    cases, clock = CountingCases({"alice": 3, "bob": 1}), Clock()
    loads = AssigneeLoads(cases, ttl_s=10, clock=clock)  # type: ignore[arg-type]
    assert await loads.of("lyon", ["alice", "bob"]) == {"alice": 3, "bob": 1}
    loads.assigned("lyon", "bob")
    clock.now += 5
    assert await loads.of("lyon", ["alice", "bob"]) == {"alice": 3, "bob": 2}
    assert cases.asked == [["alice", "bob"]]


async def test_counts_are_read_again_once_the_window_passed() -> None:
    cases, clock = CountingCases({"alice": 3}), Clock()
    loads = AssigneeLoads(cases, ttl_s=10, clock=clock)  # type: ignore[arg-type]
    await loads.of("lyon", ["alice"])
    loads.assigned("lyon", "alice")
    cases.held["alice"] = 1  # two of hers were resolved meanwhile
    clock.now += 11
    assert await loads.of("lyon", ["alice"]) == {"alice": 1}
    assert len(cases.asked) == 2


async def test_agencies_are_counted_apart() -> None:
    cases = CountingCases({"alice": 2})
    loads = AssigneeLoads(cases, ttl_s=10, clock=Clock())  # type: ignore[arg-type]
    await loads.of("lyon", ["alice"])
    loads.assigned("grenoble", "alice")  # not known there yet: nothing to add to
    assert await loads.of("grenoble", ["alice"]) == {"alice": 2}
    assert len(cases.asked) == 2
