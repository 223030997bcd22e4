"""Telegram sendMessage requests and the Bot API's answers."""

import pytest

from services.respond.delivery.base import Failed, Sent
from services.respond.delivery.telegram import CONNECTOR, build, replied_message_id
from shared.events import Channel
from tests.unit.respond.delivery.replies import (
    NOW,
    answer,
    built,
    connection,
    json_body,
    reply,
    target,
)

BOT = connection("telegram", access_token_env="LYON_BOT_TOKEN", account_id="777")
BOT_TOKEN = "777:AAH-secret"


def test_reply_is_sent_to_the_chat_with_the_token_in_the_path():
    command = reply(Channel.TELEGRAM, conversation_id="-1001234", in_reply_to="-1001234:55")
    request = built(build(command, target(BOT, access_token_env=BOT_TOKEN)))
    assert request.url == f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"
    assert json_body(request) == {
        "chat_id": "-1001234",
        "text": command.text,
        "reply_parameters": {"message_id": 55, "allow_sending_without_reply": True},
    }
    assert "authorization" not in request.headers


@pytest.mark.parametrize(
    ("conversation", "in_reply_to", "expected"),
    [
        ("42", "42:7", 7),
        ("-100500", "-100500:8", 8),
        ("42", "43:7", None),  # another chat's message
        ("42", "callback:abc", None),  # a button press names no message
        ("42", None, None),
        ("42", "42:", None),
    ],
)
def test_the_message_answered_is_the_part_after_the_chat(conversation, in_reply_to, expected):
    command = reply(Channel.TELEGRAM, conversation_id=conversation, in_reply_to=in_reply_to)
    assert replied_message_id(command) == expected


def test_reply_to_a_button_press_is_a_plain_message():
    command = reply(Channel.TELEGRAM, conversation_id="42", in_reply_to="callback:abc")
    assert "reply_parameters" not in json_body(built(build(command, target(BOT))))


def test_sent_message_id_is_written_like_agoras_telegram_ids():
    document = {"ok": True, "result": {"message_id": 77, "chat": {"id": -1001234}, "text": "x"}}
    assert CONNECTOR.read(answer(200, document), now=NOW) == Sent("-1001234:77")


def test_bot_api_error_description_is_the_reason():
    document = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    verdict = CONNECTOR.read(answer(400, document), now=NOW)
    assert verdict == Failed("HTTP 400 from the platform: Bad Request: chat not found", retry=False)


def test_flood_control_is_retried_after_the_delay_telegram_asks_for():
    document = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    verdict = CONNECTOR.read(answer(429, document), now=NOW)
    assert isinstance(verdict, Failed)
    assert (verdict.retry, verdict.retry_after_s) == (True, 7.0)
