"""The manifest extension: at the end of a crawl, close every writer, then write the manifest.

The document itself is :mod:`crawler.crawl.manifest`; a worker of a distributed crawl leaves its
part to the crawl's registry instead (``MANIFEST_WRITE`` off,
:mod:`crawler.distributed.crawl_manifest`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.crawl.context import CrawlContext
from crawler.crawl.manifest import build_manifest, jsonable, write_manifest
from crawler.crawl.output import interrupted_crawls

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Settings worth recording: they change what a crawl fetches and writes.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DEPTH_LIMIT", "BARREN_PAGES_LIMIT", "PATH_SHAPE_BUDGET",
    "CLOSESPIDER_ITEMCOUNT", "SINCE", "WARC_MAX_SIZE", "WARC_DEDUP", "EXTRACTION_ENABLED",
)


class ManifestExtension:
    """At the end of a crawl: close every writer, then write the manifest (the commit marker)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.context = CrawlContext.of(crawler)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ManifestExtension:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        out = self.context.output
        logger.info("crawl %s writing to %s", out.crawl_id, out.root)
        # A crawl killed earlier left *.open files: cut them to their last whole record now.
        # Recovered crawls get no manifest: they are repaired, not complete.
        from crawler.warc.recover import recover_crawl_dir

        for crawl in interrupted_crawls(out.root.parent):
            if crawl != out.root:
                for result in recover_crawl_dir(crawl):
                    logger.warning("recovered interrupted crawl %s: %s", crawl.name, result)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        out = self.context.output
        out.close_writers()
        settings = self.crawler.settings
        recorded = {name: settings.get(name) for name in RECORDED_SETTINGS}
        site = getattr(spider, "site", None)
        spider_args = {"start_url": getattr(spider, "start_url", None),
                       "since": str(getattr(spider, "since", None) or "") or None,
                       "site": getattr(getattr(spider, "profile", None), "name", None),
                       "site_origin": getattr(site, "origin", None)}
        manifest = build_manifest(out, stats=self.crawler.stats.get_stats(), finish_reason=reason,
                                  spider=spider_args, settings=jsonable(recorded))
        out.manifest = manifest
        if not self.context.crawl_settings.manifest_write:
            # A worker of a distributed crawl: its part goes to the crawl's registry and the
            # last worker writes the manifest of all parts (crawler.distributed.crawl_manifest).
            out.finish()
            return
        path = write_manifest(out, manifest)
        out.file_completed(path, "manifest")  # last: uploaders treat it as the commit marker
        out.finish()
        logger.info("manifest written: %s (%d files)", path, len(manifest["files"]))
