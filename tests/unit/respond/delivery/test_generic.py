"""Generic connections: the reply as signed JSON to the connection's endpoint."""

import hashlib
import hmac
import json

from services.respond.delivery.base import Sent
from services.respond.delivery.generic import CONNECTOR, build
from shared.events import Channel
from tests.unit.respond.delivery.replies import (
    CASE_ID,
    NOW,
    REPLY_ID,
    answer,
    built,
    connection,
    refused,
    reply,
    target,
)

GENERIC = connection("generic", api_base_url="https://crm.lyon.fr/agora/replies")


def generic_target(conn=GENERIC, override=None):
    return target(conn, override=override, secret_env="shared-secret")


def test_reply_is_posted_as_json_to_the_connection_endpoint():
    command = reply(Channel.GENERIC, in_reply_to="msg-1", recipient_id="citizen-9")
    request = built(build(command, generic_target()))
    assert request.url == "https://crm.lyon.fr/agora/replies"
    assert json.loads(request.body) == {
        "reply_id": str(REPLY_ID),
        "case_id": str(CASE_ID),
        "agency_id": "lyon",
        "connection_id": "lyon-test",
        "channel": "generic",
        "conversation_id": "conversation-1",
        "in_reply_to": "msg-1",
        "recipient_id": "citizen-9",
        "recipient_handle": None,
        "language": None,
        "text": command.text,
    }
    assert request.headers["idempotency-key"] == str(REPLY_ID)


def test_signature_is_the_hmac_sha256_of_the_exact_body():
    request = built(build(reply(Channel.GENERIC), generic_target()))
    expected = hmac.new(b"shared-secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-agora-signature"] == f"sha256={expected}"


def test_override_sends_to_the_simulator_path_of_the_connection():
    request = built(build(reply(Channel.GENERIC), generic_target(override="http://127.0.0.1:9/")))
    assert request.url == "http://127.0.0.1:9/generic/lyon-test"


def test_a_connection_without_endpoint_is_refused():
    assert "api_base_url" in refused(
        build(reply(Channel.GENERIC), generic_target(connection("generic")))
    )


def test_an_id_in_the_answer_is_kept_and_an_empty_answer_is_still_sent():
    assert CONNECTOR.read(answer(200, {"id": "crm-5"}), now=NOW) == Sent("crm-5")
    assert CONNECTOR.read(answer(204), now=NOW) == Sent(None)
