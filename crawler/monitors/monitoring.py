"""Scrapy extension: watch for a discovery stall while crawling, evaluate every monitor at the end.

Settings: ``MONITORS_ENABLED``, ``MONITOR_STALL_SECONDS``, ``MONITOR_STALL_CLOSE`` (and the
thresholds :func:`crawler.monitors.checks.evaluate_monitors` reads). The results are stored in the
stats by a crawl-output closer, so ``manifest.json`` and the report both carry them.

``MONITOR_CRAWL_CLOCK`` (set by the distributed add-on) names a component that knows when any
worker of the crawl last wrote an article (``article_age()``) and stops the whole crawl
(``stop(reason)``): a worker that found nothing for the window while its peers write articles
is not stalled, and a stall the crawl confirms stops every worker.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.crawl.context import CrawlContext
from crawler.monitors.checks import (
    FAILED_STAT,
    GAP_STAT,
    RESULTS_STAT,
    STALL_REASON,
    MonitorSettings,
    evaluate_monitors,
)
from crawler.monitors.stall import StallWatch

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)



class MonitorExtension:
    """Live discovery-stall watch plus the end-of-crawl evaluation of all monitors."""

    def __init__(self, crawler: Crawler) -> None:
        context = self.context = CrawlContext.of(crawler)
        config = self.config = context.config(MonitorSettings)
        if not config.enabled:
            raise NotConfigured
        self.crawler = crawler
        self.window = config.stall_seconds
        self.close_on_stall = config.stall_close
        self.watch = StallWatch(self.window, time.monotonic())
        clock = config.crawl_clock
        self.crawl_clock = build_from_crawler(load_object(clock), crawler) if clock else None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MonitorExtension:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self.watch = StallWatch(self.window, time.monotonic())
        self.context.output.add_closer(self.evaluate, "monitors")

    def item_scraped(self, item: Any, spider: Spider) -> None:
        self.watch.article(time.monotonic())

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        now = time.monotonic()
        tripped = self.watch.response(now)
        if tripped and self.crawl_clock is not None:
            age = self.crawl_clock.article_age()  # None: unknown, this worker's view stands
            if age is not None and age <= self.window:
                self.watch.rebase(now, age)  # its peers write articles: no stall
                tripped = False
        self.crawler.stats.set_value(GAP_STAT, round(self.watch.longest, 1))
        if not tripped:
            return
        logger.warning("discovery stall: no new article for %.0fs while fetching (last: %s)",
                       self.window, response.url)
        if self.close_on_stall:
            if self.crawl_clock is not None:
                self.crawl_clock.stop(STALL_REASON)  # every worker of the crawl stops
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=STALL_REASON))

    def evaluate(self) -> None:
        """Closer: evaluate every monitor and store the results in the stats."""
        stats = self.crawler.stats
        results = evaluate_monitors(stats.get_stats(), self.config)
        stats.set_value(RESULTS_STAT, [r.to_dict() for r in results])
        stats.set_value(FAILED_STAT, [r.name for r in results if not r.ok])
        for r in results:
            if not r.ok:
                logger.warning("monitor %s failed: %s", r.name, r.detail)
