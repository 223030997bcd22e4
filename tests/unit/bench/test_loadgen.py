"""The load generator's plans: deterministic, realistic, and accepted by ingest's own adapters."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from bench.loadgen import Mix, Secrets, check_loopback, plan, schedule
from services.ingest.channels import ADAPTERS
from services.ingest.channels.base import ConnectionContext, WebhookRequest

SECRETS = Secrets()
# The connections of bench/agora.bench.yaml, by URL path.
CONNECTIONS = {
    "/webhooks/generic/bench-generic": ("generic", {"secret_env": SECRETS.generic}),
    "/webhooks/meta/bench-meta": ("meta", {"app_secret_env": SECRETS.meta}),
    "/webhooks/telegram/bench-telegram": ("telegram", {"secret_token_env": SECRETS.telegram}),
    "/webhooks/twilio/bench-sms": ("twilio", {"auth_token_env": SECRETS.twilio}),
}


def test_the_same_seed_and_run_give_the_same_plan() -> None:
    assert plan(300, seed=3, run="a") == plan(300, seed=3, run="a")
    assert plan(300, seed=3, run="a") != plan(300, seed=4, run="a")


def test_another_run_gives_other_message_ids() -> None:
    first = {d.message_id for d in plan(200, run="a")}
    assert first.isdisjoint(d.message_id for d in plan(200, run="b"))


def test_a_plan_mixes_platforms_languages_and_conversation_lengths() -> None:
    deliveries = plan(2000, run="mix")
    assert set(Counter(d.channel for d in deliveries)) == set(Mix().channels)
    assert set(Counter(d.lang for d in deliveries)) == {"fr", "en", "es"}
    positions = Counter(d.position for d in deliveries)
    assert set(positions) == {0, 1, 2, 3, 4}
    by_conversation: dict[str, list[int]] = {}
    for d in deliveries:
        by_conversation.setdefault(d.conversation_id, []).append(d.position)
    assert all(p == list(range(len(p))) for p in by_conversation.values())


def test_bursts_keep_the_mean_rate() -> None:
    offsets = schedule(800, 100.0, Mix(burst_every=400, burst_size=50))
    assert offsets[:50] == [0.0] * 50
    assert offsets[50] == pytest.approx(0.5)
    assert offsets[-1] == pytest.approx(7.99)


@pytest.mark.parametrize("delivery", plan(40, run="adapters"), ids=lambda d: f"{d.seq}-{d.channel}")
def test_every_delivery_is_verified_and_parsed_by_ingest(delivery) -> None:
    channel, secrets = CONNECTIONS[delivery.path]
    request = WebhookRequest(
        method="POST",
        url=f"http://127.0.0.1{delivery.path}",
        headers={k.lower(): v for k, v in delivery.headers.items()},
        query={},
        body=delivery.body,
        content_type=delivery.headers["content-type"],
    )
    ctx = ConnectionContext(
        agency_id="bench",
        connection_id=delivery.path.rsplit("/", 1)[1],
        secrets=secrets,
        received_at=datetime(2026, 11, 26, tzinfo=UTC),
        public_url="https://agora.example.org/webhooks/twilio/bench-sms"
        if channel == "twilio"
        else None,
        account_id="104857600000001" if channel == "meta" else None,
    )
    ADAPTERS[channel].verify(request, ctx)
    [interaction] = ADAPTERS[channel].parse(request, ctx).interactions
    assert interaction.conversation_id == delivery.conversation_id
    assert interaction.message_id == delivery.message_id


def test_only_loopback_is_a_target() -> None:
    check_loopback("http://127.0.0.1:8001")
    with pytest.raises(ValueError, match="loopback"):
        check_loopback("http://example.org")
