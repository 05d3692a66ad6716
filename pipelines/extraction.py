"""Page work off the reactor: HTML pages go to a process pool, scans and records come back.

Parsing, trafilatura and date parsing are CPU-bound; running them in the Twisted reactor's
thread would stall fetching and archiving, and the crawl's main process is its narrowest part.
So a worker parses each HTML page once, scans it for the crawl (``crawler.pagescan``: canonical
URL, kind, links, feeds, requisites) and, for an article, extracts it from the same tree; the
spider awaits :meth:`ExtractionPipeline.scan` and yields the article with its extraction
attached. Articles reaching the pipeline without one are extracted here. The pool's size is
``EXTRACTION_WORKERS`` (0 = one per core but one: the reactor's process keeps a core busy
on its own); Scrapy's scraper slot
(``SCRAPER_SLOT_MAX_ACTIVE_SIZE``) bounds how many pages wait for it.
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
from crawler.extract.decode import MAX_HTML_BYTES, Decoded, decode_html
from crawler.extract.tree import parse_html
from crawler.extraction import extract_article, extract_parsed
from crawler.items import ArticlePage
from crawler.layout import crawl_output
from crawler.pagescan import PageScan, ScanScope, scan_tree
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


_SCOPE: ScanScope | None = None  # set in each worker by the pool's initializer


def _warm_up(scope: ScanScope | None = None) -> None:
    """Import the heavy modules once per worker, before the first page arrives; keep the
    crawl's scan scope (profile, hosts) so it is not pickled with every page."""
    global _SCOPE
    import crawler.extraction  # noqa: F401

    _SCOPE = scope


def scan_in_worker(body: bytes, url: str, page_url: str, fetched_at: str,
                   http_charset: str | None, extract: bool) -> tuple[PageScan, dict | None]:
    """Run in a pool process: parse once, scan for the crawl, extract an article (``extract``)
    from the same tree. ``url`` is the fetched URL, ``page_url`` its canonical form. Never
    raises: a failed scan is an empty one with ``scan_error``; extraction errors are skips."""
    assert _SCOPE is not None, "the pool's initializer sets the scan scope"
    try:
        decoded = decode_html(body, http_charset, max_bytes=max(len(body), 1))
        tree = parse_html(decoded.text) if decoded.text else None
        scan = scan_tree(tree, url, _SCOPE) if tree is not None else PageScan()
    except Exception as exc:  # pathological markup: the page stays archived, nothing follows
        return PageScan(scan_error=f"{type(exc).__name__}: {str(exc)[:300]}"), None
    if not (extract and scan.is_article):
        return scan, None
    if len(body) > MAX_HTML_BYTES:
        decoded = Decoded(None, skip_reason="too_large")
    try:
        result = extract_parsed(decoded, tree, scan.canonical or page_url, profile=_SCOPE.profile,
                                fetched_at=fetched_at)
    except Exception as exc:
        return scan, {"skip_reason": f"extraction_error:{type(exc).__name__}",
                      "error": str(exc)[:500]}
    return scan, result.to_dict()


class ExtractionPipeline:
    """Turns :class:`ArticlePage` items into article JSON records (``crawler.record``)."""

    def __init__(self, crawler: Any):
        settings = crawler.settings
        if not settings.getbool("EXTRACTION_ENABLED", True):
            raise NotConfigured("EXTRACTION_ENABLED is off")
        self.crawler = crawler
        self.workers = settings.getint("EXTRACTION_WORKERS") or max(1, (os.cpu_count() or 2) - 1)
        self.pool: ProcessPoolExecutor | None = None
        self.scope: ScanScope | None = None
        crawler.page_scanner = self  # the spider sends its HTML pages to scan()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractionPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        scope = getattr(self.crawler.spider, "scan_scope", None)
        self.scope = scope() if callable(scope) else None
        self.pool = self._new_pool()

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        return ProcessPoolExecutor(self.workers, mp_context=context, initializer=_warm_up,
                                   initargs=(self.scope,))

    async def scan(self, body: bytes, url: str, page_url: str, fetched_at: str,
                   http_charset: str | None, extract: bool) -> tuple[PageScan, dict | None]:
        """:func:`scan_in_worker` in the pool, awaited without blocking the reactor."""
        if self.pool is None or self.scope is None:
            raise RuntimeError("the extraction pool is not open (or the spider has no scan scope)")
        args = (body, url, page_url, fetched_at, http_charset, extract)
        try:
            return await asyncio.wrap_future(self.pool.submit(scan_in_worker, *args))
        except BrokenProcessPool:
            logger.error("extraction worker died on %s; restarting the pool", url)
            self.pool = self._new_pool()
            return PageScan(scan_error="extraction worker died"), {
                "skip_reason": "extraction_worker_died"}

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        stats = self.crawler.stats
        spider = self.crawler.spider
        result = item.extracted
        if result is None:  # not extracted with its scan
            result = await self._extract(item, spider.profile)
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

    async def _extract(self, item: ArticlePage, profile: SiteProfile) -> dict[str, Any]:
        assert self.pool is not None
        args = (item.body, item.canonical_url, profile, item.fetched_at, item.http_charset)
        try:
            return await asyncio.wrap_future(self.pool.submit(extract_in_worker, *args))
        except BrokenProcessPool:
            logger.error("extraction worker died on %s; restarting the pool", item.url)
            self.pool = self._new_pool()
            return {"skip_reason": "extraction_worker_died"}
