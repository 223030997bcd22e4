"""One contract for metrics' store: the in-memory fake and the Mongo adapter behave alike.

Every test runs twice, on the fake and on ``MongoTimelineStore`` (a fresh database each time).
The use cases fold each event into the stored record and count only what changed, so the store
must report a replay as unchanged, converge whatever the arrival order, and keep records apart.
"""

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.metrics.gauges import CaseCounts, CaseCountsReader
from services.metrics.measures import CaseRecord
from services.metrics.ports import Change, RollupStore, TimelineStore
from services.metrics.rollup_store import MongoRollupStore
from services.metrics.rollups import Contribution, Counts, Labels, RollupRow
from services.metrics.store import MongoTimelineStore, _VersionedRecords
from services.metrics.timeline import StageEvent, Stages, Timeline, apply, apply_stage
from services.metrics.usecases import refresh_rollups
from shared.events import CaseEvent
from shared.mongo import open_mongo
from shared.runner.stack import Stack
from shared.settings import MongoSettings
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import (
    CASE,
    FIRST,
    SECOND,
    agencies,
    assigned,
    at,
    classified,
    fold,
    fold_stages,
    opened,
    received,
    reopened,
    reply,
    resolved,
    routed,
    threaded,
)

pytestmark = pytest.mark.integration

NOW = at(10_000)


@asynccontextmanager
async def mongo_store(engines: Stack) -> AsyncIterator[MongoTimelineStore]:
    settings = MongoSettings(uri=engines.mongo_uri)
    async with open_mongo(settings, f"contract_{uuid4().hex[:8]}") as db:
        mongo = MongoTimelineStore(db)
        await mongo.ensure_indexes()
        yield mongo


