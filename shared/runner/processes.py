"""Child processes that are started in their own session and always stopped with it."""

import contextlib
import logging
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)


def _ephemeral_low(default: int = 32768) -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return default


def free_port() -> int:
    """A port nothing listens on, chosen below the kernel's ephemeral range: a service that
    binds a second later must not find it taken by some process's outgoing connection."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(max(1024, low - 12000), low)  # noqa: S311 - not a secret
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
        return True
    return False


def wait_for_port(port: int, *, timeout_s: float, process: "Child | None" = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if port_open(port):
            return
        if process is not None and not process.running:
            raise RuntimeError(
                f"{process.name} exited (code {process.returncode}); see {process.log_path}"
            )
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on port {port} after {timeout_s:.0f}s")


@dataclass
class Child:
    """One supervised process; its output goes to ``log_path``."""

    name: str
    argv: Sequence[str]
    log_path: Path
    env: Mapping[str, str] = field(default_factory=dict)
    _popen: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._popen = subprocess.Popen(  # noqa: S603 - argv built by the runner, no shell
            list(self.argv),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env},
            start_new_session=True,  # its own process group: we stop all it spawned
        )

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self._popen.poll() if self._popen else None

    def kill(self) -> None:
        """SIGKILL the whole process group (simulates a crash)."""
        self._signal(signal.SIGKILL)
        if self._popen is not None:
            self._popen.wait()
        self._close_log()

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM); ``stop`` waits for it."""
        if self.running:
            self._signal(signal.SIGTERM)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL what is left after ``timeout_s``."""
        if self._popen is None:
            return
        if self.running:
            self._signal(signal.SIGTERM)
            try:
                self._popen.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("child_killed", extra={"service": self.name})
        self._signal(signal.SIGKILL)  # anything left in its group
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout=5)
        self._close_log()

    def _signal(self, sig: signal.Signals) -> None:
        if self._popen is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._popen.pid, sig)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
