"""The reply connectors against the platform simulator, served over real HTTP on loopback."""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from services.respond.delivery import DeliveryOutcome, RetryPolicy, deliver
from shared.config import Connection
from shared.events import Channel, Kind, SendReply
from shared.runner.platform_simulator import SimulatorServer
from shared.runner.processes import free_port, wait_for_port

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.01)
GENERIC_SECRET = "generic-shared-secret"
SECRETS = {
    "AGORA_SIM_PAGE_TOKEN": "page-token",
    "AGORA_SIM_BOT_TOKEN": "777:AAH-bot-token",
    "AGORA_SIM_TWILIO_TOKEN": "twilio-auth-token",
    "AGORA_SIM_MASTODON_TOKEN": "mastodon-token",
    "AGORA_SIM_X_TOKEN": "x-user-token",
    "AGORA_SIM_SENDGRID_KEY": "SG.key",
    "AGORA_SIM_GENERIC_SECRET": GENERIC_SECRET,
    "AGORA_SIM_WRONG_SECRET": "not-the-secret",
}
CONNECTIONS = {
    c["id"]: Connection.model_validate(c)
    for c in [
        {
            "id": "sim-meta",
            "channel": "meta",
            "app_secret_env": "UNUSED",
            "verify_token_env": "UNUSED",
            "access_token_env": "AGORA_SIM_PAGE_TOKEN",
            "account_id": "1111",
            "sender_id": "2222",
            "window_template": "case_update",
        },
        {
            "id": "sim-telegram",
            "channel": "telegram",
            "secret_token_env": "UNUSED",
            "access_token_env": "AGORA_SIM_BOT_TOKEN",
        },
        {
            "id": "sim-twilio",
            "channel": "twilio",
            "auth_token_env": "AGORA_SIM_TWILIO_TOKEN",
            "account_id": "AC0123456789abcdef0123456789abcdef",
            "sender_id": "+33700000000",
        },
        {
            "id": "sim-mastodon",
            "channel": "mastodon",
            "secret_env": "UNUSED",
            "access_token_env": "AGORA_SIM_MASTODON_TOKEN",
        },
        {
            "id": "sim-x",
            "channel": "x",
            "consumer_secret_env": "UNUSED",
            "access_token_env": "AGORA_SIM_X_TOKEN",
        },
        {
            "id": "sim-email",
            "channel": "email",
            "secret_env": "UNUSED",
            "access_token_env": "AGORA_SIM_SENDGRID_KEY",
            "sender_id": "contact@lyon.fr",
        },
        {"id": "sim-generic", "channel": "generic", "secret_env": "AGORA_SIM_GENERIC_SECRET"},
        {"id": "sim-forged", "channel": "generic", "secret_env": "AGORA_SIM_WRONG_SECRET"},
    ]
}


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    secrets = {"sim-generic": GENERIC_SECRET, "sim-forged": GENERIC_SECRET}
    with SimulatorServer(generic_secrets=secrets) as running:
        yield running


@pytest.fixture
def simulator(server: SimulatorServer, monkeypatch: pytest.MonkeyPatch) -> SimulatorServer:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    server.state.clear()
    server.state.clear_failures()
    return server


def reply(channel: Channel, **fields: Any) -> SendReply:
    values: dict[str, Any] = {
        "event_id": uuid4(),
        "occurred_at": NOW,
        "agency_id": "lyon",
        "reply_id": uuid4(),
        "case_id": UUID("00000000-0000-4000-8000-0000000000c1"),
        "channel": channel,
        "connection_id": "sim",
        "conversation_id": "conversation-1",
        "in_reply_to": None,
        "text": "Bonjour, l'équipe voirie passe demain.",
    }
    return SendReply.model_validate(values | fields)


async def send(
    simulator: SimulatorServer,
    command: SendReply,
    connection_id: str,
    policy: RetryPolicy = FAST,
) -> DeliveryOutcome:
    async with httpx.AsyncClient(timeout=10) as client:
        return await deliver(
            command,
            CONNECTIONS[connection_id],
            client=client,
            now=NOW,
            policy=policy,
            base_url=simulator.url,
        )


