"""The wall clock, read only at the edges; pure code receives ``now`` as an argument."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
