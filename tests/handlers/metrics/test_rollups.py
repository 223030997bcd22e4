"""Roll-up refresh and retention on in-memory stores: replays, late events, interrupted runs."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry

from services.metrics.instruments import MetricsInstruments
from services.metrics.maintenance import RollupMaintenance
from services.metrics.rollups import Counts, RollupRow
from services.metrics.usecases import purge_expired, record_case_event, refresh_rollups
from shared.events import CaseEvent
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import agencies, at, opened, reply, story, threaded

DAY = 86400
MARCH_2, MARCH_3 = date(2026, 3, 2), date(2026, 3, 3)


@pytest.fixture
def store() -> FakeTimelineStore:
    return FakeTimelineStore()


@pytest.fixture
def rollups() -> FakeRollupStore:
    return FakeRollupStore()


async def record(store: FakeTimelineStore, events: Sequence[CaseEvent], *, now: datetime) -> None:
    instruments = MetricsInstruments.register(CollectorRegistry())
    for event in events:
        await record_case_event(event, store=store, instruments=instruments, now=now)


async def refresh(store: FakeTimelineStore, rollups: FakeRollupStore, *, now: datetime) -> int:
    result = await refresh_rollups(store=store, rollups=rollups, agencies=agencies(), now=now)
    return result.contributions_written


def counts(rollups: FakeRollupStore) -> dict[tuple[date, str | None], Counts]:
    return {(row.day, row.labels.topic): row.counts for row in rollups.rollups.values()}


async def test_rows_count_cases_messages_answers_and_answers_within_target(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    await record(
        store, story(uuid4(), received_s=0, reply_s=60, first_response_due_s=90), now=at(100)
    )
    await record(
        store, story(uuid4(), received_s=10, reply_s=600, first_response_due_s=90), now=at(100)
    )
    await record(store, story(uuid4(), received_s=20, topic="waste"), now=at(100))

    await refresh(store, rollups, now=at(200))

    assert counts(rollups) == {
        (MARCH_2, "roads"): Counts(interactions=2, cases=2, answered=2, within_target=1),
        (MARCH_2, "waste"): Counts(interactions=1, cases=1),
    }


async def test_a_second_refresh_without_changes_writes_nothing_and_keeps_the_rows(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    await record(store, story(uuid4(), received_s=0, reply_s=60), now=at(100))
    await refresh(store, rollups, now=at(200))
    rows = dict(rollups.rollups)

    assert await refresh(store, rollups, now=at(400)) == 0
    assert rollups.rollups == rows


async def test_replayed_events_change_no_row(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    events = story(uuid4(), received_s=0, reply_s=60, first_response_due_s=90)
    await record(store, events, now=at(100))
    await refresh(store, rollups, now=at(200))
    rows = dict(rollups.rollups)

    await record(store, [*events, *reversed(events)], now=at(300))
    await refresh(store, rollups, now=at(400))

    assert rollups.rollups == rows
    assert counts(rollups)[MARCH_2, "roads"].cases == 1


async def test_an_earlier_message_arriving_late_moves_the_case_to_its_day(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    case, first = uuid4(), uuid4()
    later = [threaded(s=DAY + 5, received_s=DAY, case=case), reply(s=DAY + 60, case=case)]
    await record(store, later, now=at(DAY + 100))
    await refresh(store, rollups, now=at(DAY + 200))
    assert counts(rollups) == {(MARCH_3, "roads"): Counts(interactions=1, cases=1, answered=1)}

    await record(
        store, [opened(s=1, received_s=0, case=case, interaction=first)], now=at(DAY + 300)
    )
    await refresh(store, rollups, now=at(DAY + 400))

    assert counts(rollups) == {
        (MARCH_2, "roads"): Counts(interactions=1, cases=1, answered=1),
        (MARCH_3, "roads"): Counts(interactions=1),
    }


async def test_relabelled_cases_leave_their_old_row(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    case = uuid4()
    await record(store, story(case, received_s=0, team="voirie"), now=at(100))
    await refresh(store, rollups, now=at(200))

    await record(store, [reply(s=300, team="urgences", case=case)], now=at(300))
    await refresh(store, rollups, now=at(400))

    assert [row.labels.team for row in rollups.rollups.values()] == ["urgences"]


async def test_events_in_any_order_across_refreshes_give_the_rows_of_one_refresh(
    rollups: FakeRollupStore,
) -> None:
    cases = [uuid4() for _ in range(3)]
    events = [
        e
        for i, case in enumerate(cases)
        for e in story(
            case,
            received_s=i * DAY / 2,
            reply_s=i * DAY / 2 + 60,
            first_response_due_s=i * DAY / 2 + 90,
        )
    ]
    at_once, bit_by_bit = FakeTimelineStore(), FakeTimelineStore()
    await record(at_once, events, now=at(2 * DAY))
    expected = FakeRollupStore()
    await refresh(at_once, expected, now=at(2 * DAY + 1))

    for step, event in enumerate(reversed(events)):
        await record(bit_by_bit, [event], now=at(2 * DAY + 10 * step))
        await refresh(bit_by_bit, rollups, now=at(2 * DAY + 10 * step + 5))

    assert rollups.rollups == expected.rollups


class InterruptedRollups(FakeRollupStore):
    """Fails the first time it is asked to write rows: a refresh cut short by a crash."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    async def replace_rows(self, *, agency_id: str, day: date, rows: Sequence[RollupRow]) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionError("database went away")
        await super().replace_rows(agency_id=agency_id, day=day, rows=rows)


