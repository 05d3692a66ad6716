"""Each article's record written once across the workers of a shared crawl.

Before the JSON writer sees a record, its canonical URL is claimed in Redis. A record whose URL
another worker claimed is dropped. If a worker dies between its claim and the flush of the record,
the reaper (:mod:`crawler.distributed.extension`) releases the claims it finds no record for, so the
request, back in the queue, can write it.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.distributed.scheduler import shared_crawl_of


class ArticleClaimPipeline:
    """Item pipeline, just before the JSON writer."""

    def __init__(self, crawler: Any) -> None:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured("REDIS_URL is not set")
        self.crawler = crawler
        self.shared = shared_crawl_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArticleClaimPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not (isinstance(item, dict) and "schema_version" in item):
            return item
        owner = self.shared.claim_article(item["canonical_url"])
        if owner != self.shared.worker:
            self.crawler.stats.inc_value("articles/duplicate_other_worker")
            raise DropItem(f"written by worker {owner}: {item['canonical_url']}")
        return item
