"""``agora demo``: replays sample interactions through the real webhook and answers them.

A person watches cases appear (with the rule that routed them), get answered, and show up in
the metrics. Message ids are new on each run, so replaying the demo opens new cases.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx

from shared.runner.stack import Stack

Say = Callable[[str], None]
REPLY_DELAY_S = 3.0
# After the last message, how long the demo waits at most for every case, reply and delivery.
SETTLE_LIMIT_S = 90.0


@dataclass
class _Conversation:
    key: str
    author: str = ""
    messages_sent: int = 0
    case_id: str | None = None
    reply: str = ""
    reply_due: float | None = None
    replied: bool = False
    delivery_shown: bool = False
    last_message_count: int = 0


@dataclass
class _Demo:
    ingest_url: str
    respond_url: str
    metrics_url: str
    headers: dict[str, str]
    secret: str
    say: Say
    run: str = field(default_factory=lambda: time.strftime("%H%M%S"))
    conversations: dict[str, _Conversation] = field(default_factory=dict)

    def post(self, client: httpx.Client, sample: dict[str, Any]) -> None:
        conversation = self.conversations.setdefault(
            sample["conversation"], _Conversation(f"demo-{self.run}-{sample['conversation']}")
        )
        payload = {
            "message_id": f"demo-{self.run}-{sample['seq']}",
            "conversation_id": conversation.key,
            "kind": sample["kind"],
            "text": sample["text"],
            "language": sample["lang"],
            "author": {
                "id": sample["author_handle"],
                "handle": sample["author_handle"],
                "name": sample["author_name"],
            },
        }
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        response = client.post(
            f"{self.ingest_url}/webhooks/generic/lyon-demo",
            content=body,
            headers={"content-type": "application/json", "x-agora-signature-256": signature},
        )
        conversation.messages_sent += 1
        conversation.author = sample["author_handle"]
        conversation.reply = sample["reply"]
        conversation.replied = False
        conversation.reply_due = None
        status = "accepted" if response.status_code == 200 else f"REFUSED {response.status_code}"
        preview = sample["text"][:70] + ("…" if len(sample["text"]) > 70 else "")
        self.say(f"→ {sample['author_handle']} [{sample['lang']}] {preview}  ({status})")

    def watch(self, client: httpx.Client) -> None:
        response = client.get(
            f"{self.respond_url}/cases", params={"limit": 200}, headers=self.headers
        )
        if response.status_code != 200:
            return
        by_key = {c["conversation_id"]: c for c in response.json()["items"]}
        now = time.monotonic()
        for conversation in self.conversations.values():
            case = by_key.get(conversation.key)
            if case is None:
                continue
            if conversation.case_id is None:
                conversation.case_id = case["id"]
                label = case["classification"]
                self.say(
                    f"   ✓ {conversation.author}: case {case['id'][:8]} → team {case['team']}, "
                    f"priority {case['priority']} ({case['routing']['reason']}); "
                    f"topic {label['topic']}, urgency {label['urgency']}, "
                    f"sentiment {label['sentiment']}; "
                    + (f"assigned to {case['assignee']}" if case["assignee"] else "in the queue")
                )
            elif case["message_count"] > conversation.last_message_count:
                self.say(
                    f"   ✓ {conversation.author}: follow-up joined case {case['id'][:8]} "
                    f"({case['message_count']} messages)"
                )
            conversation.last_message_count = case["message_count"]
            if conversation.reply and not conversation.replied:
                if conversation.reply_due is None:
                    conversation.reply_due = now + REPLY_DELAY_S
                elif now >= conversation.reply_due:
                    self.answer(client, conversation, case)
            elif conversation.replied and not conversation.delivery_shown:
                self.show_delivery(client, conversation)

    @property
    def settled(self) -> bool:
        """Every message has its case, every reply was sent and its delivery shown."""
        return all(
            c.case_id is not None
            and c.last_message_count >= c.messages_sent
            and (not c.reply or (c.replied and c.delivery_shown))
            for c in self.conversations.values()
        )

    def show_delivery(self, client: httpx.Client, conversation: _Conversation) -> None:
        """Once known, what the platform did with the reply (locally: the simulator)."""
        response = client.get(
            f"{self.respond_url}/cases/{conversation.case_id}", headers=self.headers
        )
        if response.status_code != 200:
            return
        replies = [e for e in response.json()["thread"] if e["direction"] == "outbound"]
        delivery = replies[-1]["delivery"] if replies else None
        if delivery is None or delivery["status"] == "pending":
            return
        conversation.delivery_shown = True
        outcome = delivery["status"]
        if delivery.get("reason"):
            outcome += f" ({delivery['reason']})"
        self.say(f"   ✉ reply to {conversation.author}: {outcome} on the platform")

    def answer(
        self, client: httpx.Client, conversation: _Conversation, case: dict[str, Any]
    ) -> None:
        response = client.post(
            f"{self.respond_url}/cases/{case['id']}/replies",
            json={"text": conversation.reply, "version": case["version"]},
            headers=self.headers,
        )
        if response.status_code == 201:
            conversation.replied = True
            self.say(
                f"   ← team {case['team']} answered case {case['id'][:8]}: "
                f"{conversation.reply[:60]}…"
            )

    def report(self, client: httpx.Client) -> None:
        response = client.get(
            f"{self.metrics_url}/reports/response-times", params={"group_by": "team"}
        )
        if response.status_code != 200:
            return
        self.say("\nTime to first response by team (all cases so far):")
        self.say(f"  {'team':<12} {'cases':>5} {'answered':>8} {'median':>8} {'p90':>8}")
        for group in response.json()["groups"]:
            median = group.get("median_s")
            p90 = group.get("p90_s")
            self.say(
                f"  {group['key'].get('team', '-')!s:<12} {group['count']:>5} "
                f"{group['answered']:>8} "
                f"{(f'{median:.1f}s' if median is not None else '-'):>8} "
                f"{(f'{p90:.1f}s' if p90 is not None else '-'):>8}"
            )


def load_samples() -> list[dict[str, Any]]:
    text = resources.files("shared.runner").joinpath("data/demo_interactions.jsonl").read_text()
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [row for row in rows if "seq" in row]


def run_demo_against(
    *,
    ingest_url: str,
    respond_url: str,
    metrics_url: str,
    token: str,
    webhook_secret: str,
    rate: float,
    say: Say,
    limit: int | None = None,
) -> int:
    if not token or not webhook_secret:
        say("agora demo: set --token/--secret or AGORA_DEMO_TOKEN/AGORA_DEMO_WEBHOOK_SECRET")
        return 2
    demo = _Demo(
        ingest_url,
        respond_url,
        metrics_url,
        {"Authorization": f"Bearer {token}"},
        webhook_secret,
        say,
    )
    samples = load_samples()[:limit]
    say(f"Replaying {len(samples)} sample messages at {rate:g}/s through {ingest_url} ...\n")
    interval = 1.0 / rate if rate > 0 else 0.0
    with httpx.Client(timeout=10) as client:
        next_post = time.monotonic()
        pending = list(samples)
        settle_until: float | None = None
        while True:
            now = time.monotonic()
            if pending and now >= next_post:
                demo.post(client, pending.pop(0))
                next_post = now + interval
            demo.watch(client)
            if not pending and settle_until is None:
                settle_until = now + SETTLE_LIMIT_S
            if not pending and demo.settled:
                break
            if settle_until is not None and now >= settle_until:
                say("\n(some messages are still in the pipeline: see GET /cases)")
                break
            time.sleep(0.25)
        demo.report(client)
    say("\nDemo done. The services keep running: explore the API with the token above.")
    return 0


def run_demo(stack: Stack, *, rate: float, say: Say, limit: int | None = None) -> int:
    return run_demo_against(
        ingest_url=stack.url("ingest"),
        respond_url=stack.url("respond"),
        metrics_url=stack.url("metrics"),
        token=stack.options.demo_token,
        webhook_secret=stack.options.webhook_secret,
        rate=rate,
        say=say,
        limit=limit,
    )