async def test_a_refresh_cut_short_is_completed_by_the_next_one(store: FakeTimelineStore) -> None:
    rollups = InterruptedRollups()
    await record(store, story(uuid4(), received_s=0, reply_s=60), now=at(100))
    with pytest.raises(ConnectionError):
        await refresh(store, rollups, now=at(200))
    assert rollups.refreshed_at is None

    await refresh(store, rollups, now=at(300))

    assert counts(rollups) == {(MARCH_2, "roads"): Counts(interactions=1, cases=1, answered=1)}


async def test_a_timeline_saved_just_before_the_last_refresh_is_read_again(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    await refresh(store, rollups, now=at(200))
    # Stamped before that refresh started, but written after it read the timelines.
    await record(store, story(uuid4(), received_s=0), now=at(190))

    await refresh(store, rollups, now=at(400))

    assert counts(rollups) == {(MARCH_2, "roads"): Counts(interactions=1, cases=1)}


async def test_days_are_the_agencys_local_days(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    # 23:30 UTC on 2 March: already 3 March in Lyon, still 2 March in Paris' UTC config.
    late = 14 * 3600 + 1800
    await record(store, story(uuid4(), received_s=late), now=at(DAY))
    await record(store, story(uuid4(), received_s=late, agency="paris"), now=at(DAY))

    await refresh(store, rollups, now=at(DAY + 1))

    days = {(row.agency_id, row.day) for row in rollups.rollups.values()}
    assert days == {("lyon", MARCH_3), ("paris", MARCH_2)}


async def test_expired_timelines_and_rollups_are_purged(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    old, recent = uuid4(), uuid4()
    await record(store, story(old, received_s=0), now=at(100))
    await record(store, story(recent, received_s=10 * DAY), now=at(10 * DAY + 100))
    await refresh(store, rollups, now=at(10 * DAY + 200))

    deleted = await purge_expired(
        store=store, rollups=rollups, now=at(12 * DAY), retention=timedelta(days=5)
    )

    assert set(store.timelines) == {recent}
    assert [row.day for row in rollups.rollups.values()] == [date(2026, 3, 12)]
    assert deleted == 4  # a timeline, a stage record, a contribution, a row


async def test_maintenance_refreshes_every_step_and_purges_at_most_hourly(
    store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    clock = [at(0)]
    maintenance = RollupMaintenance(
        store=store,
        rollups=rollups,
        agencies=agencies(),
        retention=timedelta(days=400),
        clock=lambda: clock[0],
    )
    await maintenance.step()
    assert (rollups.refreshed_at, maintenance.purged_at) == (at(0), at(0))

    clock[0] = at(1800)
    await maintenance.step()
    assert (rollups.refreshed_at, maintenance.purged_at) == (at(1800), at(0))

    clock[0] = at(3600)
    await maintenance.step()
    assert maintenance.purged_at == at(3600)
