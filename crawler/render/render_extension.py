"""Scrapy extension: renders the pages the render policy picks and hands the spider their DOM.

The spider scans every HTML page as before (the page workers measure what the decision needs,
``crawler.pages.render_signals``) and then asks :meth:`Renderer.after_scan`. For a page to render:

1. the fetched response, archived already, is opened in Chromium, and every request the page
   makes goes through the crawl's own downloader (``crawler.render.network``);
2. the DOM is written as a ``conversion`` record referring to the page's response record
   (``crawler.render.conversion``); the response's ``meta["rendered"]`` points at it;
3. the DOM goes the static page's way: scanned and extracted in the page workers, its links
   followed, its article record built with ``rendered: true`` and both pointers.

The render runs in the spider's callback, after the page's download finished: it holds no
downloader slot while its own requests wait for the host's. At most ``RENDER_CONCURRENCY`` pages
render at once. With ``RENDER_MODE = never`` this extension is not configured and nothing of the
browser is imported; in ``auto`` mode the browser starts with the first page that needs it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse

from crawler.crawl.context import CrawlContext
from crawler.render.conversion import conversion_record
from crawler.render.network import Document, browser_headers
from crawler.render.render_policy import RenderMode, gained
from crawler.render.render_settings import RenderSettings
from crawler.warc.archive import WarcArchive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pages.pagescan import PageScan
    from crawler.render.page_renderer import PageRenderer, RenderResult

logger = logging.getLogger(__name__)

META_RENDERED = "rendered"  # on a rendered page's response: the DOM record's pointer
Rescan = Callable[[HtmlResponse, str], Awaitable[tuple["PageScan", dict | None]]]


class Renderer:
    """Extension (``RENDER_MODE`` auto or always): the crawl's renderer, one of its parts
    (``crawler.crawl.parts``: the spider asks for it)."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        self.config = config = context.config(RenderSettings)
        self.policy = config.policy()
        if self.policy.mode is RenderMode.NEVER:
            raise NotConfigured("RENDER_MODE is never")
        self.crawler = crawler
        self.context = context
        self.stats = crawler.stats
        self.ledger = config.ledger()
        self._slots = asyncio.Semaphore(config.concurrency)
        self._cache_bytes = int(config.cache_mb * 2**20)
        self._renderer: PageRenderer | None = None
        self._unavailable: str | None = None
        context.parts.add(self)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.stats.set_value("render/mode", self.policy.mode.value)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Renderer:
        return cls(crawler)

    @property
    def probe(self) -> int:
        """What page scans measure for the decision (``ScanScope.render_probe``)."""
        return self.policy.thin_chars if self.policy.probes else 0

    async def after_scan(self, response: HtmlResponse, url: str, scan: PageScan,
                         extracted: dict | None, rescan: Rescan
                         ) -> tuple[HtmlResponse, PageScan, dict | None]:
        """The page as the crawl goes on with it: rendered (its DOM, rescanned with
        ``rescan``) when the policy says so and the render worked, else as it was."""
        chars = len(extracted.get("text") or "") if extracted is not None else None
        reason = self.policy.reason(response.url, scan.is_article, scan.render, chars)
        if reason is None:
            return response, scan, extracted
        if not self.ledger.allows(reason) or self._unavailable:
            self.stats.inc_value(f"render/skipped/{reason}")
            return response, scan, extracted
        rendered = await self.render(response, reason)
        if rendered is None:
            return response, scan, extracted
        new_scan, new_extracted = await rescan(rendered, url)
        new_scan.requisites = []  # the browser fetched what the page needed
        new_chars = len(new_extracted.get("text") or "") if new_extracted is not None else None
        gain = gained(len(scan.links), len(new_scan.links), chars, new_chars,
                      new_scan.is_article and not scan.is_article, self.policy.thin_chars)
        self.stats.inc_value("render/gained" if gain else "render/gained_nothing")
        if self.ledger.note(reason, gain):
            logger.warning("render: %d pages rendered for %s gained nothing over their static "
                           "HTML: no more of them are rendered in this crawl",
                           self.ledger.rendered[reason], reason)
        return rendered, new_scan, new_extracted

    async def render(self, response: HtmlResponse, reason: str) -> HtmlResponse | None:
        """Render ``response``; its DOM as a response (None when no DOM could be had)."""
        async with self._slots:
            renderer = self._page_renderer()
            if renderer is None:
                return None
            from crawler.render.browser import BrowserError

            document = Document(response.url, response.status,
                                browser_headers(response.headers), response.body)
            try:
                result = await renderer.render(document)
                if result.dom is None and result.browser_lost:  # once more, in a new browser
                    self.stats.inc_value("render/retried")
                    result = await renderer.render(document)
            except BrowserError as exc:  # cannot start: no renders for the rest of the crawl
                self._give_up(str(exc))
                return None
            except Exception as exc:  # the browser crashed under this page: the next starts anew
                self.stats.inc_value("render/failed")
                logger.warning("render: %s failed (%s); kept as fetched", response.url,
                               " ".join(str(exc).split())[:300])
                return None
        self._count(result, reason)
        if result.dom is None:
            logger.warning("render: no DOM of %s (%s): kept as fetched", response.url,
                           result.error or "unknown")
            return None
        pointer = self._archive(response, result, reason)
        response.meta[META_RENDERED] = pointer
        headers = response.headers.copy()
        headers[b"Content-Type"] = b"text/html; charset=utf-8"
        for name in (b"Content-Encoding", b"Content-Length"):
            headers.pop(name, None)
        return response.replace(body=result.dom, headers=headers, encoding="utf-8")

    async def spider_closed(self) -> None:
        """Close the browser when the crawl ends."""
        if self._renderer is not None:
            await self._renderer.pool.close()

    # --- internals -------------------------------------------------------------------------
    def _page_renderer(self) -> PageRenderer | None:
        if self._unavailable:
            return None
        if self._renderer is None:  # the first page to render: the browser's modules now
            from crawler.render.browser import BrowserPool
            from crawler.render.network import BrowserNetwork, ResourceCache
            from crawler.render.page_renderer import PageRenderer

            pool = BrowserPool(self.config.browser_config(), self.stats)
            network = BrowserNetwork(self.crawler, ResourceCache(self._cache_bytes))
            self._renderer = PageRenderer(pool, network, self.config.limits())
        return self._renderer

    def _give_up(self, why: str) -> None:
        if self._unavailable is None:
            self._unavailable = why
            self.stats.set_value("render/unavailable", why)
            logger.error("render: %s; pages are kept as fetched for the rest of the crawl", why)

    def _count(self, result: RenderResult, reason: str) -> None:
        stats = self.stats
        stats.inc_value("render/pages")
        stats.inc_value(f"render/reason/{reason}")
        stats.inc_value("render/ms", int(result.seconds * 1000))
        stats.inc_value("render/scrolls", result.scrolls)
        if not result.complete:
            stats.inc_value("render/incomplete")
            logger.warning("render: gave up on %s after %.1f s (%s); archived as far as it got",
                           result.url, result.seconds, result.error)
        if result.dom is None:
            stats.inc_value("render/no_dom")

    def _archive(self, response: HtmlResponse, result: RenderResult,
                 reason: str) -> dict[str, Any]:
        """The DOM as a ``conversion`` record (when the crawl writes WARC); its pointer."""
        info: dict[str, Any] = {"reason": reason, "complete": result.complete,
                                "seconds": round(result.seconds, 3), "requests": result.requests}
        archive = self.context.parts.get(WarcArchive)
        if archive is None:
            return info
        source = response.meta.get("warc") or {}
        record = conversion_record(
            result.dom or b"", target_uri=response.url,
            refers_to=source.get("revisit_record_id") or source.get("record_id"),
            date=dt.datetime.now(dt.UTC),
            info={"Reason": reason, "Complete": str(result.complete).lower(),
                  "Seconds": f"{result.seconds:.3f}", "Requests": str(result.requests),
                  "Scrolls": str(result.scrolls), "Browser-URI": result.url})
        self.stats.inc_value("warc/conversions")
        self.stats.inc_value("warc/records")
        return {**archive.add_record(record), **info}
