"""Per-connection token buckets (pure: the caller passes the time)."""

import math
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows ``rate`` requests per second per key, with bursts of ``burst_s`` seconds' worth."""

    def __init__(self, burst_s: float = 2.0) -> None:
        self.burst_s = burst_s
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, key: str, *, rate: float, now: float) -> float:
        """Take one token; returns 0 when allowed, else the seconds to wait."""
        capacity = max(1.0, rate * self.burst_s)
        bucket = self._buckets.setdefault(key, _Bucket(tokens=capacity, updated=now))
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate


def retry_after_header(wait_s: float) -> int:
    return max(1, math.ceil(wait_s))
