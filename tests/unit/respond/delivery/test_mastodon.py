"""Mastodon status replies and the server's answers."""

import pytest

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.mastodon import CONNECTOR, build, with_mention
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import (
    NOW,
    REPLY_ID,
    TOKEN,
    answer,
    built,
    connection,
    json_body,
    refused,
    reply,
    target,
)

MASTODON = connection("mastodon", api_base_url="https://social.example", access_token_env="T")


def test_reply_to_a_mention_is_a_public_status_in_reply_to_it_mentioning_the_citizen():
    command = reply(
        Channel.MASTODON,
        conversation_id="109",
        in_reply_to="110",
        in_reply_to_kind=Kind.MENTION,
        recipient_handle="alice@other.example",
        language="fr",
    )
    request = built(build(command, target(MASTODON)))
    assert request.url == "https://social.example/api/v1/statuses"
    assert json_body(request) == {
        "status": f"@alice@other.example {command.text}",
        "in_reply_to_id": "110",
        "visibility": "public",
        "language": "fr",
    }
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_retries_cannot_post_twice_the_idempotency_key_is_the_reply_id():
    request = built(build(reply(Channel.MASTODON, in_reply_to="110"), target(MASTODON)))
    assert request.headers["idempotency-key"] == str(REPLY_ID)


def test_reply_of_unknown_kind_is_direct_so_nothing_private_is_made_public():
    command = reply(Channel.MASTODON, in_reply_to="110", in_reply_to_kind=None)
    assert json_body(built(build(command, target(MASTODON))))["visibility"] == "direct"


def test_reply_to_a_direct_message_stays_direct():
    command = reply(Channel.MASTODON, in_reply_to="110", in_reply_to_kind=Kind.DIRECT_MESSAGE)
    assert json_body(built(build(command, target(MASTODON))))["visibility"] == "direct"


@pytest.mark.parametrize(
    ("text", "handle", "expected"),
    [
        ("Merci", "alice", "@alice Merci"),
        ("Merci @Alice !", "alice", "Merci @Alice !"),
        ("Merci", "@alice@other.example", "@alice@other.example Merci"),
        ("Merci", None, "Merci"),
    ],
)
def test_the_citizen_is_mentioned_once(text, handle, expected):
    assert with_mention(text, handle) == expected


def test_the_server_defaults_to_the_polled_one():
    conn = connection("mastodon", poll_url="https://city.social")
    request = built(build(reply(Channel.MASTODON, in_reply_to="1"), target(conn)))
    assert request.url == "https://city.social/api/v1/statuses"


def test_a_connection_without_a_server_is_refused():
    assert "api_base_url" in refused(build(reply(Channel.MASTODON), target(connection("mastodon"))))


def test_status_id_is_the_platform_message_id():
    assert CONNECTOR.read(answer(200, {"id": "1120", "content": "<p>x</p>"}), now=NOW) == Sent(
        "1120"
    )


def test_mastodon_error_is_the_reason():
    verdict = CONNECTOR.read(
        answer(422, {"error": "Validation failed: Text can't be blank"}), now=NOW
    )
    assert verdict == Failed(
        "HTTP 422 from the platform: Validation failed: Text can't be blank", retry=False
    )
