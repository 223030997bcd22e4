"""The phases of ``bench.pipeline``: each starts what it measures, measures, and stops it all."""

import asyncio
import math
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient

from bench import chain as chain_module
from bench.harness import BENCH, run_wrk, start_uvicorn
from bench.ingest_webhooks import durable_and_published
from bench.loadgen import Delivery, Mix, Secrets, drive, plan, write_wrk_file
from bench.probe import Monitor, Probes, Watch, rate_between, routed_latencies, rss_mb
from bench.raw import kafka_rates, mongo_rates
from bench.stats import drift, histogram_quantiles, percentiles, slope
from shared.runner.processes import Child, free_port, wait_for_port
from shared.runner.stack import Ports, Stack, StackOptions

if TYPE_CHECKING:
    from bench.pipeline import Options

SECRETS = Secrets()
TOKEN = "bench-supervisor-token"
CONFIG = BENCH / "agora.bench.yaml"
GENERIC = Mix(channels={"generic": 1.0}, languages={"fr": 1.0})
STAGES = ("ingest_to_classify", "classify_to_case")
SERVICES = ("ingest", "classify", "respond", "metrics")


# -- stacks ---------------------------------------------------------------------------------
def make_stack(work: Path, name: str, options: "Options") -> Stack:
    ports = Ports.free()
    env = dict(SECRETS.env())
    if options.blas_threads:
        # The encoder limits its BLAS threads itself (threadpoolctl); this also caps any other
        # BLAS use in the services (README).
        env["OPENBLAS_NUM_THREADS"] = str(options.blas_threads)
    if options.retry_writes:
        # The runner turns retryable writes off for the services (shared/runner/stack.py); this
        # measures the driver's default instead.
        env["AGORA_MONGO__URI"] = f"mongodb://127.0.0.1:{ports.mongo}/?directConnection=true"
    return Stack(
        StackOptions(
            data_dir=work / name,
            ports=ports,
            config=CONFIG,
            demo_token=TOKEN,
            webhook_secret=SECRETS.generic,
            log_level="WARNING",
            extra_env=env,
            prometheus=False,
        )
    )


@contextmanager
def running(stack: Stack, services: tuple[str, ...]) -> Iterator[Stack]:
    stack.start(services=services)
    try:
        yield stack
    finally:
        stack.stop()


def monitor(stack: Stack, extra: dict[str, int] | None = None) -> Monitor:
    pids = {name: child.pid for name, child in stack.services.items() if child.pid}
    if stack.broker is not None and stack.broker.pid:
        pids["tansu"] = stack.broker.pid
    if stack.database is not None and stack.database.pid:
        pids["secantusdb"] = stack.database.pid
    pids |= extra or {}
    return Monitor(pids, {s: stack.url(s) for s in stack.services}).start()


def requests_file(work: Path, name: str, count: int, mix: Mix | None = None) -> Path:
    path = work / f"{name}.requests"
    write_wrk_file(plan(count, run=name, mix=mix), path)
    return path


def ms(values: list[float]) -> dict[str, float]:
    p50, p95, p99 = percentiles(values, (50, 95, 99))
    return {"p50": p50 * 1e3, "p95": p95 * 1e3, "p99": p99 * 1e3, "samples": len(values)}


def cpu_ms_per(watch: Watch, count: float) -> dict[str, float]:
    per = {name: 1e3 * s / count for name, s in watch.cpu_s.items()} if count else {}
    return {**per, "total": sum(per.values()) if per else math.nan}


# -- baselines ------------------------------------------------------------------------------
def baselines(options: "Options") -> dict[str, Any]:
    work = options.work
    generic = requests_file(work, "generic", 60_000, GENERIC)
    proc, url = start_uvicorn("bench.baseline_app:app", work)
    try:
        time.sleep(1)
        bare = asdict(
            run_wrk(
                url, bodies=generic, seconds=options.wrk_seconds, connections=options.connections
            )
        )
        bare["rss_mb"] = rss_mb(proc.pid) if proc.pid else math.nan
    finally:
        proc.stop()
    print(f"   bare FastAPI {bare['requests_per_s']:.0f} req/s", flush=True)
    stack = make_stack(work, "engines", options)
    with running(stack, ()):
        kafka = asdict(asyncio.run(kafka_rates(stack.bootstrap)))
        mongo = {
            "retry_writes_off": asdict(
                asyncio.run(mongo_rates(stack.mongo_uri, retry_writes=False))
            ),
            "retry_writes_on": asdict(asyncio.run(mongo_rates(stack.mongo_uri, retry_writes=True))),
        }
        print(f"   kafka {kafka['produce_per_s']:.0f} produce/s, mongo {mongo}", flush=True)
    stack = make_stack(work, "chain", options)
    with running(stack, ()):
        chain = minimal_chain(stack, options, generic)
    print(f"   minimal chain {chain['saturated_per_s']:.0f}/s saturated", flush=True)
    return {"bare_fastapi": bare, "kafka": kafka, "mongo": mongo, "chain": chain}


