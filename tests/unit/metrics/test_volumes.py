"""Volumes per period and group, from daily roll-up rows."""

from datetime import date

import pytest

from services.metrics.rollups import Counts, Labels, RollupRow
from services.metrics.volumes import Interval, VolumePoint, period_of, volume_series


@pytest.mark.parametrize(
    ("day", "interval", "period"),
    [
        (date(2026, 3, 4), "day", "2026-03-04"),
        (date(2026, 3, 4), "week", "2026-03-02"),
        (date(2026, 3, 2), "week", "2026-03-02"),
        (date(2026, 3, 8), "week", "2026-03-02"),
        (date(2026, 3, 1), "week", "2026-02-23"),
        (date(2026, 3, 31), "month", "2026-03"),
        (date(2026, 1, 1), "week", "2025-12-29"),
    ],
)
def test_a_day_falls_in_its_day_its_weeks_monday_or_its_month(
    day: date, interval: Interval, period: str
) -> None:
    assert period_of(day, interval) == period


def row(day: int, *, topic: str | None = "roads", channel: str = "sms", **counts: int) -> RollupRow:
    labels = Labels(channel=channel, topic=topic, sentiment="negative")
    return RollupRow("lyon", date(2026, 3, day), labels, Counts(**counts))


ROWS = [
    row(2, interactions=3, cases=2, answered=1),
    row(3, topic="waste", interactions=1, cases=1, answered=1, within_target=1),
    row(9, channel="facebook", interactions=2, cases=1),
    row(10, topic=None, interactions=1),
]


def test_weekly_volumes_sum_the_days_of_each_week() -> None:
    assert volume_series(ROWS, "week", ()) == [
        VolumePoint("2026-03-02", {}, Counts(4, 3, 2, 1)),
        VolumePoint("2026-03-09", {}, Counts(3, 1, 0, 0)),
    ]


def test_volumes_by_topic_are_the_topic_trend_with_unset_topics_first() -> None:
    assert volume_series(ROWS, "month", ("topic",)) == [
        VolumePoint("2026-03", {"topic": None}, Counts(interactions=1)),
        VolumePoint("2026-03", {"topic": "roads"}, Counts(5, 3, 1, 0)),
        VolumePoint("2026-03", {"topic": "waste"}, Counts(1, 1, 1, 1)),
    ]


def test_daily_volumes_grouped_by_several_labels() -> None:
    series = volume_series(ROWS, "day", ("channel", "sentiment"))
    assert [(p.period, p.key) for p in series] == [
        ("2026-03-02", {"channel": "sms", "sentiment": "negative"}),
        ("2026-03-03", {"channel": "sms", "sentiment": "negative"}),
        ("2026-03-09", {"channel": "facebook", "sentiment": "negative"}),
        ("2026-03-10", {"channel": "sms", "sentiment": "negative"}),
    ]


def test_no_rows_give_no_volumes() -> None:
    assert volume_series([], "day", ("topic",)) == []
