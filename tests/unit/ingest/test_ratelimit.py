from services.ingest.ratelimit import RateLimiter, retry_after_header


def test_requests_within_the_burst_pass() -> None:
    limiter = RateLimiter(burst_s=2)
    assert all(limiter.acquire("c", rate=5, now=0.0) == 0 for _ in range(10))


def test_request_beyond_the_burst_must_wait() -> None:
    limiter = RateLimiter(burst_s=1)
    for _ in range(5):
        limiter.acquire("c", rate=5, now=0.0)
    assert limiter.acquire("c", rate=5, now=0.0) > 0


def test_tokens_refill_with_time() -> None:
    limiter = RateLimiter(burst_s=1)
    for _ in range(5):
        limiter.acquire("c", rate=5, now=0.0)
    assert limiter.acquire("c", rate=5, now=1.0) == 0


def test_connections_have_separate_buckets() -> None:
    limiter = RateLimiter(burst_s=1)
    limiter.acquire("a", rate=1, now=0.0)
    assert limiter.acquire("a", rate=1, now=0.0) > 0
    assert limiter.acquire("b", rate=1, now=0.0) == 0


def test_retry_after_is_a_whole_number_of_seconds_at_least_one() -> None:
    assert retry_after_header(0.01) == 1
    assert retry_after_header(2.2) == 3
