"""The ingest use case on in-memory ports: durable before publish, duplicates re-publish."""

import json
from datetime import UTC, datetime

import pytest

from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.generic import GenericAdapter
from services.ingest.store import Stored
from services.ingest.usecases import accept_webhook
from shared.errors import Unauthorized
from shared.events import InteractionReceived
from shared.mongo import Document
from shared.outbox import outbox_entry
from shared.topics import Topic
from tests.support import sign

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
CTX = ConnectionContext("lyon", "lyon-demo", {"secret_env": "k"}, NOW)


class FakeStore:
    def __init__(self) -> None:
        self.documents: dict[str, list[Document]] = {}

    async def store(self, events: list[InteractionReceived], *, now: datetime) -> list[Stored]:
        out = []
        for event in events:
            key = str(event.interaction_id)
            duplicate = key in self.documents
            if not duplicate:
                self.documents[key] = [
                    outbox_entry(
                        event,
                        topic=Topic.INTERACTIONS_RECEIVED,
                        key=event.interaction.conversation_key,
                        now=now,
                    )
                ]
            out.append(Stored(key, duplicate, self.documents[key]))
        return out


class FakeOutbox:
    def __init__(self, *, up: bool = True) -> None:
        self.up = up
        self.published: list[Document] = []

    async def publish_soon(
        self, collection: str, doc_id: object, entries: list[Document], *, timeout_s: float
    ) -> bool:
        if not self.up:
            return False
        self.published.extend(entries)
        return True


def _request(payload: object, secret: str = "k") -> WebhookRequest:
    body = json.dumps(payload).encode()
    return WebhookRequest(
        "POST", "u", {"x-agora-signature-256": sign(secret, body)}, {}, body, "application/json"
    )


async def _accept(request: WebhookRequest, store: FakeStore, outbox: FakeOutbox):  # type: ignore[no-untyped-def]
    return await accept_webhook(
        request,
        CTX,
        adapter=GenericAdapter(),
        store=store,
        outbox=outbox,
        collection="interactions",
        publish_timeout_s=1,
        now=NOW,
    )


async def test_new_interaction_is_stored_then_published() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    accepted = await _accept(_request({"message_id": "m1", "text": "hi"}), store, outbox)
    assert accepted.duplicates == 0
    assert accepted.published
    assert list(store.documents) == accepted.interaction_ids
    [entry] = outbox.published
    assert entry["topic"] == Topic.INTERACTIONS_RECEIVED
    assert json.loads(entry["value"])["interaction"]["message_id"] == "m1"


async def test_duplicate_delivery_is_stored_once_but_its_pending_event_goes_out_again() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    await _accept(_request({"message_id": "m1"}), store, outbox)
    again = await _accept(_request({"message_id": "m1"}), store, outbox)
    assert again.duplicates == 1
    assert len(store.documents) == 1
    first, second = outbox.published
    assert first["event_id"] == second["event_id"]


async def test_kafka_down_still_accepts_and_leaves_the_event_pending() -> None:
    store, outbox = FakeStore(), FakeOutbox(up=False)
    accepted = await _accept(_request({"message_id": "m2"}), store, outbox)
    assert not accepted.published
    assert len(store.documents) == 1


async def test_bad_signature_stores_nothing() -> None:
    store, outbox = FakeStore(), FakeOutbox()
    with pytest.raises(Unauthorized):
        await _accept(_request({"message_id": "m3"}, secret="wrong"), store, outbox)
    assert store.documents == {}
    assert outbox.published == []
