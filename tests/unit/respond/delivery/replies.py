"""Literal replies, connections and platform answers for the delivery connector tests."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID

from services.respond.delivery.base import PlatformRequest, PlatformResponse, Refusal, Target
from shared.config import Connection
from shared.events import Channel, SendReply

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPLY_ID = UUID("00000000-0000-4000-8000-0000000000a1")
CASE_ID = UUID("00000000-0000-4000-8000-0000000000c1")
TOKEN = "platform-token"

# The fields each connection type needs to validate, besides what a test adds.
REQUIRED: dict[str, dict[str, str]] = {
    "meta": {"app_secret_env": "META_APP", "verify_token_env": "META_VERIFY"},
    "telegram": {"secret_token_env": "TG_SECRET"},
    "twilio": {"auth_token_env": "TWILIO_TOKEN"},
    "mastodon": {"secret_env": "MASTODON_SECRET"},
    "x": {"consumer_secret_env": "X_SECRET"},
    "email": {"secret_env": "EMAIL_SECRET"},
    "open311": {"api_keys_env": "OPEN311_KEYS"},
    "generic": {"secret_env": "GENERIC_SECRET"},
}


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def reply(channel: Channel, **fields: Any) -> SendReply:
    values: dict[str, Any] = {
        "event_id": UUID("00000000-0000-4000-8000-0000000000e1"),
        "occurred_at": NOW,
        "agency_id": "lyon",
        "reply_id": REPLY_ID,
        "case_id": CASE_ID,
        "channel": channel,
        "connection_id": "lyon-test",
        "conversation_id": "conversation-1",
        "in_reply_to": None,
        "text": "Bonjour, nous nous en occupons.",
    }
    return SendReply.model_validate(values | fields)


def connection(channel: str, **fields: Any) -> Connection:
    return Connection.model_validate(
        {"id": "lyon-test", "channel": channel} | REQUIRED[channel] | fields
    )


def target(conn: Connection, *, override: str | None = None, **secrets: str) -> Target:
    return Target(
        connection=conn,
        secrets=secrets or {"access_token_env": TOKEN},
        now=NOW,
        base_url_override=override,
    )


def built(request: PlatformRequest | Refusal) -> PlatformRequest:
    assert isinstance(request, PlatformRequest), request
    return request


def refused(request: PlatformRequest | Refusal) -> str:
    assert isinstance(request, Refusal), request
    return request.reason


def json_body(request: PlatformRequest) -> Any:
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.body)


def form_body(request: PlatformRequest) -> dict[str, str]:
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    return dict(parse_qsl(request.body.decode()))


def answer(
    status: int, document: object = None, *, headers: dict[str, str] | None = None
) -> PlatformResponse:
    body = json.dumps(document).encode() if document is not None else b""
    return PlatformResponse(status=status, headers=headers or {}, body=body)
