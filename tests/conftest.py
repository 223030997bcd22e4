"""Session fixtures: the real embedded engines and services, started once and always stopped."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from shared.runner.stack import Ports, Stack, StackOptions

TEST_CONFIG = Path(__file__).parent / "fixtures" / "agora.yaml"

TEST_TOKEN = "test-supervisor-token"
TEST_SECRET = "test-webhook-secret"
# Secrets of the platform connections in tests/fixtures/agora.yaml.
PLATFORM_SECRETS = {
    "AGORA_TEST_META_SECRET": "meta-app-secret",
    "AGORA_TEST_META_VERIFY": "meta-verify-token",
    "AGORA_TEST_META_TOKEN": "meta-page-token",
    "AGORA_ESCALATION_INTERVAL_S": "1",
    "AGORA_TEST_TWILIO_TOKEN": "twilio-auth-token",
    "AGORA_TEST_X_SECRET": "x-consumer-secret",
    "AGORA_TEST_TELEGRAM_SECRET": "telegram-secret-token",
}


def upcoming_wednesdays(count: int = 12) -> list[date]:
    """Holidays the SLA tests can count on, whenever they run: the next Wednesdays."""
    today = datetime.now(UTC).date()
    first = today + timedelta(days=(2 - today.weekday()) % 7 or 7)
    return [first + timedelta(weeks=n) for n in range(count)]


def config_with_upcoming_holidays(tmp: Path) -> Path:
    """The test configuration, with Lyon's holidays on the next Wednesdays."""
    text = TEST_CONFIG.read_text()
    holidays = ", ".join(d.isoformat() for d in upcoming_wednesdays())
    marker = "    holidays: [2026-12-25, 2027-01-01]"
    if marker not in text:
        raise AssertionError(f"{TEST_CONFIG} no longer has the line {marker!r}")
    path = tmp / "agora.yaml"
    path.write_text(text.replace(marker, f"    holidays: [{holidays}]"))
    return path


def make_stack(tmp: Path, *, prometheus: bool = False) -> Stack:
    """A stack on free ports; Prometheus only for the tests about it."""
    return Stack(
        StackOptions(
            data_dir=tmp,
            ports=Ports.free(),
            config=config_with_upcoming_holidays(tmp),
            demo_token=TEST_TOKEN,
            webhook_secret=TEST_SECRET,
            log_level="INFO",
            extra_env=dict(PLATFORM_SECRETS),
            prometheus=prometheus,
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
