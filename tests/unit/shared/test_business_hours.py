"""Business hours: parsing, open seconds between two instants, adding open time; DST, holidays."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.business_hours import (
    ALWAYS_OPEN,
    BusinessCalendar,
    WeeklyHours,
    add_business_time,
    business_seconds,
    parse_business_hours,
)
from shared.config import parse_config
from shared.settings import DEFAULT_CONFIG

PARIS = ZoneInfo("Europe/Paris")
OFFICE = "Mon-Fri 08:30-18:00"
HOUR = 3600
# 2026-03-02 is a Monday; Europe changes to summer time on Sunday 2026-03-29 (02:00 -> 03:00)
# and back on Sunday 2026-10-25 (03:00 -> 02:00).
MONDAY = date(2026, 3, 2)


def paris(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=PARIS)


def calendar(spec: str = OFFICE, holidays: tuple[date, ...] = ()) -> BusinessCalendar:
    return BusinessCalendar(parse_business_hours(spec), PARIS, frozenset(holidays))


# -- parsing -----------------------------------------------------------------------------------

NONE: tuple[tuple[int, int], ...] = ()
OFFICE_DAY = ((8 * 60 + 30, 18 * 60),)


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        (OFFICE, (OFFICE_DAY,) * 5 + (NONE,) * 2),
        ("mon-fri 08:30-18:00", (OFFICE_DAY,) * 5 + (NONE,) * 2),
        ("Mon-Sat 09:00-12:00", (((540, 720),),) * 6 + (NONE,)),
        ("Sat 9:00-12:00", (NONE,) * 5 + (((540, 720),),) + (NONE,)),
        ("Sat-Mon 10:00-11:00", (((600, 660),),) + (NONE,) * 4 + (((600, 660),),) * 2),
        (
            "Mon-Fri 08:30-12:00 13:30-17:30, Sat 09:00-12:00",
            (((510, 720), (810, 1050)),) * 5 + (((540, 720),),) + (NONE,),
        ),
        ("Mon 11:00-13:00, Mon 09:00-12:00", (((540, 780),),) + (NONE,) * 6),
        ("Sun 00:00-24:00", (NONE,) * 6 + (((0, 1440),),)),
        ("24/7", ALWAYS_OPEN.days),
    ],
)
def test_business_hours_are_parsed_into_daily_windows(
    spec: str, days: tuple[tuple[tuple[int, int], ...], ...]
) -> None:
    assert parse_business_hours(spec) == WeeklyHours(days=days)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("Mon-Fri", "expected days then times"),
        ("Mon-Fri 8h30-18h", "expected a time range"),
        ("Mon-Fra 08:30-18:00", "unknown day 'Fra'"),
        ("Mon-Fri 18:00-08:30", "must end after it starts"),
        ("Mon-Fri 08:30-24:30", "invalid time 24:30"),
        ("Mon-Fri 08:75-18:00", "invalid time 08:75"),
        ("Mon-Fri 08:30-18:00,", "expected days then times"),
    ],
)
def test_invalid_business_hours_are_refused_with_the_reason(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_business_hours(spec)


def test_a_week_needs_seven_days() -> None:
    with pytest.raises(ValueError, match="seven days"):
        WeeklyHours(days=((),))


# -- open seconds between two instants ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (paris("2026-03-02", "09:00"), paris("2026-03-02", "10:00"), HOUR),
        (paris("2026-03-02", "07:00"), paris("2026-03-02", "09:00"), HOUR / 2),
        (paris("2026-03-02", "17:00"), paris("2026-03-02", "20:00"), HOUR),
        (paris("2026-03-02", "19:00"), paris("2026-03-03", "08:00"), 0),
        (paris("2026-03-02", "17:00"), paris("2026-03-03", "09:30"), 2 * HOUR),
        (paris("2026-03-06", "17:00"), paris("2026-03-09", "09:30"), 2 * HOUR),
        (paris("2026-03-07", "10:00"), paris("2026-03-09", "08:30"), 0),
        (paris("2026-03-02", "00:00"), paris("2026-03-09", "00:00"), 5 * 9.5 * HOUR),
        (paris("2026-03-27", "17:00"), paris("2026-03-30", "09:30"), 2 * HOUR),
        (paris("2026-10-23", "17:00"), paris("2026-10-26", "09:30"), 2 * HOUR),
        (paris("2026-03-02", "10:00"), paris("2026-03-02", "09:00"), 0),
        (paris("2026-03-02", "10:00"), paris("2026-03-02", "10:00"), 0),
    ],
    ids=[
        "within-a-day",
        "start-before-opening",
        "end-after-closing",
        "closed-night",
        "overnight",
        "across-a-weekend",
        "weekend-only",
        "whole-week",
        "weekend-of-the-spring-dst-change",
        "weekend-of-the-autumn-dst-change",
        "end-before-start",
        "empty",
    ],
)
def test_open_seconds_skip_closed_hours_and_weekends(
    start: datetime, end: datetime, seconds: float
) -> None:
    assert calendar().seconds_between(start, end) == seconds


def test_a_holiday_counts_no_open_time() -> None:
    friday = date(2026, 3, 6)
    thursday_evening, monday_morning = paris("2026-03-05", "17:00"), paris("2026-03-09", "09:00")
    assert calendar(holidays=(friday,)).seconds_between(thursday_evening, monday_morning) == (
        1.5 * HOUR
    )
    assert calendar().seconds_between(thursday_evening, monday_morning) == 11 * HOUR


@pytest.mark.parametrize(
    ("spec", "start", "end", "seconds"),
    [
        ("24/7", paris("2026-03-28", "12:00"), paris("2026-03-29", "12:00"), 23 * HOUR),
        ("24/7", paris("2026-10-24", "12:00"), paris("2026-10-25", "12:00"), 25 * HOUR),
        ("Sun 01:00-04:00", paris("2026-03-29", "00:00"), paris("2026-03-29", "05:00"), 2 * HOUR),
        ("Sun 00:00-24:00", paris("2026-10-25", "00:00"), paris("2026-10-26", "00:00"), 25 * HOUR),
        ("Sun 00:00-24:00", paris("2026-03-29", "00:00"), paris("2026-03-30", "00:00"), 23 * HOUR),
    ],
)
def test_open_seconds_are_the_time_that_really_passed_on_a_dst_change(
    spec: str, start: datetime, end: datetime, seconds: float
) -> None:
    assert calendar(spec).seconds_between(start, end) == seconds


def test_several_ranges_a_day_count_only_the_open_ones() -> None:
    split = calendar("Mon-Fri 08:30-12:00 13:30-17:30, Sat 09:00-12:00")
    assert split.seconds_between(paris("2026-03-02", "11:00"), paris("2026-03-02", "14:00")) == (
        1.5 * HOUR
    )
    assert split.seconds_between(paris("2026-03-07", "08:00"), paris("2026-03-07", "13:00")) == (
        3 * HOUR
    )


def test_instants_in_any_time_zone_give_the_same_open_seconds() -> None:
    start, end = paris("2026-03-06", "17:00"), paris("2026-03-09", "09:30")
    in_utc = calendar().seconds_between(start.astimezone(UTC), end.astimezone(UTC))
    assert in_utc == calendar().seconds_between(start, end) == 2 * HOUR


def test_calendar_time_counts_every_second_even_on_holidays() -> None:
    start = datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert BusinessCalendar.always_open().seconds_between(start, start + timedelta(days=2)) == (
        48 * HOUR
    )


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar().seconds_between(datetime(2026, 3, 2, 9), paris("2026-03-02", "10:00"))  # noqa: DTZ001


def test_never_open_hours_count_nothing() -> None:
    closed = BusinessCalendar(WeeklyHours(days=((),) * 7), PARIS)
    assert closed.seconds_between(paris("2026-03-02", "00:00"), paris("2026-04-02", "00:00")) == 0


def test_module_function_matches_the_calendar() -> None:
    start, end = paris("2026-03-05", "17:00"), paris("2026-03-09", "09:00")
    holidays = [date(2026, 3, 6)]
    hours = parse_business_hours(OFFICE)
    assert business_seconds(start, end, hours=hours, zone=PARIS, holidays=holidays) == 1.5 * HOUR


# -- adding open time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (paris("2026-03-02", "09:00"), 1, paris("2026-03-02", "10:00")),
        (paris("2026-03-02", "07:00"), 1, paris("2026-03-02", "09:30")),
        (paris("2026-03-02", "17:00"), 1, paris("2026-03-02", "18:00")),
        (paris("2026-03-02", "17:00"), 2, paris("2026-03-03", "09:30")),
        (paris("2026-03-06", "17:00"), 4, paris("2026-03-09", "11:30")),
        (paris("2026-03-07", "11:00"), 1, paris("2026-03-09", "09:30")),
        (paris("2026-03-27", "17:00"), 2, paris("2026-03-30", "09:30")),
        (paris("2026-03-02", "09:00"), 19, paris("2026-03-04", "09:00")),
    ],
    ids=[
        "within-a-day",
        "before-opening",
        "exactly-to-closing",
        "over-the-night",
        "over-a-weekend",
        "from-a-saturday",
        "over-the-dst-weekend",
        "two-full-days",
    ],
)
def test_adding_open_time_skips_closed_hours(start: datetime, hours: float, due: datetime) -> None:
    assert calendar().add(start, timedelta(hours=hours)) == due


def test_adding_open_time_skips_holidays() -> None:
    monday = date(2026, 3, 9)
    due = calendar(holidays=(monday,)).add(paris("2026-03-06", "17:00"), timedelta(hours=2))
    assert due == paris("2026-03-10", "09:30")


def test_adding_calendar_time_over_the_spring_night_keeps_elapsed_hours() -> None:
    due = BusinessCalendar.always_open(PARIS).add(paris("2026-03-28", "12:00"), timedelta(hours=24))
    assert due == paris("2026-03-29", "13:00")
    assert (due.astimezone(UTC) - paris("2026-03-28", "12:00").astimezone(UTC)) == timedelta(
        hours=24
    )


def test_added_time_is_returned_in_the_start_time_zone() -> None:
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)  # 09:00 in Paris
    due = calendar().add(start, timedelta(hours=1))
    assert due.tzinfo is UTC
    assert due == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_adding_nothing_is_the_start_itself_even_when_closed() -> None:
    sunday = paris("2026-03-08", "12:00")
    assert calendar().add(sunday, timedelta()) == sunday


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        (paris("2026-03-02", "09:00"), 0.25),
        (paris("2026-03-06", "17:30"), 12),
        (paris("2026-03-27", "12:00"), 30),
        (paris("2026-10-23", "12:00"), 30),
        (paris("2026-03-08", "03:00"), 47.5),
    ],
)
def test_open_seconds_up_to_an_added_due_time_are_the_duration_added(
    start: datetime, hours: float
) -> None:
    office = calendar(holidays=(date(2026, 3, 30),))
    due = office.add(start, timedelta(hours=hours))
    assert office.seconds_between(start, due) == hours * HOUR


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar().add(paris("2026-03-02", "09:00"), timedelta(seconds=-1))


def test_hours_that_never_open_cannot_take_added_time() -> None:
    closed = BusinessCalendar(WeeklyHours(days=((),) * 7), PARIS)
    with pytest.raises(ValueError, match="never open"):
        closed.add(paris("2026-03-02", "09:00"), timedelta(hours=1))


def test_a_calendar_of_holidays_only_gives_up() -> None:
    every_day = tuple(MONDAY + timedelta(days=n) for n in range(6 * 366))
    with pytest.raises(ValueError, match="not enough open time"):
        calendar(holidays=every_day).add(paris("2026-03-02", "09:00"), timedelta(hours=1))


def test_module_add_function_matches_the_calendar() -> None:
    hours = parse_business_hours(OFFICE)
    due = add_business_time(
        paris("2026-03-06", "17:00"), timedelta(hours=2), hours=hours, zone=PARIS
    )
    assert due == paris("2026-03-09", "09:30")


# -- holidays in agora.yaml --------------------------------------------------------------------


def _demo_with_holidays(line: str) -> str:
    """The demo configuration with its ``holidays:`` line replaced by ``line``."""
    lines = DEFAULT_CONFIG.read_text().splitlines(keepends=True)
    [index] = [i for i, text in enumerate(lines) if text.startswith("    holidays:")]
    lines[index] = line
    return "".join(lines)


def test_agency_holidays_are_read_from_the_configuration() -> None:
    text = _demo_with_holidays("    holidays: [2026-05-01, '2026-07-14']\n")
    agency = parse_config(text, Path("agora.yaml")).agencies[0]
    assert agency.holidays == [date(2026, 5, 1), date(2026, 7, 14)]


def test_agencies_have_no_holidays_unless_configured() -> None:
    agency = parse_config(_demo_with_holidays(""), Path("agora.yaml")).agencies[0]
    assert agency.holidays == []
