"""Session fixtures: the real embedded engines and services, started once and always stopped."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.runner.stack import Ports, Stack, StackOptions

TEST_CONFIG = Path(__file__).parent / "fixtures" / "agora.yaml"

TEST_TOKEN = "test-supervisor-token"
TEST_SECRET = "test-webhook-secret"


def make_stack(tmp: Path) -> Stack:
    return Stack(
        StackOptions(
            data_dir=tmp,
            ports=Ports.free(),
            config=TEST_CONFIG,
            demo_token=TEST_TOKEN,
            webhook_secret=TEST_SECRET,
            log_level="INFO",
        )
    )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """All four services on tansu and SecantusDB, shared by the e2e tests."""
    running = make_stack(tmp_path_factory.mktemp("stack"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TEST_TOKEN}"}
