"""Article pages to article JSON records (``crawler.record``).

The extraction itself runs in the page workers (``crawler.pageworkers.page_workers``): the
spider's scan of an article page brings its extraction along, so this pipeline finalises it with
what the crawl learned of the site (``crawler.sitefacts``: dates in the site's zone, completed by
the article's sitemap/feed entry; the site's boilerplate out of the text), builds the record and
applies ``--since``. An article that arrives without one is extracted here, in the same pool (or
in this process when the pool is switched off with ``EXTRACTION_WORKERS = -1``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

from scrapy.exceptions import DropItem, NotConfigured

from crawler.crawl.context import CrawlContext
from crawler.dates import PageDates, moment_of
from crawler.extract.worker import extract_in_worker
from crawler.items import ArticlePage
from crawler.pageworkers.page_workers import PageWorkers
from crawler.record import build_record
from crawler.sitefacts.facts_extension import SiteFactsExtension
from crawler.sitefacts.finalize import entry_date, finalize, page_facts

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pages.profiles import ProfiledSpider

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    """Turns :class:`ArticlePage` items into article JSON records."""

    def __init__(self, crawler: Crawler):
        context = CrawlContext.of(crawler)
        if not context.crawl_settings.extraction_enabled:
            raise NotConfigured("EXTRACTION_ENABLED is off")
        self.crawler = crawler
        self.crawl_id = context.crawl_id
        # built before any pipeline (extensions), or off
        self.site_facts = context.parts.get(SiteFactsExtension)
        self.workers = context.parts.get(PageWorkers)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        stats = self.crawler.stats
        spider = cast("ProfiledSpider", self.crawler.spider)
        result = item.extracted
        if result is None:  # not extracted with its scan
            result = await self._extract(item, spider.profile)
        reason = result.get("skip_reason")
        if reason:
            stats.inc_value(f"extraction/skipped/{reason.split(':')[0]}")
            raise DropItem(f"not an extractable article ({reason}): {item.url}")
        result = await self._finalize(result, item, spider.profile)
        record = build_record(result, url=item.url, site=item.site, fetched_at=item.fetched_at,
                              crawl_id=self.crawl_id, warc=item.warc or {},
                              rendered=item.rendered)
        since = getattr(spider, "since", None)
        published = record.get("published")
        if since and published and moment_of(published, spider.profile.timezone) < since:
            stats.inc_value("extraction/skipped/before_since")
            raise DropItem(f"published {published}, before --since: {item.url}", "INFO")
        stats.inc_value("extraction/records")
        return record

    async def _finalize(self, result: dict[str, Any], item: ArticlePage,
                        profile: Any) -> dict[str, Any]:
        """The result with the site's facts applied (``crawler.sitefacts``), or the page's own
        when the site is not learned (``SITE_FACTS_ENABLED`` off)."""
        site = self.site_facts
        if site is not None:
            return await site.finalize(result, (item.canonical_url, item.url), item.hints,
                                       size=len(item.body))
        dates = PageDates.from_json(result["dates"]) if result.get("dates") else None
        facts = page_facts(dates, url=item.canonical_url, language=result.get("language"),
                           region=result.get("region"), profile_zone=profile.timezone)
        return finalize(result, facts, entry=entry_date(item.hints))

    async def _extract(self, item: ArticlePage, profile: Any) -> dict[str, Any]:
        args = (item.body, item.canonical_url, profile, item.fetched_at, item.http_charset,
                item.server_date)
        workers = self.workers
        if workers is None:
            return extract_in_worker(*args)
        return await workers.extract(*args)
