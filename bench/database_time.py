"""Where the embedded database's time goes under a fixed load: per collection and operation.

Starts the whole stack (as ``bench.pipeline`` does), warms it, turns on the database
profiler of every service database, offers ``--rate`` interactions/s from the load generator
for ``--seconds``, then reads ``system.profile``: how many operations each collection took
and how long they ran (server time, which includes waiting behind other operations on the
one-threaded embedded server), with each collection's document size and index count.

    python -m bench.database_time [--rate 30] [--seconds 30]

Prints the table and writes ``bench/results/database-time-<time>.json``.
"""

import argparse
import asyncio
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bson
from pymongo import MongoClient
from pymongo.database import Database

from bench.harness import save
from bench.loadgen import drive, plan
from bench.phases import SERVICES, make_stack, running
from bench.pipeline import Options

SETTLE_S = 10.0  # after the load: the consumers catch up, the outbox marks run
SYSTEM_DATABASES = frozenset({"admin", "local", "config"})


@dataclass(frozen=True)
class CollectionTime:
    collection: str
    op: str
    operations: int
    server_ms: float


@dataclass(frozen=True)
class CollectionShape:
    collection: str
    documents: int
    average_bytes: float
    indexes: int


def profile(db: Database[dict[str, Any]]) -> list[CollectionTime]:
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for entry in db["system.profile"].find():
        total = totals[(str(entry.get("ns")), str(entry.get("op")))]
        total[0] += 1
        total[1] += float(entry.get("millis", 0))
    return [CollectionTime(ns, op, int(n), ms) for (ns, op), (n, ms) in totals.items()]


def shapes(db: Database[dict[str, Any]], sample: int = 200) -> list[CollectionShape]:
    found = []
    for name in db.list_collection_names():
        if name.startswith("system."):
            continue
        docs = list(db[name].find().limit(sample))
        sizes = [len(bson.encode(doc)) for doc in docs]
        found.append(
            CollectionShape(
                collection=f"{db.name}.{name}",
                documents=db[name].estimated_document_count(),
                average_bytes=sum(sizes) / len(sizes) if sizes else 0.0,
                indexes=len(list(db[name].list_indexes())),
            )
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=30.0, help="offered interactions/s")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long it is offered")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="agora-bench-"))
    stack = make_stack(work, "database-time", Options(work=work))
    with running(stack, SERVICES), MongoClient(stack.mongo_uri, tz_aware=True) as client:
        url = stack.url("ingest")
        asyncio.run(drive(plan(200, run="warm"), base_url=url, rate=20.0, max_seconds=20))
        time.sleep(SETTLE_S)
        databases = [client[n] for n in client.list_database_names() if n not in SYSTEM_DATABASES]
        for db in databases:
            db.command("profile", 2)
        count = int(args.rate * args.seconds)
        sent = asyncio.run(
            drive(plan(count, run="load"), base_url=url, rate=args.rate, max_seconds=args.seconds)
        )
        time.sleep(SETTLE_S)
        for db in databases:
            db.command("profile", 0)
        times = [t for db in databases for t in profile(db)]
        found = [s for db in databases for s in shapes(db)]

    accepted = sum(200 <= s.status < 300 for s in sent)
    total_ms = sum(t.server_ms for t in times) or 1.0
    print(f"{accepted} interactions accepted at {args.rate:g}/s\n")
    header = ("collection", "op", "ops", "server ms", "share", "ms/interaction")
    print("{:42} {:8} {:>6} {:>10} {:>6} {:>15}".format(*header))
    for t in sorted(times, key=lambda t: -t.server_ms):
        print(
            f"{t.collection:42} {t.op:8} {t.operations:6d} {t.server_ms:10.0f} "
            f"{t.server_ms / total_ms:6.1%} {t.server_ms / max(accepted, 1):15.2f}"
        )
    print(f"\n{'collection':42} {'documents':>9} {'avg bytes':>9} {'indexes':>7}")
    for s in sorted(found, key=lambda s: s.collection):
        print(f"{s.collection:42} {s.documents:9d} {s.average_bytes:9.0f} {s.indexes:7d}")
    path = save(
        "database-time",
        {"rate": args.rate, "seconds": args.seconds, "accepted": accepted, "times": times,
         "collections": found},
    )  # fmt: skip
    print(f"\nresults: {path}")


if __name__ == "__main__":
    main()
