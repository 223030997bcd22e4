"""deliver(): which connector, which secret, and retries, over httpx's mock transport."""

import json
from collections.abc import Callable

import httpx
import pytest

from services.respond.delivery import DeliveryOutcome, RetryPolicy, deliver
from shared.config import Connection
from shared.events import Channel, SendReply
from tests.unit.respond.delivery.replies import NOW, connection, hours_ago, reply

FAST = RetryPolicy(attempts=3, backoff_s=0.001, max_backoff_s=0.001)
BOT_TOKEN = "777:AAH-secret"
TELEGRAM = connection("telegram", access_token_env="AGORA_UNIT_BOT_TOKEN")
COMMAND = reply(Channel.TELEGRAM, conversation_id="42", in_reply_to="42:1")
OK = {"ok": True, "result": {"message_id": 9, "chat": {"id": 42}}}


@pytest.fixture(autouse=True)
def bot_token(monkeypatch):
    monkeypatch.setenv("AGORA_UNIT_BOT_TOKEN", BOT_TOKEN)


class Platform:
    """Answers each call with the next of ``answers``, recording the requests."""

    def __init__(self, *answers: httpx.Response | Callable[[httpx.Request], httpx.Response]):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return answer(request) if callable(answer) else answer


async def send(
    platform: Platform,
    command: SendReply = COMMAND,
    conn: Connection = TELEGRAM,
    policy: RetryPolicy = FAST,
    base_url: str | None = None,
) -> DeliveryOutcome:
    async with httpx.AsyncClient(transport=httpx.MockTransport(platform)) as client:
        return await deliver(
            command, conn, client=client, now=NOW, policy=policy, base_url=base_url
        )


async def test_a_reply_accepted_at_once_is_sent_in_one_attempt():
    platform = Platform(httpx.Response(200, json=OK))
    assert await send(platform) == DeliveryOutcome("sent", "42:9", None, 1)
    assert platform.requests[0].url == f"https://api.telegram.org/bot{BOT_TOKEN}/sendMessage"
    assert json.loads(platform.requests[0].content)["chat_id"] == "42"


async def test_server_errors_are_retried_until_the_platform_accepts():
    platform = Platform(httpx.Response(502), httpx.Response(503), httpx.Response(200, json=OK))
    outcome = await send(platform)
    assert (outcome.status, outcome.attempts) == ("sent", 3)
    assert len({r.content for r in platform.requests}) == 1  # the same request each time


async def test_a_client_error_fails_at_once_with_the_platform_message():
    platform = Platform(
        httpx.Response(400, json={"ok": False, "description": "Bad Request: chat not found"})
    )
    assert await send(platform) == DeliveryOutcome(
        "failed", None, "HTTP 400 from the platform: Bad Request: chat not found", 1
    )


async def test_retries_stop_after_the_policy_attempts_with_the_last_reason():
    platform = Platform(
        httpx.Response(500, json={"description": "first"}),
        httpx.Response(500, json={"description": "second"}),
        httpx.Response(429, json={"description": "Too Many Requests: retry after 0"}),
    )
    outcome = await send(platform)
    assert outcome == DeliveryOutcome(
        "failed", None, "HTTP 429 from the platform: Too Many Requests: retry after 0", 3
    )


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


async def test_a_platform_that_cannot_be_reached_is_retried_and_the_token_never_shows():
    platform = Platform(unreachable, unreachable, unreachable)
    outcome = await send(platform)
    assert (outcome.status, outcome.attempts) == ("failed", 3)
    assert outcome.reason == "could not reach the platform (ConnectError)"
    assert BOT_TOKEN not in (outcome.reason or "")


async def test_a_missing_secret_fails_without_a_call_and_names_the_variable():
    platform = Platform()
    conn = connection("telegram", access_token_env="AGORA_UNIT_UNSET_TOKEN")
    outcome = await send(platform, conn=conn)
    assert outcome == DeliveryOutcome(
        "failed", None, "the secret environment variable AGORA_UNIT_UNSET_TOKEN is not set", 0
    )
    assert platform.requests == []


async def test_a_connection_naming_no_token_variable_fails_naming_the_field():
    outcome = await send(Platform(), conn=connection("telegram"))
    assert outcome.status == "failed"
    assert "access_token_env" in (outcome.reason or "")


async def test_open311_has_no_send_api():
    command = reply(Channel.OPEN311)
    outcome = await send(Platform(), command=command, conn=connection("open311"))
    assert (outcome.status, outcome.attempts) == ("failed", 0)
    assert "Open311 has no API to send a reply" in (outcome.reason or "")


async def test_a_channel_the_connection_does_not_serve_is_refused():
    outcome = await send(Platform(), command=reply(Channel.SMS), conn=TELEGRAM)
    assert outcome.reason == "a telegram connection cannot send sms replies"


async def test_a_closed_window_fails_without_calling_the_platform(monkeypatch):
    monkeypatch.setenv("AGORA_UNIT_PAGE_TOKEN", "page-token")
    meta = connection("meta", sender_id="222", access_token_env="AGORA_UNIT_PAGE_TOKEN")
    command = reply(Channel.WHATSAPP, conversation_id="336", last_inbound_at=hours_ago(30))
    platform = Platform()
    outcome = await send(platform, command=command, conn=meta)
    assert outcome == DeliveryOutcome(
        "failed", None, "outside the 24-hour window and no window_template configured", 0
    )
    assert platform.requests == []


async def test_the_base_url_sends_to_the_simulator_instead_of_the_platform():
    platform = Platform(httpx.Response(200, json=OK))
    await send(platform, base_url="http://127.0.0.1:9")
    assert str(platform.requests[0].url) == f"http://127.0.0.1:9/bot{BOT_TOKEN}/sendMessage"


async def test_twilio_credentials_travel_as_http_basic_auth(monkeypatch):
    monkeypatch.setenv("AGORA_UNIT_TWILIO", "auth-token")
    twilio = connection(
        "twilio", account_id="AC1", sender_id="+337", auth_token_env="AGORA_UNIT_TWILIO"
    )
    platform = Platform(httpx.Response(201, json={"sid": "SM1"}))
    outcome = await send(platform, command=reply(Channel.SMS, conversation_id="+336"), conn=twilio)
    assert outcome.platform_message_id == "SM1"
    assert (
        platform.requests[0].headers["authorization"]
        == httpx.BasicAuth("AC1", "auth-token")._auth_header
    )
