"""Watching a running stack: latency probes on the respond API, and a monitor of the processes.

``Probes``: for a sampled subset of the deliveries (every n-th, at most ``cap`` at once), poll
``GET /cases?conversation_id=...`` until the conversation's case shows the message (its
``message_count`` reaches the message's position + 1). Latency is from the moment the webhook
left the client to the first answer that shows it, so it is an upper bound by at most one poll
interval (100 ms for two seconds, then 250 ms, then 1 s after 10 s). Each poll costs respond an
indexed search and a count of its cases, so probes stay few.

``routed_latencies``: every interaction's time from ingest's reception to respond threading it
into its case, read after a phase from respond's published-event log (the benchmark only reads
it): ``occurred_at`` of its ``case.opened`` or ``case.interaction_threaded`` event minus the
``received_at`` it carries. Respond takes ``occurred_at`` as its handler starts; the case is
visible once that handler's write returns, so this is a lower bound of "visible" by at most the
handler's duration (reported beside it).

``Monitor``: a thread sampling every ``interval`` seconds each process's resident memory
(``VmRSS``) and CPU time (``/proc/<pid>/stat``), and the Prometheus pages of the services
(the pipeline's counters and the consumer-lag gauge of metrics).
"""

import asyncio
import json
import os
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bench.loadgen import Connection, Delivery, Sent
from bench.stats import Samples, parse_prometheus, total

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POLLS_S = ((2.0, 0.1), (10.0, 0.25), (float("inf"), 1.0))  # (until elapsed, interval)


@dataclass
class ProbeResult:
    seq: int
    sent_at: float
    latency_s: float | None  # None: not visible before the timeout


class Probes:
    """Latency webhook -> message visible in its case, for a sample of the deliveries."""

    def __init__(
        self, respond_url: str, token: str, *, every: int, cap: int = 16, timeout_s: float = 60
    ) -> None:
        url = urllib.parse.urlsplit(respond_url)
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 80
        self.headers = {"authorization": f"Bearer {token}"}
        self.every, self.cap, self.timeout_s = every, cap, timeout_s
        self.results: list[ProbeResult] = []
        self.skipped = 0  # sampled while ``cap`` probes were already waiting
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: list[Connection] = []

    def on_sent(self, delivery: Delivery, sent: Sent) -> None:
        """``drive``'s callback: start a probe for every n-th delivery that was accepted."""
        if delivery.seq % self.every or not 200 <= sent.status < 300:
            return
        if len(self._tasks) >= self.cap:
            self.skipped += 1
            return
        task = asyncio.create_task(self._probe(delivery, sent))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _probe(self, delivery: Delivery, sent: Sent) -> None:
        conn = self._idle.pop() if self._idle else Connection(self.host, self.port)
        path = "/cases?" + urllib.parse.urlencode({"conversation_id": delivery.conversation_id})
        latency = None
        try:
            while (elapsed := time.time() - sent.sent_at) < self.timeout_s:
                status, body = await conn.request("GET", path, self.headers)
                if status == 200 and _shows(body, delivery.position):
                    latency = time.time() - sent.sent_at
                    break
                await asyncio.sleep(next(i for until, i in POLLS_S if elapsed < until))
        except (OSError, asyncio.IncompleteReadError, ValueError):
            conn.close()
        self._idle.append(conn)
        self.results.append(ProbeResult(delivery.seq, sent.sent_at, latency))

    async def wait(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks))
        for conn in self._idle:
            conn.close()

    def latencies(self, since: float = 0.0, until: float = float("inf")) -> list[float]:
        return [
            r.latency_s
            for r in self.results
            if r.latency_s is not None and since <= r.sent_at < until
        ]

    @property
    def unseen(self) -> int:
        return sum(r.latency_s is None for r in self.results)


def _shows(body: bytes, position: int) -> bool:
    items = json.loads(body).get("items", [])
    return any(item.get("message_count", 0) > position for item in items)


@dataclass
class Tick:
    at: float
    counters: dict[str, float]
    lag: dict[str, float]  # "group/topic" -> messages


