"""What the components of one crawl share, typed and in one place.

Scrapy builds each component on its own. The few that others need (the crawl state, the page
workers, the site facts, the uploader, a distributed crawl's shared state, scheduler and Redis
lifeline) register on one :class:`CrawlParts` of the crawl's Scrapy crawler, which the others
read through :func:`parts`, instead of as loose attributes of the crawler. The crawl's output is
the other shared object (:func:`crawler.layout.crawl_output`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.distributed.keys import SiteKeys
    from crawler.distributed.lifeline import RedisLifeline
    from crawler.distributed.scheduler import LeasedScheduler
    from crawler.distributed.shared import SharedCrawl
    from crawler.plugins.pageworkers import PageWorkers
    from crawler.render.extension import Renderer
    from crawler.sitefacts.extension import SiteFactsExtension
    from crawler.state.session import CrawlState
    from crawler.storage.extension import StoreUploadExtension
    from crawler.warc.archive import WarcArchive

_ATTRIBUTE = "crawl_parts"  # the one attribute this project sets on Scrapy's crawler


@dataclass
class CrawlParts:
    """The shared components of one crawl; None where a component is off."""

    state: CrawlState | None = None  # crawler.state.extension (STATE_ENABLED)
    page_workers: PageWorkers | None = None  # crawler.plugins.pageworkers
    site_facts: SiteFactsExtension | None = None  # crawler.sitefacts.extension
    store: StoreUploadExtension | None = None  # crawler.storage.extension (s3:// outputs)
    shared: SharedCrawl | None = None  # crawler.distributed.addon (--redis)
    shared_site: SiteKeys | None = None  # the site's keys of that shared crawl
    scheduler: LeasedScheduler | None = None  # crawler.distributed.scheduler
    lifeline: RedisLifeline | None = None  # crawler.distributed.lifeline
    warc: WarcArchive | None = None  # crawler.warc.middleware (WARC_ENABLED)
    renderer: Renderer | None = None  # crawler.render.extension (RENDER_MODE not never)


def parts(crawler: Crawler) -> CrawlParts:
    """The :class:`CrawlParts` of a Scrapy crawler, created on first use."""
    found = getattr(crawler, _ATTRIBUTE, None)
    if found is None:
        found = CrawlParts()
        setattr(crawler, _ATTRIBUTE, found)
    return found
