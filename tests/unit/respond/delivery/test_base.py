"""Shared connector mechanics: how answers are read, how long retries wait."""

from datetime import timedelta
from email.utils import format_datetime

import pytest

import services.respond.delivery as delivery
from services.respond.delivery.base import (
    Failed,
    PlatformResponse,
    RetryPolicy,
    Sent,
    first_text,
    retry_after_seconds,
)
from services.respond.delivery.x import CONNECTOR
from tests.unit.respond.delivery.replies import NOW, answer


def test_the_public_api_is_deliver_and_its_two_values():
    assert sorted(delivery.__all__) == ["DeliveryOutcome", "RetryPolicy", "deliver"]


@pytest.mark.parametrize(("attempt", "delay"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (8, 30.0)])
def test_backoff_doubles_from_the_first_delay_up_to_the_cap(attempt, delay):
    assert RetryPolicy().delay(attempt) == delay


def test_retry_after_wins_over_the_backoff_within_the_cap():
    assert RetryPolicy().delay(1, retry_after_s=9) == 9
    assert RetryPolicy(max_backoff_s=5).delay(1, retry_after_s=120) == 5


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("12", 12.0),
        ("0", 0.0),
        (format_datetime(NOW + timedelta(seconds=40), usegmt=True), 40.0),
        (format_datetime(NOW - timedelta(seconds=40), usegmt=True), 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value, seconds):
    assert retry_after_seconds(value, now=NOW) == seconds


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_timeouts_rate_limits_and_server_errors_are_retried(status):
    verdict = CONNECTOR.read(answer(status, {"title": "Service Unavailable"}), now=NOW)
    assert isinstance(verdict, Failed)
    assert verdict.retry


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_other_client_errors_fail_at_once(status):
    verdict = CONNECTOR.read(answer(status, {"title": "No"}), now=NOW)
    assert verdict == Failed(f"HTTP {status} from the platform: No", retry=False)


def test_a_non_json_error_body_gives_its_first_line():
    response = PlatformResponse(status=502, headers={}, body=b"Bad Gateway\n<html>...</html>")
    verdict = CONNECTOR.read(response, now=NOW)
    assert isinstance(verdict, Failed)
    assert verdict.reason == "HTTP 502 from the platform: Bad Gateway"


def test_an_error_without_a_message_names_the_status_only():
    assert CONNECTOR.read(answer(500), now=NOW) == Failed("HTTP 500 from the platform", retry=True)


def test_a_long_platform_message_is_cut():
    verdict = CONNECTOR.read(answer(400, {"detail": "x" * 1000}), now=NOW)
    assert isinstance(verdict, Failed)
    assert len(verdict.reason) < 400


def test_a_success_without_an_id_is_still_sent():
    assert CONNECTOR.read(answer(201, {"data": {}}), now=NOW) == Sent(None)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"a": [{"b": "x"}], "c": "fallback"}, "x"),
        ({"a": [{"b": 7}], "c": "fallback"}, "7"),
        ({"a": [], "c": "fallback"}, "fallback"),
        ({"a": [{"b": True}], "c": "fallback"}, "fallback"),
        ({"a": [{"b": ""}]}, None),
        ("not a dict", None),
    ],
)
def test_first_text_takes_the_first_path_holding_text(document, expected):
    assert first_text(document, ("a", 0, "b"), ("c",)) == expected
