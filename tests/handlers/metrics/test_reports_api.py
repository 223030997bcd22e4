"""``GET /reports/response-times`` through the ASGI app on an in-memory store."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from services.metrics.api import reports
from services.metrics.instruments import MetricsInstruments
from services.metrics.usecases import record_case_event
from shared.http import build_http_app
from shared.settings import TelemetrySettings
from shared.telemetry import build_telemetry
from tests.handlers.metrics.fakes import FakeTimelineStore
from tests.unit.metrics.builders import at, opened, reply, routed

WINDOW = {"from": "2026-03-01T00:00:00Z", "to": "2026-03-03T00:00:00Z"}


@asynccontextmanager
async def no_backends(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
async def store() -> FakeTimelineStore:
    store = FakeTimelineStore()
    telemetry = build_telemetry("metrics", TelemetrySettings())
    instruments = MetricsInstruments.register(telemetry.registry)
    for event in (opened(received_s=0), routed(), reply(s=120)):
        await record_case_event(event, store=store, instruments=instruments, now=at(0))
    return store


@pytest.fixture
async def client(store: FakeTimelineStore) -> AsyncIterator[httpx.AsyncClient]:
    telemetry = build_telemetry("metrics", TelemetrySettings())
    app = build_http_app(
        "metrics", telemetry=telemetry, lifespan=no_backends, routers=[reports.router]
    )
    app.state.store = store
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        yield client


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
    assert body["from"] < body["to"]


async def test_unknown_group_by_field_is_a_422_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.get("/reports/response-times", params={"group_by": "team,author"})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
    assert "'author'" in response.json()["detail"]
    assert "group_by" in response.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-03-03T00:00:00Z", "to": "2026-03-01T00:00:00Z"},
        {"from": "2026-03-01T00:00:00"},
        {"to": "yesterday"},
    ],
)
async def test_bad_window_is_a_422(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await client.get("/reports/response-times", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
