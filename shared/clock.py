"""The wall clock, read only at the edges; pure code receives ``now`` as an argument."""

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, to the millisecond: what MongoDB stores, so a value reads back unchanged."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
