"""The ingest use case on in-memory ports: durable before publish, duplicates re-publish."""

import json
from datetime import UTC, datetime

import pytest

from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.generic import GenericAdapter
from services.ingest.usecases import Accepted, Quarantined, accept_webhook
from shared.errors import Unauthorized
from shared.topics import Topic
from tests.handlers.ingest.fakes import FakeIngestStore, FakeOutbox
from tests.support import sign

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
CTX = ConnectionContext("lyon", "lyon-demo", {"secret_env": "k"}, NOW)


def _request(payload: object, secret: str = "k") -> WebhookRequest:
    body = json.dumps(payload).encode()
    return WebhookRequest(
        "POST", "u", {"x-agora-signature-256": sign(secret, body)}, {}, body, "application/json"
    )


async def _accept(request: WebhookRequest, store: FakeIngestStore, outbox: FakeOutbox) -> Accepted:
    return await accept_webhook(
        request,
        CTX,
        adapter=GenericAdapter(),
        store=store,
        outbox=outbox,
        publish_timeout_s=1,
        now=NOW,
    )


async def test_new_interaction_is_stored_then_published() -> None:
    store, outbox = FakeIngestStore(), FakeOutbox()
    accepted = await _accept(_request({"message_id": "m1", "text": "hi"}), store, outbox)
    assert accepted.duplicates == 0
    assert accepted.published
    assert list(store.interactions) == accepted.interaction_ids
    [entry] = outbox.published
    assert entry["topic"] == Topic.INTERACTIONS_RECEIVED
    assert json.loads(entry["value"])["interaction"]["message_id"] == "m1"


async def test_duplicate_delivery_is_stored_once_but_its_pending_event_goes_out_again() -> None:
    store, outbox = FakeIngestStore(), FakeOutbox()
    await _accept(_request({"message_id": "m1"}), store, outbox)
    again = await _accept(_request({"message_id": "m1"}), store, outbox)
    assert again.duplicates == 1
    assert len(store.interactions) == 1
    first, second = outbox.published
    assert first["event_id"] == second["event_id"]


async def test_kafka_down_still_accepts_and_leaves_the_event_pending() -> None:
    store, outbox = FakeIngestStore(), FakeOutbox(up=False)
    accepted = await _accept(_request({"message_id": "m2"}), store, outbox)
    assert not accepted.published
    assert len(store.interactions) == 1


async def test_bad_signature_stores_nothing() -> None:
    store, outbox = FakeIngestStore(), FakeOutbox()
    with pytest.raises(Unauthorized):
        await _accept(_request({"message_id": "m3"}, secret="wrong"), store, outbox)
    assert store.interactions == {}
    assert outbox.published == []


async def test_signed_but_unparseable_payload_is_quarantined_raw() -> None:
    store, outbox = FakeIngestStore(), FakeOutbox()
    request = _request({"text": "no message id"})
    with pytest.raises(Quarantined) as caught:
        await _accept(request, store, outbox)
    [entry] = store.quarantine_entries.values()
    assert entry["body"] == request.body
    assert entry["error"] == "message_id: Field required"
    assert caught.value.extra == {"quarantine_id": caught.value.quarantine_id}
    assert store.interactions == {}
