"""What every benchmark needs: wrk runs, a uvicorn baseline process, a results file."""

import json
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.runner.processes import Child, free_port, wait_for_port

BENCH = Path(__file__).parent
RESULTS = BENCH / "results"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class HttpLoad:
    """One wrk run: throughput and latency percentiles (milliseconds)."""

    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    timeouts: int = 0  # no answer within wrk's --timeout


def _ms(text: str | None) -> float:
    """wrk's "812.00us", "1.20s", "2.00m"; nan when wrk printed none (no request completed)."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text or "")
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def run_wrk(url: str, *, bodies: Path, seconds: float, connections: int) -> HttpLoad:
    """wrk posting ``bodies`` (``bench.loadgen.write_wrk_file``) to the host of ``url``."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(BENCH / "wrk_signed_posts.lua"),
            url,
            "--",
            str(bodies),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return HttpLoad(
        requests=requests,
        seconds=seconds,
        requests_per_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency.get("50")),
        p90_ms=_ms(latency.get("90")),
        p99_ms=_ms(latency.get("99")),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        timeouts=int(timeouts.group(1)) if timeouts else 0,
    )


def start_uvicorn(app: str, log_dir: Path) -> tuple[Child, str]:
    """A bare app under the same server settings the services use (one worker)."""
    port = free_port()
    child = Child(
        "baseline",
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        log_dir / "baseline.log",
    )
    child.start()
    wait_for_port(port, timeout_s=30, process=child)
    return child, f"http://127.0.0.1:{port}"


def save(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{name}-{stamp}.json"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    meta = {
        "benchmark": name,
        "at": stamp,
        "commit": commit,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    path.write_text(json.dumps({**meta, **figures}, indent=2, default=_jsonable) + "\n")
    return path


def _jsonable(value: Any) -> Any:
    return asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.0%}" if baseline else "n/a"


def settle(seconds: float) -> None:
    time.sleep(seconds)
