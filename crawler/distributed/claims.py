"""Each article's record written once across the workers of a shared crawl.

Before the JSON writer sees a record, its canonical URL is claimed in Redis. A record whose URL
another worker claimed is dropped. If a worker dies between its claim and the flush of the record,
the reaper (:mod:`crawler.distributed.worker_extension`) releases the claims it finds no record
for, so the request, back in the queue, can write it.

``--max-items`` holds for the crawl (kept by the add-on, ``DISTRIBUTED_MAX_ITEMS``): the claim that
would pass it is refused, the record dropped, and the crawl stops: no worker leases another
request, this one closes with ``closespider_itemcount`` and the others finish as they go idle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import redis
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import shared_crawl_of, worker_addon
from crawler.distributed.lifeline import until_redis_answers
from crawler.distributed.shared import MAX_ITEMS_REASON

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ArticleClaimPipeline:
    """Item pipeline, just before the JSON writer."""

    def __init__(self, crawler: Crawler) -> None:
        if not CrawlContext.of(crawler).distributed:
            raise NotConfigured("REDIS_URL is not set")
        self.crawler = crawler
        addon = worker_addon(crawler)
        self.shared = shared_crawl_of(crawler)
        # --max-items for the crawl (the add-on set the worker's own limit to 0)
        self.max_items = addon.checks.max_items if addon.checks is not None else 0
        self._stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleClaimPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not (isinstance(item, dict) and "schema_version" in item):
            return item
        url = item["canonical_url"]
        try:  # waits while Redis does not answer: the page's lease stays unacknowledged
            owner = await until_redis_answers(
                self.crawler, lambda: self.shared.claim_article(url, self.max_items))
        except redis.RedisError as exc:  # the worker stops: the page is fetched again
            self.crawler.stats.inc_value("articles/claim_failed")
            raise DropItem(f"Redis does not answer ({exc}): left to the crawl: {url}") from exc
        if owner is None:
            self.crawler.stats.inc_value("articles/over_max_items")
            self._stop()
            raise DropItem(f"--max-items {self.max_items} reached for the crawl: {url}", "INFO")
        if owner != self.shared.worker:
            self.crawler.stats.inc_value("articles/duplicate_other_worker")
            raise DropItem(f"written by worker {owner}: {item['canonical_url']}")
        return item

    def _stop(self) -> None:
        """Close this worker once, as Scrapy's CloseSpider does for --max-items."""
        if not self._stopping:
            self._stopping = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=MAX_ITEMS_REASON))
