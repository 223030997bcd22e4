"""Platform deliveries through the running ingest: each platform's handshake, signature and
answer, as the platform sends and expects them."""

import base64
import hashlib
import hmac
import json
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.runner.stack import Stack
from tests.conftest import PLATFORM_SECRETS, TEST_TOKEN
from tests.support import eventually

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"
AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


def _cases_of(http: httpx.Client, stack: Stack, conversation: str) -> list[Any]:
    return http.get(
        f"{stack.url('respond')}/cases", params={"conversation_id": conversation}, headers=AUTH
    ).json()["items"]


def test_meta_verification_handshake_echoes_the_challenge(stack: Stack, http: httpx.Client) -> None:
    url = f"{stack.url('ingest')}/webhooks/meta/lyon-meta"
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": "1158201444",
        "hub.verify_token": PLATFORM_SECRETS["AGORA_TEST_META_VERIFY"],
    }
    answer = http.get(url, params=params)
    assert (answer.status_code, answer.text) == (200, "1158201444")
    wrong = http.get(url, params={**params, "hub.verify_token": "guess"})
    assert wrong.status_code == 403


def test_signed_facebook_comment_becomes_a_case(stack: Stack, http: httpx.Client) -> None:
    payload = json.loads((FIXTURES / "meta" / "page_feed_comment.json").read_text())
    change = payload["entry"][0]["changes"][0]["value"]
    post_id = f"{change['post_id']}-{uuid.uuid4().hex[:6]}"
    change["post_id"], change["comment_id"] = post_id, f"{post_id}_c1"
    change["parent_id"] = post_id
    body = json.dumps(payload).encode()
    signature = hmac.new(
        PLATFORM_SECRETS["AGORA_TEST_META_SECRET"].encode(), body, hashlib.sha256
    ).hexdigest()
    url = f"{stack.url('ingest')}/webhooks/meta/lyon-meta"
    headers = {"content-type": "application/json", "x-hub-signature-256": f"sha256={signature}"}
    assert http.post(url, content=body, headers=headers).status_code == 200
    assert http.post(url, content=body + b" ", headers=headers).status_code == 401

    [case] = eventually(lambda: _cases_of(http, stack, post_id))
    assert case["channel"] == "facebook"


def test_twilio_sms_is_answered_with_empty_twiml(stack: Stack, http: httpx.Client) -> None:
    body = (FIXTURES / "twilio" / "sms.txt").read_text().strip()
    params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    params["MessageSid"] = params["SmsSid"] = params["SmsMessageSid"] = f"SM{uuid.uuid4().hex}"
    params["From"] = f"+3361{uuid.uuid4().int % 10**7:07d}"
    encoded = urllib.parse.urlencode(params)
    public_url = "https://agora.example.org/webhooks/twilio/lyon-sms"
    signed = public_url + "".join(f"{k}{params[k]}" for k in sorted(params))
    signature = base64.b64encode(
        hmac.new(
            PLATFORM_SECRETS["AGORA_TEST_TWILIO_TOKEN"].encode(), signed.encode(), hashlib.sha1
        ).digest()
    ).decode()
    answer = http.post(
        f"{stack.url('ingest')}/webhooks/twilio/lyon-sms",
        content=encoded,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": signature,
        },
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    [case] = eventually(lambda: _cases_of(http, stack, params["From"]))
    assert case["channel"] == "sms"


def test_x_crc_challenge_is_answered_with_the_response_token(
    stack: Stack, http: httpx.Client
) -> None:
    answer = http.get(f"{stack.url('ingest')}/webhooks/x/lyon-x", params={"crc_token": "abc123"})
    digest = hmac.new(
        PLATFORM_SECRETS["AGORA_TEST_X_SECRET"].encode(), b"abc123", hashlib.sha256
    ).digest()
    assert answer.status_code == 200
    assert answer.json() == {"response_token": "sha256=" + base64.b64encode(digest).decode()}


def test_telegram_update_without_the_secret_token_is_refused(
    stack: Stack, http: httpx.Client
) -> None:
    body = (FIXTURES / "telegram" / "private_text.json").read_bytes()
    url = f"{stack.url('ingest')}/webhooks/telegram/lyon-telegram"
    refused = http.post(url, content=body, headers={"content-type": "application/json"})
    accepted = http.post(
        url,
        content=body,
        headers={
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": PLATFORM_SECRETS["AGORA_TEST_TELEGRAM_SECRET"],
        },
    )
    assert refused.status_code == 401
    assert accepted.status_code == 200
