"""``GET /reports/volumes``: interactions and cases per period from the roll-ups."""

import csv
import io
from uuid import uuid4

import httpx
import pytest

from shared.events import Channel
from tests.handlers.metrics.conftest import record
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import story, threaded

DAY = 86400
MARCH = {"from": "2026-03-01", "to": "2026-04-01"}


@pytest.fixture
async def store(rollups: FakeRollupStore) -> FakeTimelineStore:
    """Monday 2: two road cases (one answered in time, with a second message the next day);
    Tuesday 3: a waste case by SMS; Monday 9: a road case."""
    store = FakeTimelineStore()
    first = uuid4()
    events = [
        *story(first, received_s=0, reply_s=60, first_response_due_s=600),
        threaded(s=DAY + 5, received_s=DAY, case=first),
        *story(uuid4(), received_s=100),
        *story(uuid4(), received_s=DAY, topic="waste", channel=Channel.SMS),
        *story(uuid4(), received_s=7 * DAY, reply_s=7 * DAY + 9000, first_response_due_s=7 * DAY),
    ]
    await record(store, rollups, events)
    return store


async def test_daily_volumes_count_messages_cases_answers_and_answers_in_time(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    response = await client.get("/reports/volumes", params=MARCH)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"], body["interval"]) == ("2026-03-01", "2026-04-01", "day")
    assert [
        (p["period"], p["interactions"], p["cases"], p["answered"], p["within_target"])
        for p in body["series"]
    ] == [
        ("2026-03-02", 2, 2, 1, 1),
        ("2026-03-03", 2, 1, 0, 0),
        ("2026-03-09", 1, 1, 1, 0),
    ]


async def test_weekly_volumes_grouped_by_channel(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    params = MARCH | {"interval": "week", "group_by": "channel"}
    body = (await client.get("/reports/volumes", params=params)).json()

    assert [(p["period"], p["key"], p["cases"]) for p in body["series"]] == [
        ("2026-03-02", {"channel": "facebook"}, 2),
        ("2026-03-02", {"channel": "sms"}, 1),
        ("2026-03-09", {"channel": "facebook"}, 1),
    ]


async def test_topic_and_sentiment_trends_come_with_the_series(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    body = (await client.get("/reports/volumes", params=MARCH | {"interval": "month"})).json()

    assert [(p["key"], p["interactions"]) for p in body["topics"]] == [
        ({"topic": "roads"}, 4),
        ({"topic": "waste"}, 1),
    ]
    assert [(p["period"], p["key"], p["cases"]) for p in body["sentiments"]] == [
        ("2026-03", {"sentiment": "negative"}, 4)
    ]


async def test_days_outside_the_window_are_left_out(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    params = {"from": "2026-03-03", "to": "2026-03-09"}
    body = (await client.get("/reports/volumes", params=params)).json()
    assert [p["period"] for p in body["series"]] == ["2026-03-03"]


async def test_window_defaults_to_the_30_days_up_to_today(client: httpx.AsyncClient) -> None:
    body = (await client.get("/reports/volumes")).json()
    assert (body["from"], body["to"]) == ("2026-03-03", "2026-04-02")


async def test_volumes_as_csv_carry_the_series(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    params = MARCH | {"interval": "week", "group_by": "topic", "format": "csv"}
    response = await client.get("/reports/volumes", params=params)

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["period", "topic", "interactions", "cases", "answered", "within_target"],
        ["2026-03-02", "roads", "3", "2", "1", "1"],
        ["2026-03-02", "waste", "1", "1", "0", "0"],
        ["2026-03-09", "roads", "1", "1", "1", "0"],
    ]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"interval": "year"}, "interval"),
        ({"group_by": "author"}, "group_by"),
        ({"from": "2026-03-09", "to": "2026-03-02"}, "from"),
        ({"from": "March"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"format": "pdf"}, "format"),
    ],
)
async def test_bad_parameters_are_a_422_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], named: str
) -> None:
    response = await client.get("/reports/volumes", params=params)
    assert response.status_code == 422
    assert f"query.{named}" in response.json()["detail"]
