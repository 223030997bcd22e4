"""Open311 routes over in-memory ports: stored and published like a webhook, errors as arrays."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.ingest.api import open311 as open311_api
from services.ingest.instruments import IngestInstruments
from services.ingest.ratelimit import RateLimiter
from services.ingest.settings import IngestSettings
from shared.config import AgoraConfig
from shared.http import install_error_handlers
from shared.ids import interaction_id
from shared.topics import Topic
from tests.handlers.ingest.fakes import FakeIngestStore, FakeOutbox

FIXTURES = Path(__file__).parents[2] / "fixtures" / "webhooks" / "open311"
FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
KEYS_ENV = "AGORA_TEST_OPEN311_LYON_KEYS"


def _agency(agency_id: str, connections: list[dict[str, object]]) -> dict[str, object]:
    return {
        "id": agency_id,
        "name": agency_id.title(),
        "connections": connections,
        "teams": [
            {"id": f"{agency_id}-voirie", "name": "Voirie"},
            {"id": f"{agency_id}-a", "name": "Accueil"},
        ],
        "routing": [
            {
                "name": "roads",
                "when": {"topic": ["roads", "street_lighting"]},
                "team": f"{agency_id}-voirie",
            },
            {"name": "waste", "when": {"topic": "waste"}, "team": f"{agency_id}-voirie"},
            {"default": True, "team": f"{agency_id}-a"},
        ],
    }


CONFIG = AgoraConfig.model_validate(
    {
        "agencies": [
            _agency(
                "lyon",
                [
                    {"id": "lyon-311", "channel": "open311", "api_keys_env": KEYS_ENV},
                    {
                        "id": "lyon-311-unset",
                        "channel": "open311",
                        "api_keys_env": "AGORA_TEST_UNSET_KEYS",
                    },
                ],
            ),
            _agency(
                "grenoble",
                [
                    {
                        "id": "grenoble-311",
                        "channel": "open311",
                        "api_keys_env": "AGORA_TEST_OPEN311_GRENOBLE_KEYS",
                        "rate_limit_per_s": 0.01,
                    }
                ],
            ),
            _agency(
                "paris", [{"id": "paris-mail", "channel": "email", "secret_env": "AGORA_TEST_X"}]
            ),
        ]
    }
)


@dataclass
class Ingest:
    client: httpx.AsyncClient
    store: FakeIngestStore
    outbox: FakeOutbox
    registry: CollectorRegistry

    def counted(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


def _app(
    config: AgoraConfig, store: FakeIngestStore, outbox: FakeOutbox, registry: CollectorRegistry
) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(open311_api.router)
    app.state.settings = IngestSettings()
    app.state.config = config
    app.state.store = store
    app.state.outbox = outbox
    app.state.limiter = RateLimiter()
    app.state.instruments = IngestInstruments.register(registry)
    return app


async def _ingest(config: AgoraConfig) -> AsyncIterator[Ingest]:
    store, outbox, registry = FakeIngestStore(), FakeOutbox(), CollectorRegistry()
    transport = httpx.ASGITransport(app=_app(config, store, outbox, registry))
    async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
        yield Ingest(client, store, outbox, registry)


@pytest.fixture
async def ingest(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Ingest]:
    monkeypatch.setenv(KEYS_ENV, "lyon-key-1,lyon-key-2")
    monkeypatch.setenv("AGORA_TEST_OPEN311_GRENOBLE_KEYS", "grenoble-key")
    monkeypatch.delenv("AGORA_TEST_UNSET_KEYS", raising=False)
    async for running in _ingest(CONFIG):
        yield running


def _body(name: str) -> bytes:
    return (FIXTURES / f"{name}.form").read_bytes()


async def _post(ingest: Ingest, body: bytes, **headers: str) -> httpx.Response:
    return await ingest.client.post(
        "/open311/v2/requests.json", content=body, headers={**FORM, **headers}
    )


async def test_service_list_names_the_agency_topics(ingest: Ingest) -> None:
    response = await ingest.client.get(
        "/open311/v2/services.json", params={"jurisdiction_id": "lyon"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    services = response.json()
    assert [s["service_code"] for s in services] == ["roads", "street_lighting", "waste", "other"]
    assert services[0] == {
        "service_code": "roads",
        "service_name": "Roads",
        "description": "Handled by Voirie.",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "roads",
    }


@pytest.mark.parametrize(
    ("params", "status", "description"),
    [
        ({}, 400, "jurisdiction_id was not provided."),
        ({"jurisdiction_id": "atlantis"}, 404, "jurisdiction_id was not found."),
        ({"jurisdiction_id": "paris"}, 404, "jurisdiction_id was not found."),
    ],
)
async def test_service_list_needs_a_known_jurisdiction_when_several_agencies_serve(
    ingest: Ingest, params: dict[str, str], status: int, description: str
) -> None:
    response = await ingest.client.get("/open311/v2/services.json", params=params)
    assert response.status_code == status
    assert response.json() == [{"code": status, "description": description}]


async def test_single_open311_agency_needs_no_jurisdiction() -> None:
    single = AgoraConfig(agencies=[CONFIG.agencies[0]])
    async for running in _ingest(single):
        response = await running.client.get("/open311/v2/services.json")
        assert response.status_code == 200
        assert response.json()[-1]["service_code"] == "other"


async def test_request_with_lat_long_is_stored_published_and_answered(ingest: Ingest) -> None:
    response = await _post(ingest, _body("valid_lat_long"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    [answer] = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    assert list(ingest.store.interactions) == [answer["service_request_id"]]
    [entry] = ingest.outbox.published
    assert entry["topic"] == Topic.INTERACTIONS_RECEIVED
    interaction = json.loads(entry["value"])["interaction"]
    assert interaction["interaction_id"] == answer["service_request_id"]
    assert interaction["conversation_id"] == answer["service_request_id"]
    assert interaction["interaction_id"] == str(
        interaction_id("lyon", "open311", interaction["message_id"])
    )
    assert (interaction["agency_id"], interaction["connection_id"]) == ("lyon", "lyon-311")
    assert (interaction["channel"], interaction["kind"]) == ("open311", "service_request")
    assert interaction["location"] == {"latitude": 45.7578, "longitude": 4.832, "address": None}
    assert interaction["attachments"][0]["url"] == "https://photos.example.org/r/123.jpg"
    assert (
        ingest.counted("agora_ingest_interactions_received_total", agency="lyon", channel="open311")
        == 1
    )


async def test_request_with_an_address_echoes_the_account(ingest: Ingest) -> None:
    response = await _post(ingest, _body("valid_address"))
    assert response.status_code == 200
    [answer] = response.json()
    assert answer["account_id"] == "acc-981"
    [entry] = ingest.outbox.published
    assert (
        json.loads(entry["value"])["interaction"]["location"]["address"]
        == "12 rue Mercière, 69002 Lyon"
    )


async def test_client_retry_returns_the_same_request_and_stores_it_once(ingest: Ingest) -> None:
    first = await _post(ingest, _body("valid_lat_long"))
    again = await _post(ingest, _body("valid_lat_long"))
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert len(ingest.store.interactions) == 1
    assert ingest.counted("agora_ingest_duplicates_total", agency="lyon", channel="open311") == 1


async def test_new_idempotency_key_files_a_new_request(ingest: Ingest) -> None:
    first = await _post(ingest, _body("valid_lat_long"), **{"Idempotency-Key": "k-1"})
    retry = await _post(ingest, _body("valid_lat_long"), **{"Idempotency-Key": "k-1"})
    second = await _post(ingest, _body("valid_lat_long"), **{"Idempotency-Key": "k-2"})
    ids = [r.json()[0]["service_request_id"] for r in (first, retry, second)]
    assert ids[0] == ids[1] != ids[2]
    assert len(ingest.store.interactions) == 2


@pytest.mark.parametrize(
    ("fixture", "status", "code", "description"),
    [
        ("missing_service_code", 400, "missing_service_code", "service_code was not provided."),
        (
            "unknown_service_code",
            404,
            "unknown_service_code",
            "service_code 'fireworks' was not found.",
        ),
        (
            "missing_location",
            400,
            "missing_location",
            "A location is required: lat & long, address_string or address_id.",
        ),
        ("bad_api_key", 403, "invalid_api_key", "Invalid api_key received."),
    ],
)
async def test_refused_request_stores_nothing_and_answers_an_open311_error(
    ingest: Ingest, fixture: str, status: int, code: str, description: str
) -> None:
    response = await _post(ingest, _body(fixture))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == [{"code": status, "description": description}]
    assert ingest.store.interactions == {}
    assert ingest.store.quarantine_entries == {}
    assert ingest.outbox.published == []
    assert (
        ingest.counted("agora_ingest_webhooks_rejected_total", channel="open311", error=code) == 1
    )


async def test_missing_api_key_is_a_403(ingest: Ingest) -> None:
    response = await _post(ingest, b"service_code=roads&lat=45.7&long=4.8")
    assert response.status_code == 403
    assert response.json() == [{"code": 403, "description": "api_key was not provided."}]


async def test_api_key_and_jurisdiction_may_come_in_the_query(ingest: Ingest) -> None:
    response = await ingest.client.post(
        "/open311/v2/requests.json",
        params={"api_key": "lyon-key-2", "jurisdiction_id": "lyon"},
        content=b"service_code=waste&address_string=Place+Bellecour",
        headers=FORM,
    )
    assert response.status_code == 200
    assert len(ingest.store.interactions) == 1


async def test_key_of_another_jurisdiction_is_refused(ingest: Ingest) -> None:
    body = b"api_key=grenoble-key&jurisdiction_id=lyon&service_code=other&address_string=x"
    response = await _post(ingest, body)
    assert response.status_code == 404
    assert response.json() == [{"code": 404, "description": "jurisdiction_id was not found."}]


async def test_the_key_chooses_the_agency_and_its_services(ingest: Ingest) -> None:
    body = b"api_key=grenoble-key&service_code=other&address_string=Place+Grenette"
    response = await _post(ingest, body)
    assert response.status_code == 200
    [entry] = ingest.outbox.published
    assert json.loads(entry["value"])["interaction"]["agency_id"] == "grenoble"


async def test_rate_limited_connection_answers_429_with_retry_after(ingest: Ingest) -> None:
    body = b"api_key=grenoble-key&service_code=other&address_string=x"
    assert (await _post(ingest, body)).status_code == 200
    limited = await _post(ingest, body + b"y")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()[0]["code"] == 429


async def test_json_body_is_refused_in_open311_format(ingest: Ingest) -> None:
    response = await ingest.client.post("/open311/v2/requests.json", json={"api_key": "lyon-key-1"})
    assert response.status_code == 415
    assert response.json()[0]["code"] == 415
    assert ingest.store.interactions == {}
