"""The responder API through httpx's ASGI transport, on in-memory ports."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.respond.api import cases as cases_api
from services.respond.instruments import RespondInstruments
from services.respond.settings import RespondSettings
from services.respond.usecases import thread_interaction
from shared.http import build_http_app
from shared.ids import case_id
from shared.settings import TelemetrySettings
from shared.telemetry import build_telemetry
from tests.handlers.respond.fakes import FakeCaseRepository, FakeOutbox, FakeTokenStore
from tests.unit.respond.builders import CONFIG, at, classified, user

CASE = case_id("lyon", "facebook", "post-9", 0)
ROADS = {"Authorization": "Bearer roads-token"}
WATER = {"Authorization": "Bearer water-token"}


@asynccontextmanager
async def _no_backends(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
def cases() -> FakeCaseRepository:
    return FakeCaseRepository()


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def api(
    cases: FakeCaseRepository, registry: CollectorRegistry
) -> AsyncIterator[httpx.AsyncClient]:
    telemetry = build_telemetry("respond", TelemetrySettings())
    app = build_http_app(
        "respond", telemetry=telemetry, lifespan=_no_backends, routers=[cases_api.router]
    )
    app.state.settings = RespondSettings()
    app.state.cases = cases
    app.state.outbox = FakeOutbox()
    app.state.instruments = RespondInstruments.register(registry)
    app.state.tokens = FakeTokenStore(
        {"roads-token": user(teams=("voirie",)), "water-token": user(teams=("eau",))}
    )
    await thread_interaction(
        classified(text="Nid de poule " * 20),
        cases=cases,
        outbox=FakeOutbox(),
        config=CONFIG,
        now=at(2),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://respond") as client:
        yield client


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic cm9hZHMtdG9rZW4="}],
)
async def test_missing_or_unknown_token_is_unauthorized(
    api: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api.get("/cases", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_listing_shows_a_summary_of_the_teams_cases(api: httpx.AsyncClient) -> None:
    page = (await api.get("/cases", headers=ROADS)).json()

    assert (page["total"], page["limit"], page["offset"]) == (1, 50, 0)
    (summary,) = page["items"]
    assert (summary["id"], summary["team"], summary["version"]) == (str(CASE), "voirie", 1)
    assert summary["routing"]["rule_name"] == "roads and lighting"
    assert summary["classification"]["topic"] == "roads"
    assert (summary["message_count"], len(summary["preview"])) == (1, 120)
    assert "thread" not in summary


async def test_listing_filters_by_conversation(api: httpx.AsyncClient) -> None:
    response = await api.get("/cases", params={"conversation_id": "other"}, headers=ROADS)
    assert response.json()["items"] == []


async def test_listing_of_another_team_is_empty(api: httpx.AsyncClient) -> None:
    assert (await api.get("/cases", headers=WATER)).json()["total"] == 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"status": "lost"}])
async def test_invalid_listing_filters_are_refused(
    api: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    response = await api.get("/cases", params=params, headers=ROADS)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")


async def test_case_shows_its_thread(api: httpx.AsyncClient) -> None:
    detail = (await api.get(f"/cases/{CASE}", headers=ROADS)).json()
    (entry,) = detail["thread"]
    assert (entry["direction"], entry["author_handle"]) == ("inbound", "@citizen")
    assert entry["classification"]["topic"] == "roads"


async def test_case_of_another_team_is_not_found(api: httpx.AsyncClient) -> None:
    for path in (f"/cases/{CASE}", f"/cases/{case_id('lyon', 'x', 'nothing', 0)}"):
        response = await api.get(path, headers=WATER)
        assert (response.status_code, response.json()["error"]) == (404, "case_not_found")


async def test_reply_is_created_and_counted(
    api: httpx.AsyncClient, registry: CollectorRegistry
) -> None:
    response = await api.post(
        f"/cases/{CASE}/replies", json={"text": "Merci", "version": 1}, headers=ROADS
    )

    assert response.status_code == 201
    body = response.json()
    assert body["case"]["version"] == 2
    assert body["case"]["thread"][-1]["reply_id"] == body["reply_id"]
    assert body["case"]["thread"][-1]["delivery"] == "pending"
    labels = {"agency": "lyon", "team": "voirie"}
    assert registry.get_sample_value("agora_respond_replies_total", labels) == 1


async def test_reply_on_a_stale_version_is_409_with_the_current_case(
    api: httpx.AsyncClient,
) -> None:
    url = f"/cases/{CASE}/replies"
    await api.post(url, json={"text": "Merci", "version": 1}, headers=ROADS)
    response = await api.post(url, json={"text": "Encore", "version": 1}, headers=ROADS)

    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["case"]["version"] == 2


@pytest.mark.parametrize(
    "body",
    [
        {"text": "", "version": 1},
        {"text": "   ", "version": 1},
        {"text": "x" * 5001, "version": 1},
        {"text": "Merci"},
        {"text": "Merci", "version": 0},
    ],
)
async def test_invalid_reply_body_is_422(api: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await api.post(f"/cases/{CASE}/replies", json=body, headers=ROADS)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")