@dataclass
class Watch:
    ticks: list[Tick] = field(default_factory=list)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)  # over the watch
    seconds: float = 0.0


# Pipeline counters (service, metric, labels), summed over their other labels.
COUNTERS = {
    "ingested": ("ingest", "agora_ingest_interactions_received_total", {}),
    "routed": ("respond", "agora_respond_interactions_threaded_total", {}),
    "recorded": (
        "metrics",
        "agora_metrics_stage_latency_seconds_count",
        {"stage": "classify_to_case"},
    ),
}


class Monitor:
    """Samples processes and service metrics in a thread until ``stop``."""

    def __init__(
        self, pids: dict[str, int], urls: dict[str, str], *, interval: float = 2.0
    ) -> None:
        self.pids, self.urls, self.interval = pids, urls, interval
        self.watch = Watch()
        self.last: dict[str, Samples] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._cpu0: dict[str, float] = {}
        self._t0 = 0.0

    def start(self) -> "Monitor":
        self._cpu0, self._t0 = self.cpu(), time.time()
        self._thread.start()
        return self

    def stop(self) -> Watch:
        self._stop.set()
        self._thread.join()
        self.sample()
        cpu = self.cpu()
        self.watch.cpu_s = {k: cpu[k] - self._cpu0.get(k, cpu[k]) for k in cpu}
        self.watch.seconds = time.time() - self._t0
        return self.watch

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> Tick:
        for name, pid in self.pids.items():
            rss = rss_mb(pid)
            self.watch.peak_rss_mb[name] = max(self.watch.peak_rss_mb.get(name, 0.0), rss)
        pages = {}
        for service, url in self.urls.items():
            try:
                with urllib.request.urlopen(f"{url}/metrics", timeout=5) as answer:  # noqa: S310
                    pages[service] = parse_prometheus(answer.read().decode())
            except OSError:
                pages[service] = self.last.get(service, {})
        self.last = pages
        counters = {
            name: total(pages.get(service, {}), metric, **labels)
            for name, (service, metric, labels) in COUNTERS.items()
        }
        lag = {
            f"{dict(ls)['group']}/{dict(ls)['topic']}": value
            for (n, ls), value in pages.get("metrics", {}).items()
            if n == "agora_metrics_consumer_lag_messages"
        }
        tick = Tick(time.time(), counters, lag)
        self.watch.ticks.append(tick)
        return tick

    def cpu(self) -> dict[str, float]:
        return {name: _cpu_s(pid) for name, pid in self.pids.items()}


def rss_mb(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status").read().splitlines():  # noqa: SIM115
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_s(pid: int) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rate_between(ticks: list[Tick], counter: str, start: float, end: float) -> float:
    """Counter increase per second between the ticks nearest ``start`` and ``end``."""
    inside = [t for t in ticks if start <= t.at <= end]
    if len(inside) < 2:
        return 0.0
    first, last = inside[0], inside[-1]
    return (last.counters[counter] - first.counters[counter]) / (last.at - first.at)


async def routed_latencies(
    mongo_uri: str, *, since: float, until: float
) -> list[tuple[float, float]]:
    """(received at, seconds to routed) of every interaction received in ``[since, until)``."""
    from datetime import UTC, datetime

    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(mongo_uri)
    first: dict[str, tuple[float, float]] = {}  # interaction -> (received, routed), earliest
    try:
        log = client["agora_respond"]["outbox_published"]
        start = datetime.fromtimestamp(since - 1, UTC)
        async for doc in log.find({"created_at": {"$gte": start}}, {"value": 1}):
            event = json.loads(str(doc["value"]))
            if event.get("event_type") not in ("case.opened", "case.interaction_threaded"):
                continue
            received = event.get("first_received_at") or event["received_at"]
            at = datetime.fromisoformat(received).timestamp()
            routed = datetime.fromisoformat(event["occurred_at"]).timestamp()
            known = first.get(event["interaction_id"])
            if since <= at < until and (known is None or routed < known[1]):
                first[event["interaction_id"]] = (at, routed)
    finally:
        await client.close()
    return [(at, routed - at) for at, routed in first.values()]
