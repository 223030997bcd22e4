"""X posts and direct messages, and the X API's answers."""

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.x import CONNECTOR, build
from shared.events import Channel, Kind
from tests.unit.respond.delivery.replies import (
    NOW,
    TOKEN,
    answer,
    built,
    connection,
    json_body,
    reply,
    target,
)

X = connection("x", account_id="1460000000000000001", access_token_env="T")


def test_reply_to_a_post_is_a_post_in_reply_to_it():
    command = reply(
        Channel.X, conversation_id="1800", in_reply_to="1801", in_reply_to_kind=Kind.MENTION
    )
    request = built(build(command, target(X)))
    assert request.url == "https://api.x.com/2/tweets"
    assert json_body(request) == {"text": command.text, "reply": {"in_reply_to_tweet_id": "1801"}}
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_reply_to_a_direct_message_goes_to_the_conversation_with_the_participant():
    command = reply(
        Channel.X, conversation_id="2244", in_reply_to="dm-1", in_reply_to_kind=Kind.DIRECT_MESSAGE
    )
    request = built(build(command, target(X)))
    assert request.url == "https://api.x.com/2/dm_conversations/with/2244/messages"
    assert json_body(request) == {"text": command.text}


def test_created_post_and_dm_event_ids_are_read():
    assert CONNECTOR.read(answer(201, {"data": {"id": "1802", "text": "x"}}), now=NOW) == Sent(
        "1802"
    )
    dm = {"data": {"dm_conversation_id": "2244-1460", "dm_event_id": "1803"}}
    assert CONNECTOR.read(answer(201, dm), now=NOW) == Sent("1803")


def test_problem_detail_is_the_reason():
    problem = {
        "title": "Forbidden",
        "detail": "You are not allowed to reply to this post.",
        "status": 403,
    }
    verdict = CONNECTOR.read(answer(403, problem), now=NOW)
    assert verdict == Failed(
        "HTTP 403 from the platform: You are not allowed to reply to this post.", retry=False
    )


def test_rate_limit_is_retried_when_the_window_resets():
    verdict = CONNECTOR.read(
        answer(429, {"title": "Too Many Requests"}, headers={"retry-after": "12"}), now=NOW
    )
    assert isinstance(verdict, Failed)
    assert (verdict.retry, verdict.retry_after_s) == (True, 12.0)
