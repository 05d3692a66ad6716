"""Retry-After parsing."""

import datetime as dt

from scrapy.http import Response

from crawler.engine.retry_after import parse_retry_after, retry_after_seconds


def test_seconds_and_dates():
    now = dt.datetime(2025, 3, 23, 12, 0, tzinfo=dt.UTC)
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after("Sun, 23 Mar 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sun, 23 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None


def test_the_pause_a_response_asks_for_is_capped_and_only_on_429_and_503():
    def answer(status, value=None):
        headers = {"Retry-After": value} if value is not None else {}
        return Response("http://127.0.0.1/", status=status, headers=headers)

    assert retry_after_seconds(answer(503, "5"), cap=60) == 5.0
    assert retry_after_seconds(answer(429, "120"), cap=60) == 60.0
    assert retry_after_seconds(answer(200, "5"), cap=60) is None
    assert retry_after_seconds(answer(503), cap=60) is None
    assert retry_after_seconds(answer(503, "0"), cap=60) is None
    assert retry_after_seconds(answer(503, "soon"), cap=60) is None
