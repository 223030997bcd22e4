"""Response-time statistics: percentiles, grouping, and the group_by parameter."""

import pytest

from services.metrics.measures import SlaOutcome
from services.metrics.reports import (
    CaseSample,
    GroupStats,
    mean,
    median,
    parse_group_by,
    percentile,
    share,
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
        ("topic,language", ("topic", "language")),
    ],
)
def test_group_by_lists_known_fields_once_in_order(raw: str, fields: tuple[str, ...]) -> None:
    assert parse_group_by(raw) == fields


def test_unknown_group_by_field_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'assignee'"):
        parse_group_by("team,assignee")


def test_group_by_fields_can_be_limited_to_another_set() -> None:
    assert parse_group_by("sentiment", ("topic", "sentiment")) == ("sentiment",)
    with pytest.raises(ValueError, match="choose from topic, sentiment"):
        parse_group_by("team", ("topic", "sentiment"))


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 4, 0.25), (0, 3, 0.0), (0, 0, None)])
def test_share_of_nothing_is_unknown(part: int, whole: int, expected: float | None) -> None:
    assert share(part, whole) == expected


def _sample(
    team: str | None,
    seconds: float | None,
    channel: str = "facebook",
    *,
    business: float | None = None,
    sla: SlaOutcome = SlaOutcome.NO_TARGET,
) -> CaseSample:
    return CaseSample(
        team=team,
        channel=channel,
        priority="normal",
        first_response_s=seconds,
        first_response_business_s=business if business is not None else seconds,
        sla=sla,
    )


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
            business_median_s=10,
            business_p90_s=10,
            business_mean_s=10,
        ),
        GroupStats(
            key={"team": "voirie"},
            count=3,
            answered=2,
            unanswered=1,
            median_s=90,
            p90_s=114,
            mean_s=90,
            business_median_s=90,
            business_p90_s=114,
            business_mean_s=90,
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


def test_business_time_statistics_are_kept_apart_from_calendar_time() -> None:
    samples = [_sample("voirie", 3600, business=600), _sample("voirie", 7200, business=1200)]
    (group,) = summarise(samples, ["team"])
    assert (group.median_s, group.business_median_s) == (5400, 900)
    assert (group.mean_s, group.business_mean_s) == (5400, 900)


def test_sla_attainment_is_the_share_within_target_of_the_decided_cases() -> None:
    samples = [
        _sample("voirie", 60, sla=SlaOutcome.MET),
        _sample("voirie", 60, sla=SlaOutcome.MET),
        _sample("voirie", 9000, sla=SlaOutcome.BREACHED),
        _sample("voirie", None, sla=SlaOutcome.BREACHED),
        _sample("voirie", None, sla=SlaOutcome.PENDING),
        _sample("voirie", 60, sla=SlaOutcome.NO_TARGET),
    ]
    (group,) = summarise(samples, ["team"])
    assert (group.within_target, group.breached, group.pending) == (2, 2, 1)
    assert group.sla_attainment == 0.5


def test_sla_attainment_without_any_decided_case_is_unknown() -> None:
    (group,) = summarise([_sample("voirie", None, sla=SlaOutcome.PENDING)], ["team"])
    assert group.sla_attainment is None


def test_cases_can_be_grouped_by_topic_and_language() -> None:
    samples = [
        CaseSample(team=None, channel="sms", priority=None, topic="roads", language="fr"),
        CaseSample(team=None, channel="sms", priority=None, topic="roads", language="en"),
        CaseSample(team=None, channel="sms", priority=None, topic="waste", language="fr"),
    ]
    keys = [(g.key, g.count) for g in summarise(samples, ["topic", "language"])]
    assert keys == [
        ({"topic": "roads", "language": "en"}, 1),
        ({"topic": "roads", "language": "fr"}, 1),
        ({"topic": "waste", "language": "fr"}, 1),
    ]
