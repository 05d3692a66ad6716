"""Retry-After parsing."""

import datetime as dt

from crawler.retry_after import parse_retry_after


def test_seconds_and_dates():
    now = dt.datetime(2025, 3, 23, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after("Sun, 23 Mar 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sun, 23 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
