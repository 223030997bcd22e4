"""The whole pipeline against in-run baselines: one command, every figure as a ratio.

    python -m bench.pipeline [--rate 200] [--seconds 60] [--saturation-seconds 30]
                             [--soak-rate 100] [--soak-minutes 30] [--skip soak] ...

Phases, each on engines started fresh for it (see bench/README.md):
  baselines   bare FastAPI (pydantic body, wrk); raw aiokafka produce/consume/round trip; raw
              MongoDB-wire writes; the minimal chain of ../shared/ENGINES.md at saturation
              (wrk) and at the fixed rate (load generator)
  ingest      signed webhooks into ingest alone (wrk): durable in MongoDB and published
  e2e         all four services: the fixed rate (latency probes, stage histograms, lag, memory,
              CPU per interaction), then saturation (wrk, mixed platforms)
  soak        a fixed rate for minutes: throughput and p99 per minute, drift, lost/duplicated
Prints the ratio table and writes bench/results/pipeline-<time>.json.
"""

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import phases
from bench.harness import BENCH, save
from bench.stats import Row, ratio_table

DEFAULT_PHASES = ("baselines", "ingest", "e2e", "soak")


@dataclass(frozen=True)
class Options:
    rate: float = 200.0
    seconds: float = 60.0
    saturation_seconds: float = 30.0
    wrk_seconds: float = 10.0
    connections: int = 64
    soak_rate: float = 100.0
    soak_minutes: float = 30.0
    drain_s: float = 120.0
    retry_writes: bool = False
    blas_threads: int = 1
    phases: tuple[str, ...] = DEFAULT_PHASES
    work: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="agora-bench-")))


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200.0, help="fixed offered load, per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="fixed-load window")
    parser.add_argument("--saturation-seconds", type=float, default=30.0)
    parser.add_argument("--wrk-seconds", type=float, default=10.0, help="each wrk run")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument("--soak-rate", type=float, default=100.0)
    parser.add_argument("--soak-minutes", type=float, default=30.0)
    parser.add_argument("--drain-seconds", type=float, default=120.0, help="after the soak")
    parser.add_argument(
        "--retry-writes",
        choices=["on", "off"],
        default="off",
        help="MongoDB retryable writes for the services (the driver's default is on; off is "
        "what the embedded database needs, see bench/README.md)",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="OPENBLAS_NUM_THREADS of the services (0: unset, OpenBLAS takes one per core)",
    )
    parser.add_argument("--skip", nargs="*", default=[], choices=DEFAULT_PHASES)
    args = parser.parse_args(argv)
    return Options(
        rate=args.rate,
        seconds=args.seconds,
        saturation_seconds=args.saturation_seconds,
        wrk_seconds=args.wrk_seconds,
        connections=args.connections,
        soak_rate=args.soak_rate,
        soak_minutes=args.soak_minutes,
        drain_s=args.drain_seconds,
        retry_writes=args.retry_writes == "on",
        blas_threads=args.blas_threads,
        phases=tuple(p for p in DEFAULT_PHASES if p not in args.skip),
    )


def main(argv: list[str] | None = None) -> None:
    options = parse(argv)
    started = time.time()
    figures: dict[str, Any] = {"options": {**asdict(options), "work": str(options.work)}}
    runs: dict[str, Callable[[Options], dict[str, Any]]] = {
        "baselines": phases.baselines,
        "ingest": phases.ingest_alone,
        "e2e": phases.end_to_end,
        "soak": phases.soak,
    }
    for name in options.phases:
        print(f"== {name} ({time.time() - started:.0f} s)", flush=True)
        figures[name] = runs[name](options)
        _checkpoint(figures)
    rows = table(figures, options)
    print()
    print(ratio_table(rows))
    figures["table"] = [{**asdict(r), "ratio": r.ratio} for r in rows]
    figures["elapsed_s"] = time.time() - started
    path = save("pipeline", figures)
    print(f"\nresults: {path.relative_to(BENCH.parent)}")


def _checkpoint(figures: dict[str, Any]) -> None:
    """What is measured so far, in the work directory, should a later phase fail."""
    work = Path(figures["options"]["work"])
    (work / "figures.json").write_text(json.dumps(figures, indent=2, default=str))


