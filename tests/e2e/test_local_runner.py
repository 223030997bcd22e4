"""``agora up`` as a person runs it: starts everything, stops every child, keeps the data."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from shared.runner.processes import free_port, port_open
from tests.support import eventually, post_generic_webhook

pytestmark = pytest.mark.e2e

TOKEN = "runner-test-token"
SECRET = "runner-test-secret"


def _free_block(size: int = 4) -> int:
    for _ in range(50):
        base = free_port()
        if base + size < 65535 and not any(port_open(base + i) for i in range(size)):
            return base
    raise RuntimeError("no block of free ports")


def _start(data_dir: Path, ports: dict[str, int]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "up",
            "--data-dir",
            str(data_dir),
            "--kafka-port",
            str(ports["kafka"]),
            "--mongo-port",
            str(ports["mongo"]),
            "--http-port-base",
            str(ports["http"]),
            "--no-prometheus",  # its own test starts it (tests/integration/test_prometheus.py)
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "AGORA_DEMO_TOKEN": TOKEN, "AGORA_DEMO_WEBHOOK_SECRET": SECRET},
    )


def _wait_up(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("Press Ctrl-C"):
            return "".join(seen)
    raise AssertionError("agora up ended early:\n" + "".join(seen))


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    return out


def _children_of(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def test_agora_up_serves_stops_cleanly_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    http = _free_block()
    block = range(http, http + 4)
    kafka = next(p for p in iter(free_port, None) if p not in block)
    mongo = next(p for p in iter(free_port, None) if p not in block and p != kafka)
    ports = {"kafka": kafka, "mongo": mongo, "http": http}
    ingest, respond = (f"http://127.0.0.1:{ports['http'] + i}" for i in (0, 2))
    conversation = f"runner-{uuid.uuid4().hex[:8]}"
    auth = {"Authorization": f"Bearer {TOKEN}"}

    first = _start(tmp_path, ports)
    try:
        banner = _wait_up(first)
        assert TOKEN in banner
        assert f"{respond}/docs" in banner
        children = _children_of(first.pid)
        assert len(children) == 6  # tansu, SecantusDB and the four services
        with httpx.Client(timeout=10) as http:
            message = {
                "message_id": conversation,
                "conversation_id": conversation,
                "text": "Poubelles pleines rue Mercière",
            }
            assert post_generic_webhook(http, ingest, SECRET, message).status_code == 200
            eventually(
                lambda: http.get(
                    f"{respond}/cases", params={"conversation_id": conversation}, headers=auth
                ).json()["items"]
            )
    finally:
        output = _stop(first)
    assert first.returncode == 0, output
    assert "Stopped." in output
    time.sleep(0.5)
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    assert not any(port_open(p) for p in (ports["kafka"], ports["mongo"], ports["http"] + 2))

    second = _start(tmp_path, ports)
    try:
        _wait_up(second)
        with httpx.Client(timeout=10) as http:
            cases = http.get(
                f"{respond}/cases", params={"conversation_id": conversation}, headers=auth
            ).json()["items"]
    finally:
        _stop(second)
    assert len(cases) == 1
    assert cases[0]["team"] == "proprete"


def test_agora_up_refuses_an_invalid_config_naming_the_field(tmp_path: Path) -> None:
    config = tmp_path / "agora.yaml"
    config.write_text("agencies:\n  - id: lyon\n    name: Lyon\n    teams: []\n    routing: []\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "up",
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"{config}:5: agencies[0].routing: a default rule is required" in result.stdout
