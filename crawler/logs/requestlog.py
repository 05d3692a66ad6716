"""Scrapy extension: one log line per request that failed with an HTTP error.

Scrapy's final answer to a request, after its retries and redirects, is the response that
reaches the engine (``response_received``); when its status is 400 or more the request failed,
and this logs one WARNING line, ``failed: HTTP 404 <url> (linked from <referer>)``. Scrapy's own
"Ignoring response" line goes to DEBUG (``crawler.logs.log_output``) and its "Gave up retrying" line
too (``RETRY_GIVE_UP_LOG_LEVEL``). A request that got no response at all is logged once by Scrapy's
scraper, in one line (``crawler.logs.logformat``). A robots.txt answer is not a failure: a
missing robots.txt allows everything. Setting: ``LOG_FAILED_REQUESTS``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.logs.log_output import LogSettings

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class FailedRequestLog:
    """Logs ``failed: HTTP <status> <url>`` for every final response of 400 or more."""

    def __init__(self, crawler: Crawler) -> None:
        if not LogSettings.from_settings(crawler.settings).failed_requests:
            raise NotConfigured
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FailedRequestLog:
        return cls(crawler)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if response.status < 400 or response.url.endswith("/robots.txt"):
            return
        notes = []
        if referer := request.headers.get(b"Referer"):
            notes.append(f"linked from {referer.decode('latin-1')}")
        if (attempts := int(request.meta.get("retry_times") or 0) + 1) > 1:
            notes.append(f"{attempts} attempts")
        logger.warning("failed: HTTP %d %s%s", response.status, response.url,
                       f" ({'; '.join(notes)})" if notes else "")
