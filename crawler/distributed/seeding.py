"""Start requests enter a shared crawl once: the first worker seeds, the others only consume."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import shared_crawl_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SeedOnceMiddleware:
    """Spider middleware: passes the spider's start requests through on the seeding worker only,
    and marks the crawl seeded once all of them are in the shared queue."""

    def __init__(self, crawler: Crawler) -> None:
        if not CrawlContext.of(crawler).distributed:
            raise NotConfigured("REDIS_URL is not set")
        self.crawler = crawler
        self.shared = shared_crawl_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedOnceMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if not self.shared.claim_seeding():
            logger.info("crawl %s is seeded by another worker: taking requests from the "
                        "shared queue", self.shared.keys.root)
            return
        count = 0
        async for request in start:
            count += 1
            yield request
        self.shared.mark_seeded()
        self.crawler.stats.set_value("distributed/seeded", count)
        logger.info("seeded the shared crawl with %d start requests", count)
