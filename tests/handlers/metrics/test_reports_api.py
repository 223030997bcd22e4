"""``GET /reports/response-times`` through the ASGI app on in-memory stores."""

import csv
import io
from uuid import uuid4

import httpx
import pytest

from tests.handlers.metrics.conftest import record
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import opened, reply, routed, story

WINDOW = {"from": "2026-03-01T00:00:00Z", "to": "2026-03-03T00:00:00Z"}
HOUR, DAY = 3600, 86400


@pytest.fixture
async def store(rollups: FakeRollupStore) -> FakeTimelineStore:
    store = FakeTimelineStore()
    await record(store, rollups, [opened(received_s=0), routed(), reply(s=120)])
    return store


async def test_response_times_are_grouped_by_the_requested_fields(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/reports/response-times", params=WINDOW | {"group_by": "team,priority"}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z")
    assert body["group_by"] == ["team", "priority"]
    assert body["groups"] == [
        {
            "key": {"team": "voirie", "priority": "normal"},
            "count": 1,
            "median_s": 120.0,
            "p90_s": 120.0,
            "mean_s": 120.0,
            "answered": 1,
            "unanswered": 0,
            "business_median_s": 120.0,
            "business_p90_s": 120.0,
            "business_mean_s": 120.0,
            "within_target": 0,
            "breached": 0,
            "pending": 0,
            "sla_attainment": None,
        }
    ]


async def test_cases_first_received_outside_the_window_are_left_out(
    client: httpx.AsyncClient,
) -> None:
    window = {"from": "2026-03-02T09:00:01Z", "to": "2026-03-03T00:00:00Z"}
    response = await client.get("/reports/response-times", params=window)
    assert response.json()["groups"] == []


async def test_window_defaults_to_the_last_30_days(client: httpx.AsyncClient) -> None:
    body = (await client.get("/reports/response-times")).json()
    assert body["group_by"] == []
    assert (body["from"], body["to"]) == ("2026-03-02T09:00:00Z", "2026-04-01T09:00:00Z")


async def test_unknown_group_by_field_is_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/response-times", params={"group_by": "team,author"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert "'author'" in response.json()["detail"]
    assert "group_by" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"from": "2026-03-03T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
        ({"from": "2026-03-01T00:00:00"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"format": "xlsx"}, "format"),
        ({"group_by": "sentiment"}, "group_by"),
    ],
)
async def test_bad_parameters_are_a_422_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], named: str
) -> None:
    response = await client.get("/reports/response-times", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert f"query.{named}" in response.json()["detail"]


async def test_business_time_skips_the_weekend_in_the_agencys_hours(
    client: httpx.AsyncClient, store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    # Friday 6 March 17:00 to Monday 9 March 10:00 in Lyon: 65 hours, 2.5 of them open.
    friday_17h = 4 * DAY + 7 * HOUR
    await record(store, rollups, story(uuid4(), received_s=friday_17h, reply_s=7 * DAY))

    window = {"from": "2026-03-06T00:00:00Z", "to": "2026-03-07T00:00:00Z"}
    (group,) = (await client.get("/reports/response-times", params=window)).json()["groups"]

    assert (group["median_s"], group["business_median_s"]) == (65 * HOUR, 2.5 * HOUR)


async def test_sla_attainment_counts_overdue_unanswered_cases_as_breached(
    client: httpx.AsyncClient, store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    start = DAY
    cases = [
        story(uuid4(), received_s=start, reply_s=start + 60, first_response_due_s=start + 600),
        story(uuid4(), received_s=start, reply_s=start + 900, first_response_due_s=start + 600),
        story(uuid4(), received_s=start, first_response_due_s=start + 600),
        story(uuid4(), received_s=start, first_response_due_s=start + 60 * DAY),
        story(uuid4(), received_s=start, reply_s=start + 60),
    ]
    await record(store, rollups, [e for events in cases for e in events])

    window = {"from": "2026-03-03T00:00:00Z", "to": "2026-03-04T00:00:00Z"}
    (group,) = (await client.get("/reports/response-times", params=window)).json()["groups"]

    assert (group["count"], group["answered"], group["unanswered"]) == (5, 3, 2)
    assert (group["within_target"], group["breached"], group["pending"]) == (1, 2, 1)
    assert group["sla_attainment"] == pytest.approx(1 / 3)


async def test_response_times_can_be_grouped_by_topic_and_language(
    client: httpx.AsyncClient, store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    await record(store, rollups, story(uuid4(), received_s=60, reply_s=600, topic="waste"))

    body = (
        await client.get("/reports/response-times", params=WINDOW | {"group_by": "topic,language"})
    ).json()

    assert [(g["key"], g["count"]) for g in body["groups"]] == [
        ({"topic": "roads", "language": "fr"}, 1),
        ({"topic": "waste", "language": "fr"}, 1),
    ]


async def test_response_times_as_csv_have_a_header_row_and_one_row_per_group(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/reports/response-times", params=WINDOW | {"group_by": "team", "format": "csv"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "response-times.csv" in response.headers["content-disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header[:4] == ["team", "count", "answered", "unanswered"]
    assert "sla_attainment" in header
    record_ = dict(zip(header, rows[0], strict=True))
    assert (record_["team"], record_["count"], record_["median_s"]) == ("voirie", "1", "120.0")
    assert record_["sla_attainment"] == ""
    assert len(rows) == 1


async def test_reports_hold_no_case_id_message_or_person(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    text = (await client.get("/reports/response-times", params=WINDOW)).text
    for private in (*map(str, store.timelines), "alice", "citizen-42"):
        assert private not in text
