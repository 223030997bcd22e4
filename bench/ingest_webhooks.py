"""Signed-webhook ingest (verified, durable in MongoDB and published before the 2xx) against a
bare FastAPI endpoint that only parses the same JSON with a pydantic body, in the same run.

    python -m bench.ingest_webhooks [--seconds 15] [--connections 64]
"""

import argparse
import asyncio
import hashlib
import hmac
import json
import tempfile
import uuid
from pathlib import Path

from pymongo import AsyncMongoClient

from bench.harness import BENCH, HttpLoad, ratio, run_wrk, save, settle, start_uvicorn
from shared.runner.stack import Ports, Stack, StackOptions

SECRET = "bench-secret"
SETTLE_S = 5.0


def write_bodies(path: Path, count: int) -> None:
    """Pre-signed, distinct messages, so every request is a new interaction."""
    run = uuid.uuid4().hex[:8]
    with path.open("w") as out:
        for i in range(count):
            body = json.dumps(
                {
                    "message_id": f"{run}-{i}",
                    "conversation_id": f"{run}-c{i % 500}",
                    "text": "Bonjour, le lampadaire devant le 12 rue Garibaldi est en panne "
                    "depuis trois jours, la rue est toute noire le soir. Merci !",
                    "author": {"id": f"citizen-{i % 997}", "handle": "@citizen", "name": "A. C."},
                    "language": "fr",
                },
                separators=(",", ":"),
            )
            signature = (
                "sha256=" + hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).hexdigest()
            )
            out.write(
                f"/webhooks/generic/bench-generic\tcontent-type: application/json\t"
                f"x-agora-signature-256: {signature}\t{body}\n"
            )


async def durable_and_published(mongo_uri: str) -> tuple[int, int]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_uri)
    try:
        interactions = client["agora_ingest"]["interactions"]
        stored = await interactions.count_documents({})
        pending = await interactions.count_documents({"_outbox.0": {"$exists": True}})
    finally:
        await client.close()
    return stored, pending


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    bodies = work / "bodies.tsv"
    write_bodies(bodies, 60_000)

    baseline_proc, baseline_url = start_uvicorn("bench.baseline_app:app", work)
    try:
        settle(1)
        baseline = run_wrk(
            f"{baseline_url}/webhooks/generic/bench-generic",
            bodies=bodies,
            seconds=args.seconds,
            connections=args.connections,
        )
    finally:
        baseline_proc.stop()

    stack = Stack(
        StackOptions(
            data_dir=work / "stack",
            ports=Ports.free(),
            config=BENCH / "agora.bench.yaml",
            webhook_secret=SECRET,
            log_level="WARNING",
        )
    )
    stack.start(services=("ingest",))
    try:
        settle(2)
        ingest = run_wrk(
            f"{stack.url('ingest')}/webhooks/generic/bench-generic",
            bodies=bodies,
            seconds=args.seconds,
            connections=args.connections,
        )
        settle(SETTLE_S)
        stored, pending = asyncio.run(durable_and_published(stack.mongo_uri))
    finally:
        stack.stop()

    report(baseline, ingest, stored, pending)
    path = save(
        "ingest-webhooks",
        {
            "connections": args.connections,
            "baseline": baseline,
            "ingest": ingest,
            "stored": stored,
            "pending_after": pending,
        },
    )
    print(f"\nresults: {path.relative_to(BENCH.parent)}")


def report(baseline: HttpLoad, ingest: HttpLoad, stored: int, pending: int) -> None:
    rows = [
        ("requests/s", baseline.requests_per_s, ingest.requests_per_s),
        ("p50 ms", baseline.p50_ms, ingest.p50_ms),
        ("p99 ms", baseline.p99_ms, ingest.p99_ms),
    ]
    print(f"{'':<12}{'bare FastAPI':>14}{'signed ingest':>15}{'ratio':>9}")
    for name, base, value in rows:
        print(f"{name:<12}{base:>14.1f}{value:>15.1f}{ratio(value, base):>9}")
    print(f"non-2xx: baseline {baseline.non_2xx}, ingest {ingest.non_2xx}")
    print(
        f"interactions durable in MongoDB: {stored} of {ingest.requests} answered; "
        f"events not yet marked published {SETTLE_S:.0f} s later: {pending}"
    )


if __name__ == "__main__":
    main()
