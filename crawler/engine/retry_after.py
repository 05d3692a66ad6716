"""Honour ``Retry-After`` on 429 and 503: pause the whole host, then let Scrapy retry.

Scrapy's RetryMiddleware retries at once. A server that says "come back in N seconds" gets its
N seconds (capped at ``RETRY_AFTER_MAX``) before any request to that host, retries included.
Placed between RetryMiddleware (550) and HttpCompressionMiddleware (590).
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.engine.tuning import EngineSettings

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def parse_retry_after(value: str, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if bad."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def retry_after_seconds(response: Response, cap: float) -> float | None:
    """The pause a 429 or 503 asks for with ``Retry-After``, at most ``cap`` seconds; None
    for other responses and for a missing, unreadable or zero wait."""
    header = response.headers.get(b"Retry-After")
    if response.status not in (429, 503) or not header:
        return None
    seconds = parse_retry_after(header.decode("latin-1"))
    return min(seconds, cap) if seconds else None


class RetryAfterMiddleware:
    """Downloader middleware: a 429/503 with Retry-After pauses the host's download slot."""

    def __init__(self, crawler: Crawler):
        config = EngineSettings.from_settings(crawler.settings)
        if not config.retry_after:
            raise NotConfigured
        self.crawler = crawler
        self.max_wait = config.retry_after_max

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Any:
        seconds = retry_after_seconds(response, self.max_wait)
        if seconds:
            self._pause_slot(request, seconds)
        return response

    def _pause_slot(self, request: Request, seconds: float) -> None:
        from twisted.internet import reactor

        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None or slot.latercall is not None:
            return
        # Block the slot's queue until the pause ends (the downloader's own delay mechanism).
        # (mypy reads zope's IReactorTime.callLater with its missing self: the delay "is" the
        # callable)
        later = downloader._latercall
        slot.latercall = reactor.callLater(seconds, later, slot)  # type: ignore[arg-type]
        self.crawler.stats.inc_value("retry_after/pauses")
        self.crawler.stats.max_value("retry_after/max_seconds", seconds)
        logger.info("Retry-After %.1fs from %s: pausing the host", seconds, request.url)