def minimal_chain(stack: Stack, options: "Options", generic: Path) -> dict[str, Any]:
    asyncio.run(_create_topics(stack.bootstrap, [chain_module.IN, chain_module.OUT]))
    times = options.work / "chain-times.txt"
    port = free_port()
    argv = [sys.executable, "-m", "bench.chain"]
    children = [
        Child(
            "chain-http",
            [*argv, "http", "--kafka", stack.bootstrap, "--port", str(port)],
            stack.logs / "chain-http.log",
        ),
        Child(
            "chain-transform",
            [*argv, "transform", "--kafka", stack.bootstrap],
            stack.logs / "chain-transform.log",
        ),
        Child(
            "chain-sink",
            [
                *argv,
                "sink",
                "--kafka",
                stack.bootstrap,
                "--mongo",
                stack.mongo_uri,
                "--times",
                str(times),
            ],
            stack.logs / "chain-sink.log",
        ),
    ]
    for child in children:
        child.start()
    try:
        wait_for_port(port, timeout_s=30, process=children[0])
        url = f"http://127.0.0.1:{port}"
        _warm(url, count=200)
        time.sleep(8)  # consumer groups join
        begin = time.time()
        load = run_wrk(
            url, bodies=generic, seconds=options.saturation_seconds, connections=options.connections
        )
        end = time.time()
        stored = _stored_times(times)
        warm = begin + 5
        saturated = sum(warm <= t < end for _, _, t in stored) / (end - warm)
        _wait_quiet(times)
        offset = times.stat().st_size
        pids = {c.name: c.pid for c in (*children, stack.broker, stack.database) if c and c.pid}
        watch = Monitor(pids, {}).start()
        deliveries = plan(int(options.rate * options.seconds), run="chainfixed", mix=GENERIC)
        sent = asyncio.run(
            drive(deliveries, base_url=url, rate=options.rate, max_seconds=options.seconds)
        )
        _wait_quiet(times)
        cpu = watch.stop()
        at = {s.seq: s.sent_at for s in sent}
        fixed_stored = _stored_times(times, offset)
        latencies = [t - at[seq] for seq, _, t in fixed_stored if seq in at]
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.stop()
    return {
        "wrk": asdict(load),
        "saturated_per_s": saturated,
        "fixed": {
            "offered_per_s": options.rate,
            "sent": len(sent),
            "stored": len(latencies),
            "latency_ms": ms(latencies),
            "cpu_ms_per_event": cpu_ms_per(cpu, len(latencies))["total"],
            "cpu_s": cpu.cpu_s,
        },
    }


async def _create_topics(bootstrap: str, names: list[str], partitions: int = 4) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        await admin.close()


def _warm(url: str, count: int) -> None:
    asyncio.run(drive(plan(count, run="warm", mix=GENERIC), base_url=url, rate=100, max_seconds=5))


def _stored_times(path: Path, offset: int = 0) -> list[tuple[int, float, float]]:
    if not path.exists():
        return []
    with path.open() as lines:
        lines.seek(offset)
        return [(int(a), float(b), float(c)) for a, b, c in (line.split() for line in lines)]


def _wait_quiet(path: Path, quiet_s: float = 3.0, limit_s: float = 120.0) -> None:
    """Until the sink has stored nothing new for ``quiet_s`` (the backlog is drained)."""
    deadline, size, since = time.time() + limit_s, -1, time.time()
    while time.time() < deadline:
        now = path.stat().st_size if path.exists() else 0
        if now != size:
            size, since = now, time.time()
        elif time.time() - since > quiet_s:
            return
        time.sleep(0.5)


# -- ingest alone -----------------------------------------------------------------------------
def ingest_alone(options: "Options") -> dict[str, Any]:
    generic = options.work / "generic.requests"
    if not generic.exists():
        generic = requests_file(options.work, "generic", 60_000, GENERIC)
    stack = make_stack(options.work, "ingest", options)
    with running(stack, ("ingest",)):
        time.sleep(2)
        load = run_wrk(
            f"{stack.url('ingest')}",
            bodies=generic,
            seconds=options.wrk_seconds,
            connections=options.connections,
        )
        time.sleep(5)
        stored, pending = asyncio.run(durable_and_published(stack.mongo_uri))
    print(f"   ingest {load.requests_per_s:.0f} req/s", flush=True)
    return {"wrk": asdict(load), "stored": stored, "pending_after_5s": pending}


