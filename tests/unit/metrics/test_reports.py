"""Response-time statistics: percentiles, grouping, and the group_by parameter."""

import pytest

from services.metrics.reports import (
    CaseSample,
    GroupStats,
    mean,
    median,
    parse_group_by,
    percentile,
    summarise,
)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([5.0], 90, 5.0),
        ([1.0, 2.0, 3.0], 50, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([3.0, 1.0, 2.0], 0, 1.0),
        ([3.0, 1.0, 2.0], 100, 3.0),
        ([float(v) for v in range(1, 11)], 90, 9.1),
        ([10.0, 20.0], 25, 12.5),
    ],
)
def test_percentile_interpolates_linearly_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_statistics_of_no_values_are_unknown() -> None:
    assert (percentile([], 90), median([]), mean([])) == (None, None, None)


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_outside_0_to_100_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match="0-100"):
        percentile([1.0], q)


def test_median_of_an_even_count_is_the_middle_average() -> None:
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_mean_is_the_arithmetic_mean() -> None:
    assert mean([1.0, 2.0, 6.0]) == 3.0


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ("", ()),
        ("team", ("team",)),
        ("team,channel", ("team", "channel")),
        (" priority , team ", ("priority", "team")),
        ("team,team,,channel", ("team", "channel")),
    ],
)
def test_group_by_lists_known_fields_once_in_order(raw: str, fields: tuple[str, ...]) -> None:
    assert parse_group_by(raw) == fields


def test_unknown_group_by_field_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'assignee'"):
        parse_group_by("team,assignee")


def _sample(team: str | None, seconds: float | None, channel: str = "facebook") -> CaseSample:
    return CaseSample(team=team, channel=channel, priority="normal", first_response_s=seconds)


def test_cases_are_grouped_and_unanswered_ones_counted_apart() -> None:
    samples = [
        _sample("voirie", 60),
        _sample("voirie", 120),
        _sample("voirie", None),
        _sample("urgences", 10),
    ]
    assert summarise(samples, ["team"]) == [
        GroupStats(
            key={"team": "urgences"},
            count=1,
            answered=1,
            unanswered=0,
            median_s=10,
            p90_s=10,
            mean_s=10,
        ),
        GroupStats(
            key={"team": "voirie"},
            count=3,
            answered=2,
            unanswered=1,
            median_s=90,
            p90_s=114,
            mean_s=90,
        ),
    ]


def test_without_group_by_every_case_falls_in_one_group() -> None:
    groups = summarise([_sample("voirie", 60), _sample("urgences", 30)], [])
    assert [(g.key, g.count, g.median_s) for g in groups] == [({}, 2, 45)]


def test_group_with_no_answered_case_has_unknown_times() -> None:
    (group,) = summarise([_sample("voirie", None)], ["team"])
    assert (group.answered, group.unanswered, group.median_s, group.mean_s) == (0, 1, None, None)


def test_groups_on_several_fields_list_unset_labels_first() -> None:
    samples = [_sample("voirie", 1, "sms"), _sample(None, 2, "sms"), _sample("voirie", 3)]
    keys = [g.key for g in summarise(samples, ["team", "channel"])]
    assert keys == [
        {"team": None, "channel": "sms"},
        {"team": "voirie", "channel": "facebook"},
        {"team": "voirie", "channel": "sms"},
    ]


def test_no_cases_give_no_groups() -> None:
    assert summarise([], ["team"]) == []
