"""Webhook in → classified → case routed → reply → first-response time measured, for real."""

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from shared.runner.stack import Stack
from shared.topics import Topic
from tests.conftest import TEST_SECRET
from tests.integration.kafka import records_containing
from tests.support import eventually, post_generic_webhook

pytestmark = pytest.mark.e2e


def _message(conversation: str, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "message_id": f"msg-{uuid.uuid4()}",
        "conversation_id": conversation,
        "text": text,
        "author": {"id": "citizen-1", "handle": "@citizen", "name": "A. Citizen"},
        **extra,
    }


def _send(http: httpx.Client, stack: Stack, conversation: str, text: str) -> httpx.Response:
    return post_generic_webhook(
        http, stack.url("ingest"), TEST_SECRET, _message(conversation, text)
    )


def _cases(http: httpx.Client, stack: Stack, auth: dict[str, str], conversation: str) -> list[Any]:
    response = http.get(
        f"{stack.url('respond')}/cases", params={"conversation_id": conversation}, headers=auth
    )
    response.raise_for_status()
    items: list[Any] = response.json()["items"]
    return items


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_webhook_becomes_a_routed_case_whose_reply_is_measured(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    accepted = _send(
        http, stack, conversation, "Énorme nid de poule devant le 12 rue Garibaldi, dangereux !"
    )
    assert accepted.status_code == 200, accepted.text

    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    assert case["team"] == "voirie"
    assert case["routing"]["rule_name"] == "roads and lighting"
    assert "roads" in case["routing"]["reason"]
    assert case["classification"]["topic"] == "roads"

    before = _metric(
        http.get(f"{stack.url('metrics')}/metrics").text,
        "agora_metrics_first_response_seconds_count",
        team="voirie",
    )
    reply = http.post(
        f"{stack.url('respond')}/cases/{case['id']}/replies",
        json={"text": "Merci, une équipe passe demain.", "version": case["version"]},
        headers=auth,
    )
    assert reply.status_code == 201, reply.text

    def first_response_counted() -> bool:
        text = http.get(f"{stack.url('metrics')}/metrics").text
        return _metric(text, "agora_metrics_first_response_seconds_count", team="voirie") > before

    eventually(first_response_counted)
    with MongoClient(stack.mongo_uri, tz_aware=True) as mongo:
        timeline = eventually(
            lambda: mongo["agora_metrics"]["timelines"].find_one(
                {"_id": case["id"], "first_response_at": {"$ne": None}}
            )
        )
    assert timeline["time_to_first_response_s"] >= 0


def test_duplicate_webhook_yields_one_case_with_one_message(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    message = _message(conversation, "Les poubelles ne sont pas ramassées depuis une semaine")
    for _ in range(3):
        assert (
            post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, message).status_code == 200
        )

    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    detail = http.get(f"{stack.url('respond')}/cases/{case['id']}", headers=auth).json()
    inbound = [e for e in detail["thread"] if e["direction"] == "inbound"]
    assert len(inbound) == 1
    assert len(_cases(http, stack, auth, conversation)) == 1


def test_follow_up_in_the_same_conversation_joins_the_case(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    _send(http, stack, conversation, "The street light on Elm street is broken")
    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    _send(http, stack, conversation, "Still broken tonight")
    eventually(lambda: _cases(http, stack, auth, conversation)[0]["message_count"] == 2)
    assert [c["id"] for c in _cases(http, stack, auth, conversation)] == [case["id"]]


def test_emergency_is_routed_to_the_emergency_team_with_urgent_priority(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    _send(http, stack, conversation, "Forte odeur de gaz dans l'immeuble, fuite de gaz ?")
    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    assert (case["team"], case["priority"]) == ("urgences", "urgent")
    assert case["routing"]["rule_name"] == "emergencies"


def test_stale_version_reply_is_refused_with_the_current_case(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    _send(http, stack, conversation, "Bus 31 toujours en retard")
    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    url = f"{stack.url('respond')}/cases/{case['id']}/replies"
    first = http.post(url, json={"text": "On regarde.", "version": case["version"]}, headers=auth)
    assert first.status_code == 201
    second = http.post(url, json={"text": "Moi aussi.", "version": case["version"]}, headers=auth)
    assert second.status_code == 409
    assert second.json()["error"] == "stale_version"
    assert second.json()["case"]["version"] == case["version"] + 1


def test_responder_api_requires_a_valid_bearer_token(stack: Stack, http: httpx.Client) -> None:
    missing = http.get(f"{stack.url('respond')}/cases")
    wrong = http.get(f"{stack.url('respond')}/cases", headers={"Authorization": "Bearer nope"})
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing.json()["error"] == "unauthorized"


def test_every_service_reports_ready_and_exposes_metrics(stack: Stack, http: httpx.Client) -> None:
    for service in ("ingest", "classify", "respond", "metrics"):
        ready = http.get(f"{stack.url(service)}/readyz")
        assert ready.status_code == 200, (service, ready.text)
        assert ready.json()["checks"] == {"mongo": "ok", "kafka": "ok"}
        assert http.get(f"{stack.url(service)}/healthz").json()["status"] == "ok"
        assert "# TYPE" in http.get(f"{stack.url(service)}/metrics").text


def test_an_edited_message_shows_its_new_text_in_the_case(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    message = _message(conversation, "Lampadaire en panne rue Victor Hugo")
    post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, message)
    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    edit = {
        **message,
        "text": "Lampadaire en panne au 14 rue Victor Hugo",
        "edited_at": "2026-11-26T10:00:00Z",
    }
    for _ in range(2):  # a platform retry of the edit changes nothing more
        assert (
            post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, edit).json()["edits"] == 1
        )

    def edited_thread() -> list[Any] | None:
        detail = http.get(f"{stack.url('respond')}/cases/{case['id']}", headers=auth).json()
        inbound = [e for e in detail["thread"] if e["direction"] == "inbound"]
        return inbound if inbound[0]["text"].startswith("Lampadaire en panne au 14") else None

    [entry] = eventually(edited_thread)
    assert entry["edited_at"] is not None


def test_concurrent_retries_of_one_message_yield_one_interaction(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    message = _message(conversation, "Dépôt sauvage de déchets rue Juliette Récamier")

    def deliver(_: int) -> int:
        with httpx.Client(timeout=10) as client:
            return post_generic_webhook(
                client, stack.url("ingest"), TEST_SECRET, message
            ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(deliver, range(8))) == [200] * 8

    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    detail = http.get(f"{stack.url('respond')}/cases/{case['id']}", headers=auth).json()
    assert [e["direction"] for e in detail["thread"]] == ["inbound"]
    assert len(_cases(http, stack, auth, conversation)) == 1


def test_classify_publishes_the_redacted_text_and_says_why(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    conversation = f"conv-{uuid.uuid4()}"
    _send(
        http, stack, conversation, "Fuite de gaz au 12 rue Mercière, rappelez-moi au 06 12 34 56 78"
    )
    case = eventually(lambda: _cases(http, stack, auth, conversation))[0]
    assert case["classification"]["urgency"] == "critical"

    [record] = asyncio.run(
        records_containing(stack.bootstrap, Topic.INTERACTIONS_CLASSIFIED, conversation)
    )
    classification = json.loads(record.value)["classification"]
    assert "[phone]" in classification["redacted_text"]
    assert "06 12 34 56 78" not in classification["redacted_text"]
    assert classification["urgency"]["by"].startswith("emergency_lexicon:")
    assert classification["topic"]["by"]
