"""A Scrapy crawler with its crawl context settled, for a component built on its own.

``scrapy.utils.test.get_crawler`` builds a crawler from the settings given and applies them
(add-ons included), as a crawl does before its components; with ``crawler.crawl.context`` in
``ADDONS`` the context is there for ``CrawlContext.of(crawler)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import DistributedAddon
from crawler.distributed.shared import SharedCrawl

CONTEXT = "crawler.crawl.context.CrawlContext"
DISTRIBUTED = "crawler.distributed.addon.DistributedAddon"


def context_crawler(out: Path | str, spidercls: type[Spider] | None = None,
                    **settings: Any) -> Crawler:
    """A crawler writing into ``out`` (a folder or ``s3://…``; no crawl state unless asked: no
    lock file), its context settled; ``settings`` as for ``get_crawler``."""
    values = {"OUTPUT_URI": str(out), "STATE_ENABLED": False,
              "ADDONS": {DISTRIBUTED: 0, CONTEXT: 10}, **settings}
    return get_crawler(spidercls, values)


def context_of(crawler: Crawler) -> CrawlContext:
    return CrawlContext.of(crawler)


def join_shared(crawler: Crawler, shared: SharedCrawl) -> SharedCrawl:
    """Make ``crawler`` a worker of ``shared`` as the distributed add-on would (without Redis
    at start)."""
    addon = crawler.get_addon(DistributedAddon)
    assert addon is not None
    addon.shared = shared
    return shared