def table(figures: dict[str, Any], options: Options) -> list[Row]:
    """Every figure next to its baseline; missing phases leave their rows out."""
    rows: list[Row] = []
    base, ingest = figures.get("baselines", {}), figures.get("ingest", {})
    e2e, soak = figures.get("e2e", {}), figures.get("soak", {})
    bare = base.get("bare_fastapi", {})
    chain = base.get("chain", {})
    if ingest and bare:
        load = ingest["wrk"]
        rows += [
            Row(
                "signed ingest, durable+published: req/s",
                load["requests_per_s"],
                "/s",
                "bare FastAPI, pydantic body",
                bare["requests_per_s"],
            ),
            Row(
                "signed ingest p50", load["p50_ms"], "ms", "bare FastAPI p50", bare["p50_ms"], False
            ),
            Row(
                "signed ingest p99", load["p99_ms"], "ms", "bare FastAPI p99", bare["p99_ms"], False
            ),
        ]
    if e2e and chain:
        sat, fixed = e2e["saturation"], e2e["fixed"]
        rows += [
            Row(
                "e2e saturated: webhook -> routed case /s",
                sat["routed_per_s"],
                "/s",
                "minimal chain saturated",
                chain["saturated_per_s"],
            ),
            Row(
                "e2e saturated: -> recorded in metrics /s",
                sat["recorded_per_s"],
                "/s",
                "minimal chain saturated",
                chain["saturated_per_s"],
            ),
            Row(
                f"e2e at {options.rate:.0f}/s offered: routed /s",
                fixed["routed_per_s"],
                "/s",
                "offered rate",
                fixed["offered_per_s"],
            ),
            Row(
                f"e2e at {options.rate:.0f}/s: recorded /s",
                fixed["recorded_per_s"],
                "/s",
                "offered rate",
                fixed["offered_per_s"],
            ),
        ]
        for p in ("p50", "p95", "p99"):
            rows.append(
                Row(
                    f"e2e at {options.rate:.0f}/s: received -> routed {p}",
                    fixed["routed_ms"][p],
                    "ms",
                    f"minimal chain at the rate {p}",
                    chain["fixed"]["latency_ms"][p],
                    False,
                )
            )
        for p in ("p50", "p99"):
            rows.append(
                Row(
                    f"e2e at {options.rate:.0f}/s: webhook -> visible in API {p}",
                    fixed["visible_ms"][p],
                    "ms",
                    f"minimal chain at the rate {p}",
                    chain["fixed"]["latency_ms"][p],
                    False,
                )
            )
    kafka = base.get("kafka", {})
    if e2e and kafka:
        for stage, values in e2e["fixed"]["stages_ms"].items():
            for p in ("p50", "p99"):
                rows.append(
                    Row(
                        f"stage {stage} {p}",
                        values[p],
                        "ms",
                        f"raw Kafka round trip {p}",
                        kafka[f"round_trip_{p}_ms"],
                        False,
                    )
                )
        rows.append(
            Row(
                "consumer lag growth, worst group",
                e2e["fixed"]["lag_growth_per_s"],
                "/s",
                "offered rate",
                e2e["fixed"]["offered_per_s"],
                False,
            )
        )
    if e2e and chain:
        rows.append(
            Row(
                "CPU per interaction, all processes",
                e2e["fixed"]["cpu_ms_per_interaction"]["total"],
                "ms",
                "minimal chain CPU per event",
                chain["fixed"]["cpu_ms_per_event"],
                False,
            )
        )
    if e2e and bare:
        for service, mb in e2e["peak_rss_mb"].items():
            rows.append(
                Row(f"peak RSS {service}", mb, "MB", "bare FastAPI process", bare["rss_mb"], False)
            )
    if soak:
        rows += [
            Row(
                "soak: throughput, last 5 min",
                soak["last5"]["routed_per_s"],
                "/s",
                "soak: first 5 min",
                soak["first5"]["routed_per_s"],
            ),
            Row(
                "soak: p99 received -> routed, last 5 min",
                soak["last5"]["p99_ms"],
                "ms",
                "soak: first 5 min",
                soak["first5"]["p99_ms"],
                False,
            ),
            Row(
                "soak: lost (of sent)",
                soak["lost"],
                "",
                "sent and accepted",
                soak["accepted"],
                False,
            ),
            Row(
                "soak: duplicated",
                soak["duplicated"],
                "",
                "sent and accepted",
                soak["accepted"],
                False,
            ),
        ]
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
