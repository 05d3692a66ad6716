"""The one context of a crawl: which site, which crawl, where it writes, what its parts share.

:class:`CrawlContext` is a Scrapy add-on (``ADDONS``, after the distributed add-on, which joins a
shared crawl and so names its crawl id). Scrapy builds add-ons once per crawler, right after the
spider and before the stats, the extensions, the middlewares, the pipelines and the scheduler,
so the context is settled before any of them is built. It settles, in this order:

1. the site (``crawler.spider.site``, :class:`crawler.pages.site.Site`): its key names the
   crawl's folder, state, lock, spool and Redis keys;
2. the lock of the site's folder, when the crawl keeps a state (``STATE_ENABLED``, not a worker
   of a distributed crawl): one crawl of a site into an output at a time;
3. the crawl id: ``CRAWL_ID`` (from the command line, or the shared crawl a worker joined),
   else, with ``RESUME``, the site's last unfinished crawl (:attr:`resume` is its folder),
   else a new id;
4. the output (:class:`crawler.crawl.output.CrawlOutput`): local or object storage, and this
   process's file names (a distributed worker's carry its ``WORKER_ID``);
5. whether the crawl is distributed (``REDIS_URL``): :attr:`distributed`.

Every other component gets it in its ``from_crawler`` with ``CrawlContext.of(crawler)`` (the
spider, which Scrapy builds first, when it first needs it). It holds the parts components share
(:attr:`parts`) and each feature's typed settings, built once (:meth:`config`). Nothing is set
on Scrapy's crawler: several crawlers in one process each have their own context.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from crawler.crawl.lock import CrawlLock, held_here, lock_path
from crawler.crawl.naming import FileNames, safe_part
from crawler.crawl.output import CrawlOutput, new_crawl_id, resume_target, site_dir
from crawler.crawl.parts import CrawlParts
from crawler.typed_settings import CrawlSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pages.site import Site

logger = logging.getLogger(__name__)


class FromSettings(Protocol):
    """A feature's typed settings (``crawler.typed_settings``)."""

    @classmethod
    def from_settings(cls, settings: Any) -> Self: ...


C = TypeVar("C", bound=FromSettings)


class CrawlContext:
    """Add-on: the context of one crawl (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.crawl_settings = CrawlSettings.from_settings(crawler.settings)
        self.spider_name: str = getattr(crawler.spidercls, "name", None) or "crawl"
        spider = crawler.spider
        self.site: Site | None = getattr(spider, "site", None)
        # the folder, lock, state, spool and Redis keys of the crawl: the site's key
        self.site_key: str = self.site.key if self.site is not None else self.spider_name
        self.distributed: bool = self.crawl_settings.distributed
        self.site_dir: Path = site_dir(self.crawl_settings.output_uri, self.site_key,
                                       self.crawl_settings.spool_dir)
        self.keeps_state = self.crawl_settings.state_enabled and not self.distributed
        self.lock = self._take_lock() if self.keeps_state else None
        self.crawl_id, self.resume = self._settle_crawl_id()
        worker = safe_part(self.crawl_settings.worker_id) if self.crawl_settings.worker_id else None
        self.output = CrawlOutput(
            root=self.site_dir / self.crawl_id, spider=self.spider_name, crawl_id=self.crawl_id,
            uri=self.crawl_settings.output_uri, site=self.site_key,
            names=FileNames(prefix=safe_part(self.crawl_settings.warc_prefix or self.spider_name),
                            worker=worker))
        self.output.prepare()
        self.parts = CrawlParts()
        self._configs: dict[type, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlContext:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The context of ``crawler`` (its add-on); ``RuntimeError`` when it has none."""
        found = crawler.get_addon(cls)
        if found is None:
            raise RuntimeError("no crawl context: add crawler.crawl.context.CrawlContext to "
                               "ADDONS (crawler/settings.py has it)")
        return found

    def config(self, kind: type[C]) -> C:
        """The typed settings ``kind`` (a dataclass with ``from_settings``), read once per
        crawl."""
        found = self._configs.get(kind)
        if found is None:
            found = self._configs[kind] = kind.from_settings(self.crawler.settings)
        return found

    def release_lock(self) -> None:
        """The crawl has finished with its state: other crawls of the site may start."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    # --- settling -----------------------------------------------------------------------------
    def _take_lock(self) -> CrawlLock | None:
        """The site folder's lock (``CrawlLocked`` when another crawl holds it); None when this
        process holds it already (the ``crawler`` command took it before the crawl)."""
        path = lock_path(self.site_dir)
        return None if held_here(path) else CrawlLock(path).acquire()

    def _settle_crawl_id(self) -> tuple[str, Path | None]:
        """``(crawl id, the folder a resume continues or None)``."""
        requested = self.crawl_settings.crawl_id
        if not (self.crawl_settings.resume and self.keeps_state):
            return requested or new_crawl_id(), None
        target = resume_target(self.site_dir, requested or None)
        if target is None or not target.is_dir():
            logger.warning("nothing to resume in %s: starting a new crawl", self.site_dir)
            return requested or new_crawl_id(), None
        return target.name, target
