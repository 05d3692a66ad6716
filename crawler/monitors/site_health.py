"""Give up on a dead site instead of waiting on it: its crawl ends, with the reason in words.

A downloader middleware next to the downloader, so it sees every attempt before retries: a
site is given up when

* its robots.txt answers a server error on its last attempt: RFC 9309 (2.3.1.3) has crawlers
  assume a complete disallow then;
* it gave nothing but network errors (DNS failure, refused or timed-out connections)
  ``SITE_GIVE_UP_UNREACHABLE`` times in a row before its first response, or
  ``SITE_GIVE_UP_NETWORK_ERRORS`` times in a row later;
* it answered ``SITE_GIVE_UP_SERVER_ERRORS`` server errors (5xx) in a row: a storm, not a
  broken page or two.

The reason goes to the stat ``site/give_up`` (the run's per-site table shows it), one warning
line is logged, and the crawl closes with the finish reason ``site_given_up``. The rest of a
run (``crawler.multisite``) goes on. ``SITE_GIVE_UP_ENABLED`` switches it off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.crawl.context import CrawlContext
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

FINISH_REASON = "site_given_up"
GIVE_UP_REASON_STAT = "site/give_up"  # why the site was given up, in words
# Network errors by the exception's class name: what each says in the reason.
NETWORK_ERRORS = {
    "CannotResolveHostError": "DNS lookup failed",
    "DownloadConnectionRefusedError": "connection refused",
    "DownloadTimeoutError": "no answer in time",
    "DownloadFailedError": "download failed",
    "DNSLookupError": "DNS lookup failed",
    "ConnectionRefusedError": "connection refused",
    "TCPTimedOutError": "connection timed out",
    "TimeoutError": "no answer in time",
    "NoRouteError": "no route to host",
    "ConnectError": "cannot connect",
    "ConnectionDone": "connection closed",
    "ConnectionLost": "connection lost",
    "ResponseNeverReceived": "no response",
    "TunnelError": "proxy tunnel failed",
}


@dataclass(frozen=True)
class GiveUpSettings:
    """``SITE_GIVE_UP_*`` and the retries each request gets (``RETRY_TIMES``)."""

    enabled: bool
    unreachable: int
    network_errors: int
    server_errors: int
    retries: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> GiveUpSettings:
        read = SettingsReader(settings)
        return cls(enabled=read.bool("SITE_GIVE_UP_ENABLED"),
                   unreachable=read.int("SITE_GIVE_UP_UNREACHABLE"),
                   network_errors=read.int("SITE_GIVE_UP_NETWORK_ERRORS"),
                   server_errors=read.int("SITE_GIVE_UP_SERVER_ERRORS"),
                   retries=read.int("RETRY_TIMES"))


class SiteGiveUp:
    """Downloader middleware: ends the crawl of a site that is dead (see the module)."""

    def __init__(self, crawler: Crawler, config: GiveUpSettings) -> None:
        self.crawler = crawler
        self.unreachable, self.network_errors = config.unreachable, config.network_errors
        self.server_errors, self.retries = config.server_errors, config.retries
        self.responses = 0
        self.failures_in_a_row = 0
        self.server_errors_in_a_row = 0
        self.given_up = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteGiveUp:
        config = CrawlContext.of(crawler).config(GiveUpSettings)
        if not config.enabled:
            raise NotConfigured
        return cls(crawler, config)

    def process_request(self, request: Request) -> None:
        if self.given_up:
            raise IgnoreRequest(f"site given up: {self.given_up}")

    def process_response(self, request: Request, response: Response) -> Response:
        self.responses += 1
        self.failures_in_a_row = 0
        if response.status < 500:
            self.server_errors_in_a_row = 0
            return response
        self.server_errors_in_a_row += 1
        if request.url.endswith("/robots.txt") and self._last_attempt(request):
            self.give_up(f"robots.txt answered HTTP {response.status} (RFC 9309: a server "
                         "error means nothing may be crawled)")
        elif self.server_errors_in_a_row >= self.server_errors > 0:
            self.give_up(f"{self.server_errors_in_a_row} server errors in a row (last: HTTP "
                         f"{response.status} for {request.url})")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        name = type(exception).__name__
        words = NETWORK_ERRORS.get(name)
        if words is None:
            return
        self.failures_in_a_row += 1
        limit = self.network_errors if self.responses else self.unreachable
        if self.failures_in_a_row >= limit > 0:
            host = request.url.split("/")[2] if "://" in request.url else request.url
            when = "in a row" if self.responses else "before any answer"
            self.give_up(f"unreachable: {words} ({host}; {self.failures_in_a_row} "
                         f"network errors {when})")

    def _last_attempt(self, request: Request) -> bool:
        return int(request.meta.get("retry_times", 0)) >= self.retries

    def give_up(self, reason: str) -> None:
        """End the crawl of this site, once, saying why."""
        if self.given_up:
            return
        self.given_up = reason
        stats = self.crawler.stats
        if stats is not None:
            stats.set_value(GIVE_UP_REASON_STAT, reason)
        spider = self.crawler.spider
        site = getattr(getattr(spider, "site", None), "origin", None) or getattr(spider, "name", "")
        logger.warning("giving up on %s: %s", site, reason)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))
