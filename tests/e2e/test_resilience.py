"""Crashes lose nothing: a killed broker (memory-only log) or a killed service, mid-stream."""

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pymongo import MongoClient

from shared.ids import interaction_id
from shared.runner.stack import Stack
from tests.conftest import TEST_SECRET, TEST_TOKEN, make_stack
from tests.support import eventually, post_generic_webhook

pytestmark = pytest.mark.e2e

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: these tests kill parts of it."""
    stack = make_stack(Path(tmp_path_factory.mktemp("resilience")))
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def _send_stream(stack: Stack, run: str, count: int, statuses: list[int]) -> None:
    """Send like a platform does: a delivery that got no answer is retried until accepted."""
    with httpx.Client(timeout=30) as client:
        for i in range(count):
            message = {
                "message_id": f"{run}-{i}",
                "conversation_id": f"{run}-conv-{i}",
                "text": f"Lampadaire en panne numéro {i}",
            }
            deadline = time.monotonic() + 120
            while True:
                try:
                    response = post_generic_webhook(
                        client, stack.url("ingest"), TEST_SECRET, message
                    )
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            statuses.append(response.status_code)
            time.sleep(0.05)


def _cases_of_run(client: httpx.Client, stack: Stack, run: str) -> dict[str, int]:
    """Conversation id -> number of inbound messages, over every case of this run."""
    seen: dict[str, int] = {}
    offset = 0
    while True:
        page = client.get(
            f"{stack.url('respond')}/cases", params={"limit": 200, "offset": offset}, headers=AUTH
        ).json()
        for case in page["items"]:
            if case["conversation_id"].startswith(f"{run}-conv-"):
                assert case["conversation_id"] not in seen, "two cases for one conversation"
                seen[case["conversation_id"]] = case["message_count"]
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return seen


def _all_exactly_once(stack: Stack, run: str, count: int) -> bool:
    with httpx.Client(timeout=10) as client:
        seen = _cases_of_run(client, stack, run)
    assert all(n == 1 for n in seen.values()), f"duplicated message in a case: {seen}"
    return len(seen) == count


def test_broker_killed_mid_stream_loses_and_duplicates_nothing(own_stack: Stack) -> None:
    run, count, statuses = f"bk-{uuid.uuid4().hex[:8]}", 40, []
    sender = threading.Thread(target=_send_stream, args=(own_stack, run, count, statuses))
    sender.start()
    eventually(lambda: len(statuses) >= count // 3, timeout=60)
    own_stack.kill_broker()
    time.sleep(1.0)
    own_stack.start_broker()
    sender.join(timeout=300)

    assert statuses == [200] * count
    eventually(lambda: _all_exactly_once(own_stack, run, count), timeout=120, interval=1)


@pytest.mark.parametrize("victim", ["ingest", "classify", "respond"])
def test_service_killed_mid_stream_loses_and_duplicates_nothing(
    own_stack: Stack, victim: str
) -> None:
    run, count, statuses = f"{victim}-{uuid.uuid4().hex[:8]}", 30, []
    sender = threading.Thread(target=_send_stream, args=(own_stack, run, count, statuses))
    sender.start()
    eventually(lambda: len(statuses) >= count // 3, timeout=60)
    own_stack.services[victim].kill()
    own_stack.start_service(victim)
    sender.join(timeout=300)
    own_stack.wait_ready((victim,))

    assert statuses == [200] * count
    eventually(lambda: _all_exactly_once(own_stack, run, count), timeout=120, interval=1)


def test_webhooks_posted_while_the_broker_is_down_are_classified_once(own_stack: Stack) -> None:
    run = f"down-{uuid.uuid4().hex[:8]}"
    before, during = 10, 15
    statuses: list[int] = []
    _send_stream(own_stack, f"{run}-a", before, statuses)
    eventually(lambda: _all_exactly_once(own_stack, f"{run}-a", before), timeout=60, interval=1)

    own_stack.kill_broker()
    _send_stream(own_stack, f"{run}-b", during, statuses)
    own_stack.start_broker()

    assert statuses == [200] * (before + during)
    expected = {
        str(interaction_id("lyon", "generic", f"{run}-{part}-{i}"))
        for part, count in (("a", before), ("b", during))
        for i in range(count)
    }

    def classified_once_and_published() -> bool:
        with MongoClient(own_stack.mongo_uri) as mongo:
            docs = list(
                mongo["agora_classify"]["classifications"].find(
                    {"interaction_id": {"$in": sorted(expected)}},
                    {"interaction_id": 1, "_outbox": 1},
                )
            )
        stored = sorted(doc["interaction_id"] for doc in docs)
        assert len(stored) == len(set(stored)), "an interaction was classified twice"
        return stored == sorted(expected) and not any(doc.get("_outbox") for doc in docs)

    # Every interaction classified exactly once and published (at least once: a repeat on the
    # wire carries the same event id, which consumers recognise) ...
    eventually(classified_once_and_published, timeout=120, interval=1)
    # ... and reaching respond: one case per conversation, one message per case.
    eventually(lambda: _all_exactly_once(own_stack, f"{run}-b", during), timeout=120, interval=1)