# -- end to end -------------------------------------------------------------------------------
def end_to_end(options: "Options") -> dict[str, Any]:
    stack = make_stack(options.work, "e2e", options)
    saturation_file = requests_file(options.work, "saturation", 100_000)
    with running(stack, SERVICES):
        watch = monitor(stack)
        _load(stack, rate=10, seconds=10, run="warmup", probe_every=0)  # groups join, models load
        _drain(watch, 30)
        fixed = fixed_load(
            stack, watch, rate=options.rate, seconds=options.seconds, run="fixed", drain_s=60
        )
        begin = time.time()
        load = run_wrk(
            stack.url("ingest"),
            bodies=saturation_file,
            seconds=options.saturation_seconds,
            connections=32,
        )
        end = time.time()
        time.sleep(2)
        whole = watch.stop()
    warm = begin + 5
    saturation = {
        "wrk": asdict(load),
        "ingested_per_s": rate_between(whole.ticks, "ingested", warm, end + 2),
        "routed_per_s": rate_between(whole.ticks, "routed", warm, end + 2),
        "recorded_per_s": rate_between(whole.ticks, "recorded", warm, end + 2),
    }
    print(f"   e2e saturated {saturation['routed_per_s']:.0f}/s routed", flush=True)
    return {"fixed": fixed, "saturation": saturation, "peak_rss_mb": whole.peak_rss_mb}


def _load(
    stack: Stack, *, rate: float, seconds: float, run: str, probe_every: int, mix: Mix | None = None
) -> tuple[list[Any], Probes | None, list[Delivery]]:
    deliveries = plan(int(rate * seconds), run=run, mix=mix)
    probes = Probes(stack.url("respond"), TOKEN, every=probe_every, cap=2) if probe_every else None

    async def go() -> list[Any]:
        sent = await drive(
            deliveries,
            base_url=stack.url("ingest"),
            rate=rate,
            max_seconds=seconds,
            on_sent=probes.on_sent if probes else None,
        )
        if probes is not None:
            await probes.wait()
        return sent

    return asyncio.run(go()), probes, deliveries


def fixed_load(
    stack: Stack, watch: Monitor, *, rate: float, seconds: float, run: str, drain_s: float
) -> dict[str, Any]:
    first = watch.sample()
    before = dict(watch.last)
    cpu0 = watch.cpu()
    begin = time.time()
    sent, probes, _ = _load(
        stack, rate=rate, seconds=seconds, run=run, probe_every=max(1, int(rate))
    )
    end = time.time()
    accepted = sum(200 <= s.status < 300 for s in sent)
    _drain(watch, drain_s)
    last = watch.sample()
    after = dict(watch.last)
    cpu = {name: s - cpu0.get(name, s) for name, s in watch.cpu().items()}
    routed = last.counters["routed"] - first.counters["routed"]
    population = asyncio.run(routed_latencies(stack.mongo_uri, since=begin, until=end))
    _, handler = histogram_quantiles(
        before.get("respond", {}),
        after.get("respond", {}),
        "agora_faststream_received_processed_messages_duration_seconds",
        (50, 99),
    )
    stages = {}
    for stage in STAGES:
        count, (p50, p99) = histogram_quantiles(
            before.get("metrics", {}),
            after.get("metrics", {}),
            "agora_metrics_stage_latency_seconds",
            (50, 99),
            stage=stage,
        )
        stages[stage] = {"p50": p50 * 1e3, "p99": p99 * 1e3, "count": count}
    lag_series: dict[str, list[tuple[float, float]]] = {}
    for tick in watch.watch.ticks:
        if begin + 5 <= tick.at <= end:
            for key, value in tick.lag.items():
                lag_series.setdefault(key, []).append((tick.at, value))
    growth = {key: slope(points) for key, points in lag_series.items()}
    per_cpu = {name: 1e3 * s / routed for name, s in cpu.items()} if routed else {}
    result = {
        "offered_per_s": rate,
        "sent": len(sent),
        "accepted": accepted,
        "http_ms": ms([s.latency_s for s in sent]),
        "routed_per_s": rate_between(watch.watch.ticks, "routed", begin + 5, end),
        "recorded_per_s": rate_between(watch.watch.ticks, "recorded", begin + 5, end),
        "routed_after_drain": routed,
        "routed_ms": ms([latency for _, latency in population]),
        "respond_handler_ms": {"p50": handler[0] * 1e3, "p99": handler[1] * 1e3},
        "visible_ms": ms(probes.latencies() if probes else []),
        "probes_unseen": probes.unseen if probes else 0,
        "probes_skipped": probes.skipped if probes else 0,
        "stages_ms": stages,
        "lag_growth": growth,
        "lag_growth_per_s": max(growth.values(), default=0.0),
        "lag_end": lag_series and {k: v[-1][1] for k, v in lag_series.items()},
        "cpu_ms_per_interaction": {
            **per_cpu,
            "total": sum(per_cpu.values()) if per_cpu else math.nan,
        },
    }
    print(
        f"   fixed {rate:.0f}/s: routed {result['routed_per_s']:.0f}/s, p99 received -> "
        f"routed {result['routed_ms']['p99']:.0f} ms, visible {result['visible_ms']['p99']:.0f} ms",
        flush=True,
    )
    return result


