"""Mastodon polling against a simulated server, on the real database and broker."""

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.kafka import KafkaBroker

from services.ingest.mastodon_poller import POLL_STATE, MastodonPoller
from services.ingest.store import INTERACTIONS, STATUSES, MongoIngestStore
from shared.bus import BrokerProbe, ensure_topics, kafka_publisher
from shared.clock import utc_now
from shared.config import AgoraConfig
from shared.mongo import Database, open_mongo
from shared.outbox import Outbox
from shared.runner.stack import Stack
from shared.settings import KafkaSettings, MongoSettings
from shared.topics import Topic
from tests.integration.kafka import records_containing

pytestmark = pytest.mark.integration

NOTIFICATIONS = json.loads(
    (Path(__file__).parents[1] / "fixtures/webhooks/mastodon/notifications.json").read_text()
)


class MastodonSimulator:
    """Answers ``GET /api/v1/notifications`` like a Mastodon server, recording each request."""

    def __init__(self, notifications: list[dict[str, Any]]) -> None:
        self.notifications = notifications
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("authorization") != "Bearer poll-token":
            return httpx.Response(401, json={"error": "The access token is invalid"})
        after = request.url.params.get("min_id")
        newer = [n for n in self.notifications if after is None or int(n["id"]) > int(after)]
        return httpx.Response(200, json=sorted(newer, key=lambda n: -int(n["id"]))[:40])


def _config(run: str) -> AgoraConfig:
    return AgoraConfig.model_validate(
        {
            "agencies": [
                {
                    "id": f"poll-{run}",
                    "name": "Poll city",
                    "connections": [
                        {
                            "id": f"masto-{run}",
                            "channel": "mastodon",
                            "secret_env": "UNUSED",
                            "poll_url": "https://social.example",
                            "access_token_env": "AGORA_TEST_POLL_TOKEN",
                            "account_handle": "mairie@social.lyon.fr",
                        }
                    ],
                    "teams": [{"id": "t", "name": "T"}],
                    "routing": [{"default": True, "team": "t"}],
                }
            ]
        }
    )


@pytest.fixture
async def db(engines: Stack) -> AsyncIterator[Database]:
    async with open_mongo(
        MongoSettings(uri=engines.mongo_uri), f"poll_{uuid.uuid4().hex[:8]}"
    ) as d:  # type: ignore[arg-type]
        yield d


async def test_polled_mentions_are_stored_published_and_not_polled_twice(
    engines: Stack, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGORA_TEST_POLL_TOKEN", "poll-token")
    run = uuid.uuid4().hex[:8]
    kafka = KafkaSettings(bootstrap_servers=engines.bootstrap)
    await ensure_topics(kafka)
    broker = KafkaBroker(engines.bootstrap)
    await broker.connect()
    probe = BrokerProbe(kafka)
    outbox = Outbox(
        db,
        collections=[INTERACTIONS, STATUSES],
        publish=kafka_publisher(broker),
        identify=probe.identify,
        clock=utc_now,
    )
    store = MongoIngestStore(db)
    await store.ensure_indexes()
    simulator = MastodonSimulator(NOTIFICATIONS)
    poller = MastodonPoller(
        config=_config(run),
        db=db,
        store=store,
        outbox=outbox,
        clock=utc_now,
        interval_s=60,
        publish_timeout_s=5,
        transport=httpx.MockTransport(simulator.handle),
    )
    [(url, token, ctx)] = poller.contexts()
    try:
        async with httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {token}"},
            transport=httpx.MockTransport(simulator.handle),
        ) as client:
            assert await poller.poll_once(client, ctx) == len(NOTIFICATIONS)
            assert await poller.poll_once(client, ctx) == 0
    finally:
        await outbox.stop()
        await probe.stop()
        await broker.stop()

    assert simulator.requests[-1].url.params["min_id"] == "34975866"
    assert await db[POLL_STATE].find_one({"_id": ctx.connection_id}) == {
        "_id": ctx.connection_id,
        "since_id": "34975866",
    }
    stored = await db[INTERACTIONS].find({}, {"message_id": 1}).to_list(None)
    mentions = {n["status"]["id"] for n in NOTIFICATIONS if n["type"] == "mention"}
    assert {d["message_id"] for d in stored} == mentions
    published = await records_containing(
        engines.bootstrap, Topic.INTERACTIONS_RECEIVED, f"poll-{run}", expected=len(mentions) + 1
    )
    kinds = sorted(json.loads(r.value)["event_type"] for r in published)
    assert kinds == ["interaction.edited", "interaction.received", "interaction.received"]
