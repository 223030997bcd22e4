"""What each case contributes to the daily roll-ups, and rows as sums of contributions."""

from datetime import UTC, date, tzinfo
from itertools import permutations
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from services.metrics.rollups import (
    Contribution,
    Counts,
    Labels,
    RollupRow,
    contributions_of,
    local_day,
    roll_up,
)
from shared.events import CaseEvent
from tests.unit.metrics.builders import (
    CASE,
    at,
    fold,
    opened,
    reply,
    routed,
    story,
    threaded,
)

PARIS = ZoneInfo("Europe/Paris")
HOUR, DAY = 3600, 86400
MARCH_2, MARCH_3 = date(2026, 3, 2), date(2026, 3, 3)
ROADS = Labels(
    channel="facebook",
    team="voirie",
    topic="roads",
    priority="normal",
    language="fr",
    sentiment="negative",
)


def contribution(day: date, case: UUID = CASE, **counts: int) -> Contribution:
    return Contribution(case, "lyon", day, ROADS, Counts(**counts))


@pytest.mark.parametrize(
    ("seconds", "zone", "day"),
    [
        (0, PARIS, MARCH_2),
        (13 * HOUR + 59 * 60, PARIS, MARCH_2),
        (14 * HOUR, PARIS, MARCH_3),
        (14 * HOUR, UTC, MARCH_2),
    ],
)
def test_a_moment_falls_on_the_local_day_of_the_agency(
    seconds: int, zone: tzinfo, day: date
) -> None:
    assert local_day(at(seconds), zone) == day


def test_a_case_counts_once_on_the_day_of_its_first_message_with_its_answer() -> None:
    timeline = fold(story(CASE, received_s=0, reply_s=600, first_response_due_s=900))
    (only,) = contributions_of(timeline, PARIS)
    assert only == contribution(MARCH_2, interactions=1, cases=1, answered=1, within_target=1)


@pytest.mark.parametrize(
    ("reply_s", "due_s", "answered", "within"),
    [(600, 900, 1, 1), (900, 900, 1, 1), (901, 900, 1, 0), (600, None, 1, 0), (None, 900, 0, 0)],
    ids=["early", "on-time", "late", "no-target", "unanswered"],
)
def test_answered_within_target_means_a_first_reply_by_the_due_time(
    reply_s: float | None, due_s: float | None, answered: int, within: int
) -> None:
    timeline = fold(story(CASE, received_s=0, reply_s=reply_s, first_response_due_s=due_s))
    (only,) = contributions_of(timeline, PARIS)
    assert (only.counts.answered, only.counts.within_target) == (answered, within)


def test_each_message_counts_on_the_local_day_it_was_received() -> None:
    late_evening = 14 * HOUR + 30 * 60  # 23:30 UTC, 00:30 the next day in Lyon
    timeline = fold(
        [opened(s=1, received_s=0), routed(), threaded(s=late_evening + 5, received_s=late_evening)]
    )
    assert contributions_of(timeline, PARIS) == [
        contribution(MARCH_2, interactions=1, cases=1),
        contribution(MARCH_3, interactions=1),
    ]
    assert contributions_of(timeline, UTC) == [
        Contribution(CASE, "lyon", MARCH_2, ROADS, Counts(interactions=2, cases=1))
    ]


def test_contributions_carry_the_labels_of_the_latest_event() -> None:
    timeline = fold([opened(), routed(team="voirie"), reply(s=60, team="urgences")])
    (only,) = contributions_of(timeline, PARIS)
    assert only.labels.team == "urgences"


def test_contributions_are_the_same_whatever_the_order_and_replays() -> None:
    events: list[CaseEvent] = [
        opened(s=2, received_s=0),
        routed(s=3, first_response_due_s=900),
        threaded(s=DAY + 5, received_s=DAY),
        threaded(s=DAY + 6, received_s=DAY),
        reply(s=600),
    ]
    expected = contributions_of(fold(events), PARIS)
    for order in permutations(events):
        assert contributions_of(fold([*order, order[0]]), PARIS) == expected


def test_a_case_moves_to_the_day_of_an_earlier_message_that_arrives_late() -> None:
    later: list[CaseEvent] = [threaded(s=DAY + 5, received_s=DAY), reply(s=DAY + 60)]
    assert contributions_of(fold(later), PARIS) == [
        contribution(MARCH_3, interactions=1, cases=1, answered=1)
    ]
    assert contributions_of(fold([*later, opened(s=1, received_s=0)]), PARIS) == [
        contribution(MARCH_2, interactions=1, cases=1, answered=1),
        contribution(MARCH_3, interactions=1),
    ]


def test_contribution_ids_are_one_per_case_and_day() -> None:
    assert contribution(MARCH_2).id == f"{CASE}:2026-03-02"


def test_rows_sum_the_contributions_of_the_same_agency_day_and_labels() -> None:
    other = uuid4()
    sms = Labels(channel="sms", team="voirie")
    rows = roll_up(
        [
            contribution(MARCH_2, interactions=2, cases=1, answered=1),
            contribution(MARCH_2, other, interactions=1, cases=1, within_target=1),
            Contribution(other, "lyon", MARCH_2, sms, Counts(interactions=1)),
            contribution(MARCH_3, interactions=1),
        ]
    )
    assert rows == [
        RollupRow("lyon", MARCH_2, ROADS, Counts(3, 2, 1, 1)),
        RollupRow("lyon", MARCH_2, sms, Counts(interactions=1)),
        RollupRow("lyon", MARCH_3, ROADS, Counts(interactions=1)),
    ]


def test_rows_of_different_keys_have_different_ids_and_the_same_key_the_same_id() -> None:
    rows = [
        RollupRow("lyon", MARCH_2, ROADS, Counts()),
        RollupRow("lyon", MARCH_3, ROADS, Counts()),
        RollupRow("paris", MARCH_2, ROADS, Counts()),
        RollupRow("lyon", MARCH_2, Labels(channel="facebook"), Counts()),
    ]
    assert len({row.id for row in rows}) == len(rows)
    assert RollupRow("lyon", MARCH_2, ROADS, Counts(cases=9)).id == rows[0].id


def test_no_contributions_give_no_rows() -> None:
    assert roll_up([]) == []
