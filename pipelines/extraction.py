"""Extraction off the reactor: article pages go to a process pool, records come back.

trafilatura and date parsing are CPU-bound; running them in the Twisted reactor's thread would
stall fetching and archiving. The pool's size is ``EXTRACTION_WORKERS`` (0 = one per core);
Scrapy's scraper slot (``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) bounds how many pages wait for it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured

from crawler.dates import moment_of
from crawler.extraction import extract_article
from crawler.items import ArticlePage
from crawler.layout import crawl_output
from crawler.profiles import SiteProfile
from crawler.record import build_record

logger = logging.getLogger(__name__)


def extract_in_worker(body: bytes, url: str, profile: SiteProfile, fetched_at: str,
                      http_charset: str | None) -> dict[str, Any]:
    """Run in a pool process: extraction that never raises (errors become a skip reason)."""
    try:
        result = extract_article(body, url, profile=profile,
                                 fetched_at=dt.datetime.fromisoformat(fetched_at),
                                 http_charset=http_charset)
    except Exception as exc:  # a bug must not lose the crawl: the page stays archived
        return {"skip_reason": f"extraction_error:{type(exc).__name__}", "error": str(exc)[:500]}
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def _warm_up() -> None:
    """Import the heavy modules once per worker, before the first page arrives."""
    import crawler.extraction  # noqa: F401


class ExtractionPipeline:
    """Turns :class:`ArticlePage` items into article JSON records (``crawler.record``)."""

    def __init__(self, crawler: Any):
        settings = crawler.settings
        if not settings.getbool("EXTRACTION_ENABLED", True):
            raise NotConfigured("EXTRACTION_ENABLED is off")
        self.crawler = crawler
        self.workers = settings.getint("EXTRACTION_WORKERS") or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.pool = self._new_pool()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        stats = self.crawler.stats
        spider = self.crawler.spider
        assert self.pool is not None
        args = (item.body, item.canonical_url, spider.profile, item.fetched_at, item.http_charset)
        try:
            result = await asyncio.wrap_future(self.pool.submit(extract_in_worker, *args))
        except BrokenProcessPool:
            logger.error("extraction worker died on %s; restarting the pool", item.url)
            self.pool = self._new_pool()
            result = {"skip_reason": "extraction_worker_died"}
        reason = result.get("skip_reason")
        if reason:
            stats.inc_value(f"extraction/skipped/{reason.split(':')[0]}")
            raise DropItem(f"not an extractable article ({reason}): {item.url}")
        record = build_record(result, url=item.url, site=item.site, fetched_at=item.fetched_at,
                              crawl_id=crawl_output(self.crawler).crawl_id, warc=item.warc or {})
        since = getattr(spider, "since", None)
        published = record.get("published")
        if since and published and moment_of(published, spider.profile.timezone) < since:
            stats.inc_value("extraction/skipped/before_since")
            raise DropItem(f"published {published}, before --since: {item.url}")
        stats.inc_value("extraction/records")
        return record
