"""The public table: small groups merged or left out, figures on too few cases withheld."""

from datetime import timedelta

import pytest

from services.metrics.measures import CaseMeasures, CaseRecord, SlaOutcome, Span
from services.metrics.transparency import PublicRow, transparency
from tests.unit.metrics.builders import agencies

MIN = 3


def case(
    channel: str = "facebook",
    topic: str | None = "roads",
    *,
    agency: str = "lyon",
    answered_s: float | None = 600,
    sla: SlaOutcome = SlaOutcome.MET,
) -> tuple[CaseRecord, CaseMeasures]:
    span = None if answered_s is None else Span(answered_s, answered_s)
    record = CaseRecord(agency_id=agency, channel=channel, topic=topic)
    measures = CaseMeasures(None, span, None, 0, sla, SlaOutcome.NO_TARGET)
    return record, measures


def table(cases: list[tuple[CaseRecord, CaseMeasures]], min_group: int = MIN) -> list[PublicRow]:
    return transparency(cases, agencies=agencies(), min_group=min_group)


def test_a_group_large_enough_is_published_with_its_median_and_share() -> None:
    cases = [
        case(answered_s=60),
        case(answered_s=120),
        case(answered_s=600, sla=SlaOutcome.BREACHED),
    ]
    assert table(cases) == [
        PublicRow(
            agency_id="lyon",
            agency="Ville de Lyon",
            channel="facebook",
            topic="roads",
            other=False,
            cases=3,
            median_first_response_s=120,
            within_target_share=pytest.approx(2 / 3),
        )
    ]


def test_small_groups_are_merged_into_the_agencys_other_row() -> None:
    cases = [
        *[case() for _ in range(3)],
        case("sms"),
        case("sms", "waste"),
        case("x", None),
    ]
    rows = table(cases)
    assert [(r.channel, r.topic, r.other, r.cases) for r in rows] == [
        ("facebook", "roads", False, 3),
        (None, None, True, 3),
    ]


def test_an_other_row_below_the_minimum_is_left_out() -> None:
    rows = table([*[case() for _ in range(3)], case("sms"), case("x")])
    assert [(r.channel, r.cases) for r in rows] == [("facebook", 3)]


def test_no_group_reaching_the_minimum_publishes_nothing() -> None:
    assert table([case(), case("sms")]) == []


def test_a_median_on_too_few_answered_cases_is_withheld() -> None:
    cases = [case(), case(answered_s=None, sla=SlaOutcome.PENDING), case(answered_s=None)]
    (row,) = table(cases)
    assert (row.cases, row.median_first_response_s) == (3, None)


def test_a_share_on_too_few_decided_cases_is_withheld() -> None:
    pending = SlaOutcome.PENDING
    cases = [case(sla=SlaOutcome.NO_TARGET), case(sla=pending), case(), case(sla=pending)]
    (row,) = table(cases)
    assert (row.cases, row.within_target_share) == (4, None)
    assert row.median_first_response_s == 600


def test_overdue_unanswered_cases_count_against_the_share() -> None:
    cases = [case(), case(), case(answered_s=None, sla=SlaOutcome.BREACHED), case()]
    (row,) = table(cases)
    assert row.within_target_share == 0.75


def test_agencies_are_kept_apart_and_sorted() -> None:
    cases = [*[case(agency="paris") for _ in range(3)], *[case() for _ in range(3)]]
    rows = table(cases)
    assert [(r.agency_id, r.agency) for r in rows] == [
        ("lyon", "Ville de Lyon"),
        ("paris", "Ville de Paris"),
    ]


def test_unclassified_topics_come_first_within_a_channel() -> None:
    rows = table([*[case(topic=None) for _ in range(3)], *[case() for _ in range(3)]])
    assert [r.topic for r in rows] == [None, "roads"]


def test_a_minimum_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        table([case()], min_group=0)


def test_public_rows_hold_no_case_message_or_person() -> None:
    (row,) = table([case() for _ in range(3)])
    assert set(vars(row)) == {
        "agency_id",
        "agency",
        "channel",
        "topic",
        "other",
        "cases",
        "median_first_response_s",
        "within_target_share",
    }
    assert timedelta(seconds=row.median_first_response_s or 0) == timedelta(minutes=10)