RECENT = NOW - timedelta(hours=1)
LATE = NOW - timedelta(hours=30)
CASES = [
    # (name, connection, command, path the platform is called on, message id prefix)
    (
        "facebook comment",
        "sim-meta",
        reply(Channel.FACEBOOK, conversation_id="1111_90", in_reply_to="90_91"),
        "/v21.0/90_91/comments",
        "90_",
    ),
    (
        "messenger",
        "sim-meta",
        reply(Channel.MESSENGER, conversation_id="psid-1", last_inbound_at=RECENT),
        "/v21.0/1111/messages",
        "m_",
    ),
    (
        "messenger after a day",
        "sim-meta",
        reply(Channel.MESSENGER, conversation_id="psid-1", last_inbound_at=LATE),
        "/v21.0/1111/messages",
        "m_",
    ),
    (
        "instagram comment",
        "sim-meta",
        reply(Channel.INSTAGRAM, in_reply_to="1790", in_reply_to_kind=Kind.COMMENT),
        "/v21.0/1790/replies",
        "1790_",
    ),
    (
        "instagram mention",
        "sim-meta",
        reply(
            Channel.INSTAGRAM,
            conversation_id="media-5",
            in_reply_to="1795",
            in_reply_to_kind=Kind.MENTION,
        ),
        "/v21.0/1111/mentions",
        "1111_",
    ),
    (
        "instagram direct message",
        "sim-meta",
        reply(Channel.INSTAGRAM, conversation_id="igsid-1", in_reply_to_kind=Kind.DIRECT_MESSAGE),
        "/v21.0/1111/messages",
        "m_",
    ),
    (
        "whatsapp",
        "sim-meta",
        reply(
            Channel.WHATSAPP,
            conversation_id="33611",
            in_reply_to="wamid.IN",
            last_inbound_at=RECENT,
        ),
        "/v21.0/2222/messages",
        "wamid.",
    ),
    (
        "whatsapp template",
        "sim-meta",
        reply(Channel.WHATSAPP, conversation_id="33611", last_inbound_at=LATE, language="fr"),
        "/v21.0/2222/messages",
        "wamid.",
    ),
    (
        "telegram",
        "sim-telegram",
        reply(Channel.TELEGRAM, conversation_id="-1005", in_reply_to="-1005:42"),
        "/bot777:AAH-bot-token/sendMessage",
        "-1005:",
    ),
    (
        "sms",
        "sim-twilio",
        reply(Channel.SMS, conversation_id="+33611111111", in_reply_to_kind=Kind.SMS),
        "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
        "SM",
    ),
    (
        "whatsapp via twilio",
        "sim-twilio",
        reply(Channel.WHATSAPP, conversation_id="+33611111111", last_inbound_at=RECENT),
        "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
        "SM",
    ),
    (
        "mastodon",
        "sim-mastodon",
        reply(Channel.MASTODON, in_reply_to="110", recipient_handle="alice@other.example"),
        "/api/v1/statuses",
        "",
    ),
    (
        "x post",
        "sim-x",
        reply(Channel.X, in_reply_to="1800", in_reply_to_kind=Kind.MENTION),
        "/2/tweets",
        "",
    ),
    (
        "x direct message",
        "sim-x",
        reply(Channel.X, conversation_id="2244", in_reply_to_kind=Kind.DIRECT_MESSAGE),
        "/2/dm_conversations/with/2244/messages",
        "",
    ),
    (
        "email",
        "sim-email",
        reply(Channel.EMAIL, in_reply_to="m1@mail.example", recipient_id="alice@example.org"),
        "/v3/mail/send",
        "",
    ),
    (
        "generic",
        "sim-generic",
        reply(Channel.GENERIC),
        "/generic/sim-generic",
        "generic-",
    ),
]


