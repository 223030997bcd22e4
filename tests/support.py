"""Helpers for tests that drive real services: signed webhooks and waiting for a condition."""

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_generic_webhook(
    client: httpx.Client,
    ingest_url: str,
    secret: str,
    payload: dict[str, Any],
    connection: str = "lyon-demo",
) -> httpx.Response:
    body = json.dumps(payload).encode()
    return client.post(
        f"{ingest_url}/webhooks/generic/{connection}",
        content=body,
        headers={"content-type": "application/json", "x-agora-signature-256": sign(secret, body)},
    )


def eventually(check: Callable[[], T | None], *, timeout: float = 30, interval: float = 0.2) -> T:
    """Poll ``check`` until it returns something truthy; its last error explains a timeout."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = check()
            if result:
                return result
        except (AssertionError, httpx.HTTPError, KeyError) as error:
            last_error = error
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {last_error!r}")
        time.sleep(interval)