def _drain(watch: Monitor, limit_s: float) -> bool:
    """Until everything ingested is routed and recorded (True), or no progress for 15 s, or
    ``limit_s`` (False)."""
    deadline, progress_at, last = time.time() + limit_s, time.time(), None
    while time.time() < deadline:
        tick = watch.sample()
        done = (tick.counters["routed"], tick.counters["recorded"])
        if min(done) >= tick.counters["ingested"]:
            return True
        if done != last:
            last, progress_at = done, time.time()
        elif time.time() - progress_at > 15:
            return False
        time.sleep(1)
    return False


# -- soak -----------------------------------------------------------------------------------
def soak(options: "Options") -> dict[str, Any]:
    stack = make_stack(options.work, "soak", options)
    rate, seconds = options.soak_rate, options.soak_minutes * 60
    with running(stack, SERVICES):
        watch = monitor(stack)
        _load(stack, rate=20, seconds=10, run="soakwarm", probe_every=0)
        _drain(watch, 30)
        begin = time.time()
        sent, probes, deliveries = _load(
            stack, rate=rate, seconds=seconds, run="soak", probe_every=max(1, int(rate * 5))
        )
        end = time.time()
        drained = _drain(watch, options.drain_s)
        whole = watch.stop()
        accepted_ids = {deliveries[s.seq].message_id for s in sent if 200 <= s.status < 300}
        counts = asyncio.run(_threaded_counts(stack.mongo_uri))
        population = asyncio.run(routed_latencies(stack.mongo_uri, since=begin, until=end))
    assert probes is not None
    minutes = []
    for m in range(math.ceil(seconds / 60)):
        a, b = begin + 60 * m, min(begin + 60 * (m + 1), end)
        lat = [x for at, x in population if a <= at < b]
        minutes.append(
            {
                "minute": m + 1,
                "routed_per_s": rate_between(whole.ticks, "routed", a, b),
                "p99_ms": percentiles(lat, (99,))[0] * 1e3,
                "samples": len(lat),
            }
        )

    def window(first: int, last: int) -> dict[str, float]:
        a, b = begin + 60 * first, min(begin + 60 * last, end)
        lat = [x for at, x in population if a <= at < b]
        return {
            "routed_per_s": rate_between(whole.ticks, "routed", a, b),
            "p99_ms": percentiles(lat, (99,))[0] * 1e3,
            "samples": len(lat),
        }

    total_min = len(minutes)
    first5, last5 = window(0, min(5, total_min)), window(max(0, total_min - 5), total_min)
    seen = {mid for mid in counts if mid in accepted_ids}
    result = {
        "rate": rate,
        "minutes": minutes,
        "first5": first5,
        "last5": last5,
        "throughput_drift": drift(first5["routed_per_s"], last5["routed_per_s"]),
        "p99_drift": drift(first5["p99_ms"], last5["p99_ms"]),
        "sent": len(sent),
        "accepted": len(accepted_ids),
        "drained": drained,  # False: "lost" includes a backlog still in the pipeline
        "lost": len(accepted_ids - seen),
        "duplicated": sum(1 for mid in seen if counts[mid] > 1),
        "peak_rss_mb": whole.peak_rss_mb,
        "visible_ms": ms(probes.latencies()),
        "probes_unseen": probes.unseen,
    }
    print(f"   soak: lost {result['lost']}, duplicated {result['duplicated']}", flush=True)
    return result


async def _threaded_counts(mongo_uri: str) -> dict[str, int]:
    """How many times each platform message id appears in a case thread (respond's cases,
    read by the benchmark only)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_uri)
    counts: dict[str, int] = {}
    try:
        cursor = client["agora_respond"]["cases"].find(
            {}, {"thread.message_id": 1, "thread.direction": 1}
        )
        async for case in cursor:
            for entry in case.get("thread", []):
                if entry.get("direction", "inbound") == "inbound":
                    counts[entry["message_id"]] = counts.get(entry["message_id"], 0) + 1
    finally:
        await client.close()
    return counts