@pytest.mark.parametrize(
    ("connection_id", "command", "path", "id_prefix"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_each_connector_is_accepted_by_the_platform_it_calls(
    simulator, connection_id, command, path, id_prefix
):
    outcome = await send(simulator, command, connection_id)
    assert outcome.status == "sent", outcome.reason
    assert outcome.attempts == 1
    assert outcome.platform_message_id
    assert outcome.platform_message_id.startswith(id_prefix)
    [call] = simulator.state.requests()
    assert (call["method"], call["path"]) == ("POST", path)
    assert 200 <= call["status"] < 300


async def test_graph_calls_carry_the_page_token(simulator):
    await send(simulator, reply(Channel.FACEBOOK, in_reply_to="90_91"), "sim-meta")
    [call] = simulator.state.requests()
    assert call["headers"]["authorization"] == "Bearer page-token"
    assert call["body"] == {"message": "Bonjour, l'équipe voirie passe demain."}


async def test_whatsapp_outside_the_window_sends_the_template_the_platform_accepts(simulator):
    command = reply(Channel.WHATSAPP, conversation_id="33611", last_inbound_at=LATE, language="fr")
    await send(simulator, command, "sim-meta")
    [call] = simulator.state.requests()
    assert call["body"]["template"] == {"name": "case_update", "language": {"code": "fr"}}


async def test_twilio_is_called_with_basic_auth_and_a_form(simulator):
    command = reply(Channel.WHATSAPP, conversation_id="+33611111111", last_inbound_at=RECENT)
    await send(simulator, command, "sim-twilio")
    [call] = simulator.state.requests()
    expected = httpx.BasicAuth("AC0123456789abcdef0123456789abcdef", "twilio-auth-token")
    assert call["headers"]["authorization"] == expected._auth_header
    assert call["body"]["To"] == "whatsapp:+33611111111"
    assert call["body"]["From"] == "whatsapp:+33700000000"


async def test_server_errors_are_retried_until_the_platform_accepts(simulator):
    simulator.state.fail("/sendMessage", 503, count=2)
    command = reply(Channel.TELEGRAM, conversation_id="-1005")
    outcome = await send(simulator, command, "sim-telegram")
    assert (outcome.status, outcome.attempts) == ("sent", 3)
    assert [c["status"] for c in simulator.state.requests()] == [503, 503, 200]


async def test_retries_stop_at_the_policy_limit_with_the_last_reason(simulator):
    simulator.state.fail("/2/tweets", 500, count=5, body={"title": "Internal Error"})
    outcome = await send(simulator, reply(Channel.X, in_reply_to="1"), "sim-x")
    assert outcome == DeliveryOutcome(
        "failed", None, "HTTP 500 from the platform: Internal Error", attempts=3
    )
    assert len(simulator.state.requests()) == 3


async def test_a_client_error_fails_at_once_with_the_platform_message(simulator):
    error = {"code": 21211, "message": "The 'To' number is not a valid phone number."}
    simulator.state.fail("/Messages.json", 400, body=error)
    outcome = await send(simulator, reply(Channel.SMS, conversation_id="+1"), "sim-twilio")
    assert outcome == DeliveryOutcome(
        "failed",
        None,
        "HTTP 400 from the platform: The 'To' number is not a valid phone number.",
        attempts=1,
    )


async def test_a_field_the_platform_requires_missing_is_reported_in_its_words(simulator):
    outcome = await send(
        simulator, reply(Channel.FACEBOOK, in_reply_to="90_91", text=""), "sim-meta"
    )
    assert outcome == DeliveryOutcome(
        "failed",
        None,
        "HTTP 400 from the platform: (#100) The parameter message is required (code 100)",
        attempts=1,
    )


async def test_mastodon_retries_with_the_same_key_do_not_post_twice(simulator):
    command = reply(Channel.MASTODON, in_reply_to="110")
    first = await send(simulator, command, "sim-mastodon")
    again = await send(simulator, command, "sim-mastodon")
    assert first.platform_message_id == again.platform_message_id
    keys = {c["headers"]["idempotency-key"] for c in simulator.state.requests()}
    assert keys == {str(command.reply_id)}


async def test_generic_replies_carry_a_signature_the_receiver_verifies(simulator):
    assert (await send(simulator, reply(Channel.GENERIC), "sim-generic")).status == "sent"
    forged = await send(simulator, reply(Channel.GENERIC), "sim-forged")
    assert (forged.status, forged.attempts) == ("failed", 1)
    assert "X-Agora-Signature is missing or does not match the body" in (forged.reason or "")


async def test_an_invalid_bot_token_is_refused_as_telegram_does(simulator, monkeypatch):
    monkeypatch.setenv("AGORA_SIM_BOT_TOKEN", "not-a-bot-token")
    outcome = await send(simulator, reply(Channel.TELEGRAM, conversation_id="1"), "sim-telegram")
    assert outcome == DeliveryOutcome(
        "failed", None, "HTTP 401 from the platform: Unauthorized", attempts=1
    )


async def test_a_platform_that_does_not_answer_fails_after_the_retries(monkeypatch):
    monkeypatch.setenv("AGORA_SIM_X_TOKEN", "x-user-token")
    with SimulatorServer() as stopped:
        url = stopped.url
    command = reply(Channel.X, in_reply_to="1")
    async with httpx.AsyncClient(timeout=5) as client:
        outcome = await deliver(
            command, CONNECTIONS["sim-x"], client=client, now=NOW, policy=FAST, base_url=url
        )
    assert outcome == DeliveryOutcome(
        "failed", None, "could not reach the platform (ConnectError)", attempts=3
    )


UNAUTHENTICATED = [
    ("/v21.0/1/comments", {"message": "x"}, 401, "error"),
    ("/bot-missing/sendMessage", {"chat_id": 1, "text": "x"}, 401, "description"),
    ("/2010-04-01/Accounts/AC1/Messages.json", {"To": "+1"}, 401, "message"),
    ("/api/v1/statuses", {"status": "x"}, 401, "error"),
    ("/2/tweets", {"text": "x"}, 401, "title"),
    ("/2/dm_conversations/with/1/messages", {"text": "x"}, 401, "detail"),
    ("/v3/mail/send", {}, 401, "errors"),
    ("/generic/sim-generic", {"text": "x"}, 401, "error"),
]


@pytest.mark.parametrize(("path", "body", "status", "error_key"), UNAUTHENTICATED)
def test_each_platform_refuses_a_call_without_its_credentials(
    simulator, path, body, status, error_key
):
    response = httpx.post(f"{simulator.url}{path}", json=body)
    assert response.status_code == status
    assert error_key in response.json()


def test_recorded_calls_are_listed_filtered_and_cleared_over_http(simulator):
    httpx.post(f"{simulator.url}/2/tweets", json={"text": "x"})
    httpx.post(f"{simulator.url}/api/v1/statuses", json={"status": "x"})
    listed = httpx.get(f"{simulator.url}/_simulator/requests", params={"path_contains": "tweets"})
    assert [c["path"] for c in listed.json()] == ["/2/tweets"]
    assert httpx.delete(f"{simulator.url}/_simulator/requests").status_code == 204
    assert httpx.get(f"{simulator.url}/_simulator/requests").json() == []


def test_failures_are_queued_over_http_and_served_once_each(simulator):
    spec = {"path_contains": "/2/tweets", "status": 429, "count": 1, "body": {"title": "Slow"}}
    assert httpx.post(f"{simulator.url}/_simulator/failures", json=spec).status_code == 201
    auth = {"authorization": "Bearer t"}
    first = httpx.post(f"{simulator.url}/2/tweets", json={"text": "x"}, headers=auth)
    second = httpx.post(f"{simulator.url}/2/tweets", json={"text": "x"}, headers=auth)
    assert (first.status_code, first.json()) == (429, {"title": "Slow"})
    assert second.status_code == 201


def test_a_failure_without_a_status_is_rejected(simulator):
    response = httpx.post(f"{simulator.url}/_simulator/failures", json={"path_contains": "x"})
    assert response.status_code == 422


def test_the_simulator_runs_as_a_module_on_the_port_given(tmp_path):
    port = free_port()
    log = (tmp_path / "simulator.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "shared.runner.platform_simulator", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, timeout_s=30)
        response = httpx.post(
            f"http://127.0.0.1:{port}/v3/mail/send",
            json={
                "personalizations": [{"to": [{"email": "a@example.org"}]}],
                "from": {"email": "b@example.org"},
                "content": [{"type": "text/plain", "value": "x"}],
            },
            headers={"authorization": "Bearer SG.key"},
        )
        assert response.status_code == 202
        assert response.headers["x-message-id"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