@pytest.fixture(params=["fake", "mongo"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[TimelineStore]:
    if request.param == "fake":
        yield FakeTimelineStore()
        return
    async with mongo_store(request.getfixturevalue("engines")) as mongo:
        yield mongo


@pytest.fixture
async def mongo(engines: Stack) -> AsyncIterator[MongoTimelineStore]:
    """The Mongo adapter alone: for races between writers, which the fake cannot have."""
    async with mongo_store(engines) as mongo:
        yield mongo


async def record(store: TimelineStore, event: CaseEvent) -> Change[Timeline]:
    """What ``record_case_event`` does to the timeline."""
    return await store.update_timeline(event.case_id, lambda t: apply(t, event), now=NOW)


async def record_stage(store: TimelineStore, event: StageEvent) -> Change[Stages]:
    """What the use cases do to an interaction's stage record."""
    return await store.update_stages(event.interaction_id, lambda s: apply_stage(s, event), now=NOW)


async def record_all(store: TimelineStore, events: Sequence[CaseEvent]) -> Timeline:
    timeline: Timeline | None = None
    for event in events:
        timeline = (await record(store, event)).after
    assert timeline is not None
    return timeline


# -- timelines ---------------------------------------------------------------------------------


async def test_the_first_event_of_a_case_creates_its_timeline(store: TimelineStore) -> None:
    event = opened(s=2, received_s=0)

    change = await record(store, event)

    assert change.before is None
    assert change.after == apply(None, event)
    assert change.changed


async def test_each_new_event_updates_the_stored_timeline(store: TimelineStore) -> None:
    events: list[CaseEvent] = [opened(s=2, received_s=0), routed(s=3), reply(s=600)]
    first = await record(store, events[0])

    second = await record(store, events[1])
    third = await record(store, events[2])

    assert (second.before, third.before) == (first.after, second.after)
    assert second.changed
    assert third.changed
    assert third.after == fold(events)
    assert third.after.time_to_first_response_s == 600


@pytest.mark.parametrize(
    "event",
    [
        opened(),
        routed(),
        assigned(),
        threaded(s=30, received_s=29),
        reply(s=60),
        resolved(s=90),
        reopened(s=120),
    ],
    ids=lambda e: e.event_type,
)
async def test_a_replayed_event_reports_no_change_and_keeps_the_timeline(
    store: TimelineStore, event: CaseEvent
) -> None:
    stored = await record_all(store, [opened(received_s=0), event])

    replay = await record(store, event)

    assert not replay.changed
    assert replay.before == replay.after == stored


ORDERS = [(0, 1, 2, 3, 4, 5), (5, 4, 3, 2, 1, 0), (4, 2, 0, 5, 3, 1), (3, 5, 1, 4, 0, 2)]


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: "".join(map(str, o)))
async def test_events_in_any_arrival_order_converge_on_the_same_timeline(
    store: TimelineStore, order: tuple[int, ...]
) -> None:
    events: list[CaseEvent] = [
        opened(s=2, received_s=0),
        routed(s=3, rule="roads"),
        threaded(s=30, received_s=29),
        routed(s=40, rule="emergencies"),
        reply(s=60, team="urgences"),
        resolved(s=90),
    ]

    stored = await record_all(store, [events[i] for i in order])

    assert stored == fold(events)
    assert stored.route is not None
    # The latest routing and the labels of the latest event (the resolution) are in force.
    assert (stored.route.rule, stored.team, stored.time_to_first_response_s) == (
        "emergencies",
        "voirie",
        60,
    )
    for event in events:
        assert not (await record(store, event)).changed


async def test_times_finer_than_a_millisecond_still_replay_as_unchanged(
    store: TimelineStore,
) -> None:
    events: list[CaseEvent] = [opened(s=2.0004567, received_s=0.0001234), reply(s=60.1234567)]
    stored = await record_all(store, events)

    replays = [await record(store, event) for event in events]

    assert [change.changed for change in replays] == [False, False]
    assert stored == fold(events)
    assert stored.time_to_first_response_s == 60.123


async def test_timelines_of_different_cases_are_kept_apart(store: TimelineStore) -> None:
    other = uuid4()
    mine = await record(store, opened(s=2, received_s=0))

    theirs = await record(store, opened(s=5, received_s=4, case=other))
    again = await record(store, reply(s=60))

    assert theirs.before is None
    assert theirs.after.case_id == other
    assert again.before == mine.after


# -- stage records -----------------------------------------------------------------------------


async def test_the_first_stage_event_creates_the_interactions_stage_record(
    store: TimelineStore,
) -> None:
    event = received(received_s=0)

    change = await record_stage(store, event)

    assert change.before is None
    assert change.after == apply_stage(None, event)
    assert change.changed


async def test_stage_records_note_each_stage_and_its_latency(store: TimelineStore) -> None:
    events: list[StageEvent] = [received(received_s=0), classified(s=0.25), opened(s=0.75)]

    changes = [await record_stage(store, event) for event in events]

    assert all(change.changed for change in changes)
    stages = changes[-1].after
    assert stages == fold_stages(events)
    assert (stages.case_id, stages.ingest_to_classify_s, stages.classify_to_case_s) == (
        CASE,
        0.25,
        0.5,
    )


@pytest.mark.parametrize(
    "order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)], ids=lambda o: "".join(map(str, o))
)
async def test_stage_events_in_any_order_converge_and_replay_as_unchanged(
    store: TimelineStore, order: tuple[int, ...]
) -> None:
    events: list[StageEvent] = [
        received(received_s=0),
        classified(s=0.2504567),
        threaded(s=0.75, received_s=0, interaction=FIRST),
    ]

    for i in order:
        await record_stage(store, events[i])
    replays = [await record_stage(store, event) for event in events]

    assert not any(change.changed for change in replays)
    assert replays[0].after == fold_stages(events)


async def test_stage_records_of_different_interactions_are_kept_apart(
    store: TimelineStore,
) -> None:
    await record_stage(store, received(received_s=0))

    other = await record_stage(store, threaded(s=30, received_s=29, interaction=SECOND))

    assert other.before is None
    assert other.after.interaction_id == SECOND
    assert (other.after.received_at, other.after.classified_at) == (at(29), None)


async def test_stage_records_and_timelines_do_not_share_keys(store: TimelineStore) -> None:
    """A case and an interaction never see each other's record, even under one id."""
    await record(store, opened(case=FIRST))

    change = await record_stage(store, received(received_s=0))

    assert change.before is None


# -- batches ---------------------------------------------------------------------------------


def one_by_one(events: Sequence[CaseEvent], timeline: Timeline | None = None) -> list[Change]:
    """The change of each event folded in turn, from ``timeline``."""
    changes: list[Change] = []
    for event in events:
        after = apply(timeline, event)
        changes.append(Change(before=timeline, after=after))
        timeline = after
    return changes


async def record_batch(
    store: TimelineStore, events: Sequence[CaseEvent], now: datetime = NOW
) -> list[Change[Timeline]]:
    """What ``record_case_events`` does to the timelines."""
    return await store.update_timelines(
        [(e.case_id, lambda t, e=e: apply(t, e)) for e in events], now=now
    )


async def test_several_events_of_one_case_in_a_batch_change_as_one_by_one(
    store: TimelineStore,
) -> None:
    answer = reply(s=600)
    events: list[CaseEvent] = [routed(s=3), opened(s=2, received_s=0), answer, answer]

    changes = await record_batch(store, events)

    assert changes == one_by_one(events)
    assert [change.changed for change in changes] == [True, True, True, False]
    assert (await record(store, answer)).before == fold(events)


async def test_a_batch_mixes_new_and_stored_timelines(store: TimelineStore) -> None:
    other, opening = uuid4(), opened(s=2, received_s=0)
    stored = await record_all(store, [opening])
    mine: list[CaseEvent] = [reply(s=60), resolved(s=90)]
    theirs: list[CaseEvent] = [opened(s=5, received_s=4, case=other), reply(s=30, case=other)]

    changes = await record_batch(store, [mine[0], theirs[0], mine[1], theirs[1]])

    expected_mine, expected_theirs = one_by_one(mine, stored), one_by_one(theirs)
    assert changes == [expected_mine[0], expected_theirs[0], expected_mine[1], expected_theirs[1]]
    assert (await record(store, mine[0])).before == fold([opening, *mine])
    assert (await record(store, theirs[0])).before == fold(theirs)


async def test_a_replayed_batch_changes_and_saves_nothing(store: TimelineStore) -> None:
    events: list[CaseEvent] = [opened(s=2, received_s=0), routed(s=3), reply(s=60)]
    first = await record_batch(store, events)

    replay = await record_batch(store, events, now=at(20_000))

    assert not any(change.changed for change in replay)
    assert [change.after for change in replay] == [first[-1].after] * 3
    assert await changed(store, at(20_000)) == []


async def test_an_empty_batch_changes_nothing(store: TimelineStore) -> None:
    assert await record_batch(store, []) == []
    assert await store.update_stage_records([], now=NOW) == []


async def test_stage_events_in_a_batch_change_as_one_by_one(store: TimelineStore) -> None:
    first: list[StageEvent] = [received(received_s=0), classified(s=0.25), opened(s=0.75)]
    second = threaded(s=30, received_s=29, interaction=SECOND)
    await record_stage(store, first[0])
    batch = [first[1], second, first[2], first[1]]

    changes = await store.update_stage_records(
        [(e.interaction_id, lambda s, e=e: apply_stage(s, e)) for e in batch], now=NOW
    )

    after = [fold_stages(first[:2]), fold_stages([second]), fold_stages(first)]
    assert changes == [
        Change(before=fold_stages(first[:1]), after=after[0]),
        Change(before=None, after=after[1]),
        Change(before=after[0], after=after[2]),
        Change(before=after[2], after=after[2]),
    ]
    assert (await record_stage(store, first[0])).before == fold_stages(first)
    assert (await record_stage(store, second)).before == fold_stages([second])


def race(
    monkeypatch: pytest.MonkeyPatch,
    records: _VersionedRecords[Any],
    step: str,
    write: Callable[[], Awaitable[object]],
) -> None:
    """Another writer's ``write`` lands just before the batch's ``step`` (once)."""
    original = getattr(records, step)

    async def racing(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(records, step, original)
        await write()
        return await original(*args, **kwargs)

    monkeypatch.setattr(records, step, racing)


def after_read(
    monkeypatch: pytest.MonkeyPatch,
    records: _VersionedRecords[Any],
    write: Callable[[], Awaitable[object]],
) -> None:
    """Another writer's ``write`` lands between the batch's read and its writes."""
    race(monkeypatch, records, "_write", write)


async def version(mongo: MongoTimelineStore, case: UUID) -> int:
    doc = await mongo.timelines.collection.find_one({"_id": str(case)})
    assert doc is not None
    return int(doc["version"])


async def test_a_batch_writes_each_changed_timeline_once(mongo: MongoTimelineStore) -> None:
    await record_batch(mongo, [opened(s=2, received_s=0), routed(s=3), reply(s=60)])
    assert await version(mongo, CASE) == 1

    await record_batch(mongo, [resolved(s=90), reopened(s=120)])
    assert await version(mongo, CASE) == 2


async def test_a_timeline_another_writer_changed_meanwhile_is_folded_again(
    mongo: MongoTimelineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    opening, routing, answer = opened(s=2, received_s=0), routed(s=3), reply(s=60)
    await record(mongo, opening)
    after_read(monkeypatch, mongo.timelines, lambda: record(mongo, routing))

    changes = await record_batch(mongo, [answer])

    assert changes == one_by_one([answer], fold([opening, routing]))
    assert (await record(mongo, answer)).before == fold([opening, routing, answer])


async def test_a_timeline_another_writer_created_meanwhile_is_folded_again(
    mongo: MongoTimelineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    routing, events = routed(s=3), [opened(s=2, received_s=0), reply(s=60)]
    after_read(monkeypatch, mongo.timelines, lambda: record(mongo, routing))

    changes = await record_batch(mongo, events)

    assert changes == one_by_one(events, fold([routing]))
    assert (await record(mongo, routing)).before == fold([routing, *events])


async def test_only_the_timelines_that_lost_a_race_are_folded_again(
    mongo: MongoTimelineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    other, opening, routing = uuid4(), opened(s=2, received_s=0), routed(s=3)
    theirs: list[CaseEvent] = [opened(s=5, received_s=4, case=other), reply(s=30, case=other)]
    await record(mongo, opening)
    after_read(monkeypatch, mongo.timelines, lambda: record(mongo, routing))
    answer = reply(s=60)

    changes = await record_batch(mongo, [theirs[0], answer, theirs[1]])

    ours = one_by_one([answer], fold([opening, routing]))
    assert changes == [one_by_one(theirs)[0], ours[0], one_by_one(theirs)[1]]
    assert await version(mongo, other) == 1
    assert await version(mongo, CASE) == 3


async def test_a_landed_write_overwritten_before_the_check_is_not_folded_again(
    mongo: MongoTimelineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    other, opening, routing = uuid4(), opened(s=2, received_s=0), routed(s=3)
    theirs = [opened(s=5, received_s=4, case=other), routed(s=6, case=other)]
    await record_all(mongo, [opening, theirs[0]])
    after_read(monkeypatch, mongo.timelines, lambda: record(mongo, routing))
    race(monkeypatch, mongo.timelines, "_not_written", lambda: record(mongo, theirs[1]))
    answer, their_answer = reply(s=60), reply(s=30, case=other)

    changes = await record_batch(mongo, [answer, their_answer])

    assert changes == [
        *one_by_one([answer], fold([opening, routing])),
        *one_by_one([their_answer], fold(theirs[:1])),
    ]
    assert (await record(mongo, their_answer)).before == fold([*theirs, their_answer])


async def test_a_stage_record_another_writer_changed_meanwhile_is_folded_again(
    mongo: MongoTimelineStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrival, classifying, threading = received(received_s=0), classified(s=1), opened(s=3)
    await record_stage(mongo, arrival)
    after_read(monkeypatch, mongo.stages, lambda: record_stage(mongo, classifying))

    (change,) = await mongo.update_stage_records(
        [(FIRST, lambda s: apply_stage(s, threading))], now=NOW
    )

    before = fold_stages([arrival, classifying])
    assert change == Change(before=before, after=apply_stage(before, threading))
    assert change.after.classify_to_case_s == 2


# -- case records, changes, purge -------------------------------------------------------------


async def test_records_are_the_cases_first_received_in_the_window_of_the_agency(
    store: TimelineStore,
) -> None:
    other, paris = uuid4(), uuid4()
    answered = await record_all(
        store, [opened(s=2, received_s=0), routed(first_response_due_s=900), reply(s=600)]
    )
    unanswered = (await record(store, opened(s=101, received_s=100, case=other))).after
    elsewhere = opened(s=51, received_s=50, case=paris).model_copy(update={"agency_id": "paris"})
    await record(store, elsewhere)

    everyone = await store.case_records(start=at(0), end=at(100), agency_id=None)
    lyon = await store.case_records(start=at(0), end=at(100), agency_id="lyon")
    later = await store.case_records(start=at(50), end=at(101), agency_id=None)
    nothing = await store.case_records(start=at(700), end=at(800), agency_id=None)

    assert Counter(everyone) == Counter([CaseRecord.of(answered), CaseRecord.of(fold([elsewhere]))])
    assert lyon == [CaseRecord.of(answered)]
    assert lyon[0].first_response_due == at(900)
    assert Counter(later) == Counter([CaseRecord.of(unanswered), CaseRecord.of(fold([elsewhere]))])
    assert nothing == []


async def test_a_resolved_then_reopened_case_has_no_resolution_in_its_record(
    store: TimelineStore,
) -> None:
    await record_all(store, [opened(received_s=0), resolved(s=60), reopened(s=90)])
    (only,) = await store.case_records(start=at(0), end=at(1), agency_id=None)
    assert (only.resolved_at, only.reopened) == (None, 1)


async def changed(store: TimelineStore, since: datetime | None) -> list[Timeline]:
    return [t async for batch in store.changed_timelines(since=since, batch_size=2) for t in batch]


async def test_changed_timelines_are_those_saved_since_a_time_in_batches(
    store: TimelineStore,
) -> None:
    cases = [uuid4() for _ in range(3)]
    for n, case in enumerate(cases):
        await store.update_timeline(case, lambda t, c=case: apply(t, opened(case=c)), now=at(n))
    replay = opened(case=cases[0])
    await store.update_timeline(cases[0], lambda t: apply(t, replay), now=at(10))
    batches = [b async for b in store.changed_timelines(since=None, batch_size=2)]

    assert [len(b) for b in batches] == [2, 1]
    assert {t.case_id for t in await changed(store, None)} == set(cases)
    assert {t.case_id for t in await changed(store, at(1))} == {cases[0], cases[1], cases[2]}
    assert {t.case_id for t in await changed(store, at(2))} == {cases[0], cases[2]}
    assert await changed(store, at(11)) == []


async def test_purge_deletes_timelines_first_received_before_the_cutoff_and_old_stages(
    store: TimelineStore,
) -> None:
    old, recent, unopened = uuid4(), uuid4(), uuid4()
    await record(store, opened(received_s=0, case=old))
    await record(store, opened(received_s=5000, case=recent))
    await store.update_timeline(
        unopened,
        lambda t: apply(t, reply(s=10).model_copy(update={"case_id": unopened})),
        now=at(0),
    )
    arrival = received(received_s=0)
    await store.update_stages(FIRST, lambda s: apply_stage(s, arrival), now=at(0))

    deleted = await store.purge(before=at(1000))

    assert deleted == 3  # the old timeline, the unopened one saved long ago, the stage record
    assert [t.case_id for t in await changed(store, None)] == [recent]
    assert (await record_stage(store, received(received_s=0))).before is None


# -- open-case gauges, read from the stored timelines ------------------------------------------


async def test_case_counts_read_from_changes_equal_a_full_read(mongo: MongoTimelineStore) -> None:
    reader, other = CaseCountsReader(mongo.timelines.collection.database), uuid4()
    a_day = 86_400

    async def save(event: CaseEvent, saved_s: float) -> None:
        await mongo.update_timeline(event.case_id, lambda t: apply(t, event), now=at(saved_s))

    async def counts(now_s: float) -> CaseCounts:
        full = await CaseCountsReader(mongo.timelines.collection.database).read(now=at(now_s))
        assert await reader.read(now=at(now_s)) == full
        return full

    await save(opened(received_s=0), 2)
    await save(routed(first_response_due_s=900, resolution_due_s=3600), 3)
    assert sum((await counts(100)).open.values()) == 1
    await save(resolved(s=200), 200)
    await save(opened(s=300, received_s=300, case=other), 300)
    assert sum((await counts(400)).open.values()) == 1
    assert (await counts(400)).sla != CaseCounts().sla
    await save(reopened(s=500), 500)
    assert sum((await counts(550)).open.values()) == 2
    assert reader.full_read_at == at(100)  # the later reads read only what changed
    await save(resolved(s=a_day), a_day)
    assert sum((await counts(a_day + 4000)).open.values()) == 1


# -- roll-ups ----------------------------------------------------------------------------------

MARCH_2, MARCH_3 = date(2026, 3, 2), date(2026, 3, 3)
LABELS = Labels(channel="facebook", team="voirie", topic="roads")


@pytest.fixture(params=["fake", "mongo"])
async def rollups(request: pytest.FixtureRequest) -> AsyncIterator[RollupStore]:
    if request.param == "fake":
        yield FakeRollupStore()
        return
    engines: Stack = request.getfixturevalue("engines")
    settings = MongoSettings(uri=engines.mongo_uri)
    async with open_mongo(settings, f"rollups_{uuid4().hex[:8]}") as db:
        mongo = MongoRollupStore(db)
        await mongo.ensure_indexes()
        yield mongo


def contribution(case: UUID, day: date, **counts: int) -> Contribution:
    return Contribution(case, "lyon", day, LABELS, Counts(**counts))


async def test_contributions_are_saved_replaced_and_deleted_by_id(rollups: RollupStore) -> None:
    mine, theirs = uuid4(), uuid4()
    first = contribution(mine, MARCH_2, cases=1)
    await rollups.save_contributions(
        put=[first, contribution(mine, MARCH_3, interactions=1), contribution(theirs, MARCH_2)],
        delete=[],
    )
    updated = contribution(mine, MARCH_2, cases=1, answered=1)

    await rollups.save_contributions(put=[updated], delete=[f"{mine}:2026-03-03"])

    assert await rollups.contributions_of_cases(case_ids=[mine]) == [updated]
    assert Counter(await rollups.contributions_of_day(agency_id="lyon", day=MARCH_2)) == Counter(
        [updated, contribution(theirs, MARCH_2)]
    )
    assert await rollups.contributions_of_cases(case_ids=[]) == []


async def test_rows_of_a_day_are_replaced_as_a_whole(rollups: RollupStore) -> None:
    sms = Labels(channel="sms")
    kept = RollupRow("lyon", MARCH_3, LABELS, Counts(cases=1))
    elsewhere = RollupRow("paris", MARCH_2, LABELS, Counts(cases=4))
    await rollups.replace_rows(
        agency_id="lyon",
        day=MARCH_2,
        rows=[
            RollupRow("lyon", MARCH_2, LABELS, Counts(cases=1)),
            RollupRow("lyon", MARCH_2, sms, Counts(interactions=1)),
        ],
    )
    await rollups.replace_rows(agency_id="lyon", day=MARCH_3, rows=[kept])
    await rollups.replace_rows(agency_id="paris", day=MARCH_2, rows=[elsewhere])
    fresh = RollupRow("lyon", MARCH_2, LABELS, Counts(cases=2))

    await rollups.replace_rows(agency_id="lyon", day=MARCH_2, rows=[fresh])

    assert Counter(await rollups.rows(start=MARCH_2, end=date(2026, 3, 4), agency_id=None)) == (
        Counter([fresh, kept, elsewhere])
    )
    assert await rollups.rows(start=MARCH_2, end=MARCH_3, agency_id="lyon") == [fresh]


async def test_the_watermark_starts_unset_and_keeps_the_last_value(rollups: RollupStore) -> None:
    assert await rollups.watermark() is None
    await rollups.save_watermark(at=at(10))
    await rollups.save_watermark(at=at(20))
    assert await rollups.watermark() == at(20)


async def test_rollup_purge_deletes_days_before_the_cutoff(rollups: RollupStore) -> None:
    case = uuid4()
    await rollups.save_contributions(
        put=[contribution(case, MARCH_2), contribution(case, MARCH_3)], delete=[]
    )
    await rollups.replace_rows(
        agency_id="lyon", day=MARCH_2, rows=[RollupRow("lyon", MARCH_2, LABELS, Counts())]
    )

    assert await rollups.purge(before=MARCH_3) == 2

    assert await rollups.contributions_of_cases(case_ids=[case]) == [contribution(case, MARCH_3)]
    assert await rollups.rows(start=MARCH_2, end=MARCH_3, agency_id=None) == []


async def test_a_refresh_twice_over_the_stores_gives_each_day_its_rows_once(
    store: TimelineStore, rollups: RollupStore
) -> None:
    events: list[CaseEvent] = [
        opened(s=2, received_s=0),
        routed(s=3, first_response_due_s=900),
        threaded(s=86400, received_s=86399),
        reply(s=600),
    ]
    await record_all(store, events)
    for _ in range(2):
        await refresh_rollups(store=store, rollups=rollups, agencies=agencies(), now=NOW)

    labels = Labels(
        channel="facebook",
        team="voirie",
        topic="roads",
        priority="normal",
        language="fr",
        sentiment="negative",
    )
    assert Counter(await rollups.rows(start=MARCH_2, end=date(2026, 3, 4), agency_id="lyon")) == (
        Counter(
            [
                RollupRow("lyon", MARCH_2, labels, Counts(1, 1, 1, 1)),
                RollupRow("lyon", MARCH_3, labels, Counts(interactions=1)),
            ]
        )
    )
