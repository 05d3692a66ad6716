"""The discovery documents a news spider reads: robots.txt (sitemaps, Crawl-delay), sitemaps
(index, urlset, news; streamed) and RSS/Atom feeds, whose entries become page requests carrying
their dates and titles as hints (``cb_kwargs``). A mixin of :class:`spiders.base.NewsSiteSpider`,
which provides ``_follow``, ``_wants``, ``parse_page`` and the settings read here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse

from crawler.pages.discovery_docs import Entry, iter_sitemap, parse_feed, parse_robots
from crawler.pages.pagetype import looks_like_article_url
from crawler.sitefacts.facts_extension import SiteFactsExtension
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.crawl.context import CrawlContext

# Request priorities: discovery documents first, then articles, then listings.
PRIO_DISCOVERY, PRIO_ARTICLE, PRIO_LISTING = 30, 20, 0


class DiscoveryDocuments:
    """Callbacks for robots.txt, sitemaps and feeds."""

    # provided by NewsSiteSpider
    base_url: str
    allowed_domains: list[str]
    obey_crawl_delay: bool
    since: Any
    profile: Any
    crawler: Crawler
    settings: BaseSettings
    logger: Any
    _follow: Any
    _wants: Any
    parse_page: Any

    @property
    def context(self) -> CrawlContext:
        raise NotImplementedError  # NewsSiteSpider's

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        text = response.text if isinstance(response, TextResponse) else ""
        if response.status != 200:
            text = ""
        info = parse_robots(text, SettingsReader(self.settings).str("USER_AGENT") or "*")
        if info.crawl_delay and self.obey_crawl_delay:
            self._apply_crawl_delay(info.crawl_delay)
        sitemaps = info.sitemaps or (urljoin(self.base_url, "/sitemap.xml"),)
        for url in sitemaps:
            yield from self._follow(url, self.parse_sitemap, PRIO_DISCOVERY)

    def robots_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        self.logger.warning("robots.txt failed (%s); trying /sitemap.xml", failure.value)
        yield from self._follow(urljoin(self.base_url, "/sitemap.xml"), self.parse_sitemap,
                                PRIO_DISCOVERY)

    def _apply_crawl_delay(self, delay: float) -> None:
        """Raise the host's download delay to robots.txt's Crawl-delay (Scrapy ignores it)."""
        downloader = self.crawler.engine.downloader
        for host in self.allowed_domains:
            downloader.per_slot_settings.setdefault(host, {})["delay"] = delay
            slot = downloader.slots.get(host)
            if slot is not None and slot.delay < delay:
                slot.delay = delay
        self.download_delay = max(delay, getattr(self, "download_delay", 0) or 0)
        self.logger.info("robots.txt Crawl-delay: %.2fs between requests", delay)
        self.crawler.stats.set_value("robots/crawl_delay", delay)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        kind, entries = iter_sitemap(response.body)  # read as requests are taken
        self.crawler.stats.inc_value(f"discovery/sitemap_{kind}")
        for entry in entries:
            if kind == "index":
                yield from self._follow(entry.url, self.parse_sitemap, PRIO_DISCOVERY)
            elif self._wanted(entry):
                yield from self._follow_entry(entry)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self.crawler.stats.inc_value("discovery/feeds")
        for entry in parse_feed(response.body):
            if self._wanted(entry):
                yield from self._follow_entry(entry)

    def _wanted(self, entry: Entry) -> bool:
        date = entry.best_date
        return not (self.since and date and date < self.since)

    def _follow_entry(self, entry: Entry) -> Iterator[scrapy.Request]:
        site = self.context.parts.get(SiteFactsExtension)
        if site is not None:  # its dates: zone evidence, and the date of its article
            site.note_entry(entry)
        hints = {k: v for k, v in (
            ("lastmod", entry.lastmod and entry.lastmod.isoformat()),
            ("published", entry.published and entry.published.isoformat()),
            ("published_text", entry.published_text), ("published_from", entry.kind),
            ("title", entry.title), ("language", entry.language)) if v}
        is_article = looks_like_article_url(entry.url, self.profile)
        if not self._wants(entry.url, is_article, hints):
            return
        yield from self._follow(entry.url, self.parse_page,
                                PRIO_ARTICLE if is_article else PRIO_LISTING, hints=hints)
