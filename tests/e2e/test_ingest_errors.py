"""Every bad webhook gets a clear JSON error and stores nothing."""

import base64
import json
import uuid

import httpx
import pytest

from shared.runner.stack import Stack
from tests.conftest import TEST_SECRET, TEST_TOKEN
from tests.support import post_generic_webhook, sign

pytestmark = pytest.mark.e2e

VALID = {"message_id": "err-1", "text": "Bonjour"}


def _post(http: httpx.Client, stack: Stack, body: bytes, **headers: str) -> httpx.Response:
    return http.post(
        f"{stack.url('ingest')}/webhooks/generic/lyon-demo",
        content=body,
        headers={"content-type": "application/json", **headers},
    )


def test_missing_signature_is_401(stack: Stack, http: httpx.Client) -> None:
    response = _post(http, stack, json.dumps(VALID).encode())
    assert response.status_code == 401
    assert response.json()["error"] == "missing_signature"


def test_signature_of_another_body_is_401(stack: Stack, http: httpx.Client) -> None:
    body = json.dumps(VALID).encode()
    response = _post(http, stack, body, **{"x-agora-signature-256": sign(TEST_SECRET, body + b" ")})
    assert (response.status_code, response.json()["error"]) == (401, "invalid_signature")


def test_unknown_connection_is_404(stack: Stack, http: httpx.Client) -> None:
    response = post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, VALID, "nowhere")
    assert (response.status_code, response.json()["error"]) == (404, "unknown_connection")


def test_wrong_content_type_is_415(stack: Stack, http: httpx.Client) -> None:
    body = b"message_id=1"
    response = http.post(
        f"{stack.url('ingest')}/webhooks/generic/lyon-demo",
        content=body,
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "x-agora-signature-256": sign(TEST_SECRET, body),
        },
    )
    assert (response.status_code, response.json()["error"]) == (415, "unsupported_media_type")


def test_body_over_the_limit_is_413(stack: Stack, http: httpx.Client) -> None:
    body = json.dumps({**VALID, "text": "x" * 2_000_000}).encode()
    response = _post(http, stack, body, **{"x-agora-signature-256": sign(TEST_SECRET, body)})
    assert (response.status_code, response.json()["error"]) == (413, "payload_too_large")


def test_signed_but_malformed_payload_names_the_field_and_is_quarantined(
    stack: Stack, http: httpx.Client
) -> None:
    body = json.dumps({"text": f"no id {uuid.uuid4()}"}).encode()
    response = _post(http, stack, body, **{"x-agora-signature-256": sign(TEST_SECRET, body)})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_payload"
    assert response.json()["detail"] == "message_id: Field required"
    quarantine_id = response.json()["quarantine_id"]

    operator = {"Authorization": f"Bearer {TEST_TOKEN}"}
    listed = http.get(f"{stack.url('ingest')}/quarantine", headers=operator).json()["items"]
    assert quarantine_id in [entry["id"] for entry in listed]
    kept = http.get(f"{stack.url('ingest')}/quarantine/{quarantine_id}", headers=operator).json()
    assert base64.b64decode(kept["body_base64"]) == body
    replay = http.post(f"{stack.url('ingest')}/quarantine/{quarantine_id}/replay", headers=operator)
    assert (replay.status_code, replay.json()["error"]) == (422, "invalid_payload")


def test_quarantine_needs_the_operator_token(stack: Stack, http: httpx.Client) -> None:
    response = http.get(f"{stack.url('ingest')}/quarantine")
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized")


def test_connection_without_its_secret_is_503_naming_the_variable(
    stack: Stack, http: httpx.Client
) -> None:
    response = post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, VALID, "lyon-unset")
    assert response.status_code == 503
    assert "AGORA_TEST_UNSET_SECRET" in response.json()["detail"]


def test_flooding_a_connection_is_429_with_retry_after(stack: Stack, http: httpx.Client) -> None:
    statuses = []
    for i in range(5):
        response = post_generic_webhook(
            http, stack.url("ingest"), TEST_SECRET, {"message_id": f"flood-{i}"}, "lyon-limited"
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["error"] == "rate_limited"
    assert 429 in statuses
    assert statuses[0] == 200


def test_unsigned_traffic_cannot_spend_a_connections_rate_limit(
    stack: Stack, http: httpx.Client
) -> None:
    url = f"{stack.url('ingest')}/webhooks/generic/lyon-limited-2"
    body = json.dumps({"message_id": f"genuine-{uuid.uuid4()}"}).encode()
    forged = [
        http.post(
            url,
            content=body,
            headers={
                "content-type": "application/json",
                "x-agora-signature-256": "sha256=" + "0" * 64,
            },
        )
        for _ in range(6)
    ]
    assert {r.status_code for r in forged} == {401}
    genuine = http.post(
        url,
        content=body,
        headers={
            "content-type": "application/json",
            "x-agora-signature-256": sign(TEST_SECRET, body),
        },
    )
    assert genuine.status_code == 200
