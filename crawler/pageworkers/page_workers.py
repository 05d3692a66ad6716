"""Page work off the reactor: a process pool that parses each HTML page once, scans it for the
crawl and extracts it when it is an article.

Parsing, trafilatura and date parsing are CPU-bound; in the Twisted reactor's thread they would
stall fetching and archiving, and the crawl's main process is its narrowest part. So a worker
parses a page once, scans the tree (``crawler.pages.pagescan``: canonical URL, kind, links, feeds,
requisites) and, for an article not written yet, extracts it from the same tree
(``crawler.extract.article``). The spider awaits :meth:`PageWorkers.scan`; with
``EXTRACTION_ENABLED`` off the workers only scan. ``EXTRACTION_WORKERS`` processes (0 = one per
core but one: the reactor's process keeps a core busy on its own) in a pool that hands pages
over in the event loop, without threads (``crawler.pageworkers.pool``), shared by the crawlers
of one process (``crawler.pageworkers.shared_pool``); Scrapy's scraper slot
(``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) bounds how many pages wait for them.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl.context import CrawlContext
from crawler.extract.worker import (
    extract_in_worker,
    forget_scope,
    remember_scope,
    scan_in_worker,
    warm_up,
)
from crawler.pages.pagescan import PageScan, ScanScope
from crawler.pages.profiles import SiteProfile
from crawler.pageworkers import shared_pool
from crawler.pageworkers.pool import ProcessPool, WorkerDied
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageWorkerSettings:
    """``EXTRACTION_WORKERS``: worker processes; 0: one per core but one; -1: none (pages are
    scanned and extracted in the main process)."""

    workers: int

    @classmethod
    def from_settings(cls, settings: Any) -> PageWorkerSettings:
        return cls(workers=SettingsReader(settings).int("EXTRACTION_WORKERS"))


def hold_pool(settings: Any) -> ProcessPool | None:
    """The process's pool, taken for a run of many crawls (``crawler.multisite``): it stays
    up between one site's crawl and the next; give it back with ``shared_pool.release``. None
    when pages are scanned in the main process (``EXTRACTION_WORKERS`` -1)."""
    workers = PageWorkerSettings.from_settings(settings).workers
    if workers < 0:
        return None
    return shared_pool.acquire(workers or max(1, (os.cpu_count() or 2) - 1), initializer=warm_up)


class PageWorkers:
    """Extension: the process's pool, taken from ``spider_opened`` to ``spider_closed``; one of
    the crawl's parts (``crawler.crawl.parts``)."""

    def __init__(self, crawler: Crawler):
        context = CrawlContext.of(crawler)
        workers = context.config(PageWorkerSettings).workers
        if workers < 0:
            raise NotConfigured("EXTRACTION_WORKERS < 0: pages are scanned in the main process")
        self.crawler = crawler
        self.workers = workers or max(1, (os.cpu_count() or 2) - 1)
        self.extracting = context.crawl_settings.extraction_enabled
        self.pool: ProcessPool | None = None
        self.scope: ScanScope | None = None
        self.key = f"{context.site_key}/{context.crawl_id}/{secrets.token_hex(4)}"  # its scope's
        context.parts.add(self)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageWorkers:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        scope = getattr(spider, "scan_scope", None)
        self.scope = scope() if callable(scope) else None
        # the process's pool: its processes end with the process (even on SIGKILL)
        self.pool = shared_pool.acquire(self.workers, initializer=warm_up)
        if self.scope is not None:
            self.pool.broadcast(self.key, remember_scope, self.key, self.scope)

    def spider_closed(self, spider: Spider) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if shared_pool.users() > 1:  # other crawls go on with it: its workers drop this scope
            pool.forget(self.key, forget_scope, self.key)
        shared_pool.release(pool)

    async def scan(self, body: bytes, url: str, page_url: str, fetched_at: str,
                   http_charset: str | None, extract: bool,
                   server_date: str | None = None) -> tuple[PageScan, dict | None]:
        """:func:`scan_in_worker` in the pool (extracting only with extraction on)."""
        if self.scope is None:
            raise RuntimeError("page workers scan for spiders with scan_scope() only")
        args = (self.key, body, url, page_url, fetched_at, http_charset,
                extract and self.extracting, server_date)
        return await self._run(scan_in_worker, args, url, self._scan_lost)

    async def extract(self, body: bytes, url: str, profile: SiteProfile, fetched_at: str,
                      http_charset: str | None, server_date: str | None = None
                      ) -> dict[str, Any]:
        """:func:`extract_in_worker` in the pool."""
        return await self._run(extract_in_worker,
                               (body, url, profile, fetched_at, http_charset, server_date),
                               url, lambda: {"skip_reason": "extraction_worker_died"})

    async def _run(self, fn: Callable[..., Any], args: tuple, url: str,
                   if_died: Callable[[], Any]) -> Any:
        pool = self.pool
        if pool is None:
            raise RuntimeError("the page workers' pool is not open")
        try:
            return await pool.run(fn, *args)
        except WorkerDied as exc:
            logger.error("extraction worker died on %s (the page stays archived): %s", url, exc)
            return if_died()

    def _scan_lost(self) -> tuple[PageScan, None]:
        """A worker died (killed, or a crash in a C library on this page): the pages it held
        get no scan or record (the pool starts another worker)."""
        # counted where the report lists skipped extractions (the pipeline counts its own)
        self.crawler.stats.inc_value("extraction/skipped/extraction_worker_died")
        return PageScan(scan_error="extraction worker died"), None
