import json
from datetime import UTC, datetime

import pytest

from services.ingest.channels.base import ConnectionContext, WebhookRequest
from services.ingest.channels.generic import GenericAdapter
from shared.errors import InvalidInput, Unauthorized
from shared.ids import interaction_id
from tests.support import sign

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
CTX = ConnectionContext(
    agency_id="lyon", connection_id="lyon-demo", secrets={"secret_env": "k"}, received_at=NOW
)
ADAPTER = GenericAdapter()


def _request(payload: object, signature: str | None = None) -> WebhookRequest:
    body = json.dumps(payload).encode()
    headers = {"x-agora-signature-256": signature or sign("k", body)}
    return WebhookRequest(
        "POST", "http://x/webhooks/generic/lyon-demo", headers, {}, body, "application/json"
    )


def test_valid_signature_is_accepted() -> None:
    ADAPTER.verify(_request({"message_id": "1"}), CTX)


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("sha256=" + "0" * 64, "invalid_signature"),
        ("", "missing_signature"),
        ("sha1=abc", "invalid_signature"),
    ],
)
def test_bad_signature_is_refused(signature: str, code: str) -> None:
    request = _request({"message_id": "1"})
    request = WebhookRequest(
        request.method,
        request.url,
        {"x-agora-signature-256": signature} if signature else {},
        request.query,
        request.body,
        request.content_type,
    )
    with pytest.raises(Unauthorized) as caught:
        ADAPTER.verify(request, CTX)
    assert caught.value.code == code


def test_one_message_becomes_one_canonical_interaction() -> None:
    payload = {
        "message_id": "m-42",
        "conversation_id": "thread-7",
        "kind": "direct_message",
        "text": "Bonjour",
        "author": {"id": "u1", "handle": "@u", "name": "U"},
        "created_at": "2026-11-26T09:00:00+00:00",
        "language": "fr",
        "attachments": [{"url": "https://cdn.example/p.jpg", "media_type": "image/jpeg"}],
    }
    [interaction] = ADAPTER.parse(_request(payload), CTX).interactions
    assert interaction.interaction_id == interaction_id("lyon", "generic", "m-42")
    assert (interaction.channel, interaction.kind) == ("generic", "direct_message")
    assert (interaction.message_id, interaction.conversation_id) == ("m-42", "thread-7")
    assert interaction.author is not None
    assert interaction.author.display_name == "U"
    assert interaction.created_at == datetime(2026, 11, 26, 9, tzinfo=UTC)
    assert interaction.received_at == NOW
    assert interaction.attachments[0].media_type == "image/jpeg"
    assert interaction.language_hint == "fr"


def test_conversation_defaults_to_the_message_and_time_to_reception() -> None:
    [interaction] = ADAPTER.parse(_request({"message_id": "solo"}), CTX).interactions
    assert interaction.conversation_id == "solo"
    assert interaction.created_at == NOW


def test_a_batch_yields_one_interaction_per_message() -> None:
    result = ADAPTER.parse(_request({"messages": [{"message_id": "a"}, {"message_id": "b"}]}), CTX)
    assert [i.message_id for i in result.interactions] == ["a", "b"]


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"text": "no id"}, "message_id: Field required"),
        ({"message_id": "1", "created_at": "2026-01-01T00:00:00"}, "created_at:"),
        ({"messages": []}, "messages:"),
        ({"message_id": "1", "kind": "shout"}, "kind:"),
    ],
)
def test_malformed_payload_names_the_field(payload: object, detail: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ADAPTER.parse(_request(payload), CTX)
    assert caught.value.detail.startswith(detail)


def test_non_json_body_is_invalid_input() -> None:
    request = WebhookRequest("POST", "u", {}, {}, b"not json", "application/json")
    with pytest.raises(InvalidInput):
        ADAPTER.parse(request, CTX)


def test_a_message_with_edited_at_is_an_edit_of_the_same_interaction() -> None:
    payload = {"message_id": "m-9", "text": "corrected", "edited_at": "2026-11-26T09:10:00Z"}
    result = ADAPTER.parse(_request(payload), CTX)
    assert result.interactions == []
    [edit] = result.edits
    assert edit.interaction.interaction_id == interaction_id("lyon", "generic", "m-9")
    assert edit.interaction.text == "corrected"
    assert edit.edited_at == datetime(2026, 11, 26, 9, 10, tzinfo=UTC)


def test_a_deleted_message_is_a_deletion_not_an_interaction() -> None:
    result = ADAPTER.parse(_request({"message_id": "m-9", "deleted": True}), CTX)
    assert (result.interactions, result.edits) == ([], [])
    assert [d.message_id for d in result.deletions] == ["m-9"]


def test_a_batch_is_recognised_whatever_the_key_order_and_spacing() -> None:
    body = b'{ "source": "app",  "messages": [{"message_id": "x"}, {"message_id": "y"}] }'
    request = WebhookRequest("POST", "u", {}, {}, body, "application/json")
    assert [i.message_id for i in ADAPTER.parse(request, CTX).interactions] == ["x", "y"]
