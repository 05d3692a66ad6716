"""Scrapy extension: the crawl lock, the durable state of one crawl, and resuming a killed crawl.

Extensions are built before the downloader and the pipelines, so when this one has run the lock
is held, a resumed crawl folder is repaired, and ``parts(crawler).state`` (a
:class:`~crawler.state.session.CrawlState`) is there for the spider,
``crawler.state.incremental`` and ``pipelines.state``.

Settings:

``STATE_ENABLED`` (True)
    False: no state, no lock, no incremental crawling, no resume (``NotConfigured``).
``STATE_PATH`` ("")
    The SQLite file; default ``<out>/<site>/state.sqlite``, or ``<spool>/<site>/state.sqlite``
    for ``s3://`` outputs (keep the spool on a persistent volume). One per site
    (``crawler.pages.site``): crawls of other sites never see its URLs.
``STATE_COMMIT_ROWS`` (500), ``STATE_COMMIT_SECONDS`` (2.0)
    Pending updates are written in one transaction when this many URLs wait, or this often.
``RESUME`` (False)
    Continue the crawl ``CRAWL_ID`` (default: the last one, if it has no manifest) in its folder.
``INCREMENTAL_ENABLED``, ``RECHECK_DAYS``, ``INCREMENTAL_BARREN_PAGES``
    See ``crawler.state.incremental``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task

from crawler.crawl.lock import CrawlLock, held_here, lock_path
from crawler.crawl.output import crawl_output, site_dir, site_key_of
from crawler.crawl.parts import parts
from crawler.state import state_off
from crawler.state.policy import RecheckPolicy
from crawler.state.resume import ResumeReport, prepare_resume, resume_target
from crawler.state.session import CrawlState
from crawler.state.store import StateStore

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

STATE_FILE = "state.sqlite"


def state_path(settings: BaseSettings, site: str) -> Path:
    """Where the state database of a site lives (``STATE_PATH`` or beside its crawls)."""
    return Path(settings.get("STATE_PATH") or site_dir(settings, site) / STATE_FILE)


def legacy_state_note(settings: BaseSettings, spider: str, site: str) -> str | None:
    """A one-line note when ``<out>/<spider>/state.sqlite`` is the state of the earlier layout
    (one folder per spider, shared by every site it crawled), which this crawl of ``site``
    does not use; None otherwise. A site profile's folder (``vsedelo``) is its own site's and
    still in use."""
    from crawler.pages.profiles import PROFILES

    if spider == site or spider in PROFILES or settings.get("STATE_PATH"):
        return None
    old = site_dir(settings, spider) / STATE_FILE
    if not old.is_file() or state_path(settings, site).exists():
        return None
    return (f"{old} holds the crawl state of the earlier per-spider layout (shared by "
            f"every site it crawled); it is not used: crawls of this site now keep theirs in "
            f"{site_dir(settings, site)}, and this first crawl there is a full crawl")


class CrawlStateExtension:
    """Holds the lock, opens the state, resumes, and commits state updates in batches."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("STATE_ENABLED", True):
            raise state_off(settings)
        self.crawler = crawler
        site = site_key_of(crawler)
        base = site_dir(settings, site)
        if note := legacy_state_note(settings, crawler.spidercls.name, site):
            logger.warning("%s", note)
        path = lock_path(base)
        self.lock = None if held_here(path) else CrawlLock(path).acquire()  # or CrawlLocked
        self.resume: ResumeReport | None = None
        if settings.getbool("RESUME", False):
            self.resume = self._prepare_resume(base)
        out = crawl_output(crawler)
        self.state = CrawlState(
            StateStore(state_path(settings, site)),
            out.crawl_id,
            policy=RecheckPolicy(recheck_days=settings.getfloat("RECHECK_DAYS", 3.0)),
            incremental=settings.getbool("INCREMENTAL_ENABLED", True),
            listing_barren=settings.getint("INCREMENTAL_BARREN_PAGES", 0),
            batch_rows=settings.getint("STATE_COMMIT_ROWS", 500),
            count=lambda key, n: crawler.stats.inc_value(key, n),
        )
        self.state.begin(resumed=self.resume.written if self.resume else ())
        parts(crawler).state = self.state
        if self.resume is not None:
            for file_path, kind in self.resume.files:
                out.file_completed(file_path, kind)
            logger.warning("%s", self.resume.summary())
            crawler.stats.set_value("resume/run", self.resume.run)
            crawler.stats.set_value("resume/records_kept", self.resume.records)
        if self.state.incremental:
            logger.info("incremental crawl: state %s knows %d URLs", self.state.store.path,
                        self.state.store.count())
        self.interval = settings.getfloat("STATE_COMMIT_SECONDS", 2.0)
        self.loop: task.LoopingCall | None = None
        out.add_closer(self._flush_and_count, "state")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStateExtension:
        return cls(crawler)

    def _prepare_resume(self, base: Path) -> ResumeReport | None:
        settings = self.crawler.settings
        crawl_id = settings.get("CRAWL_ID") or ""
        target = resume_target(base, crawl_id)
        if target is None or not target.is_dir():
            logger.warning("nothing to resume in %s: starting a new crawl", base)
            return None
        if not crawl_id:  # the crawl output uses the resumed crawl's id, hence its folder
            crawl_output(self.crawler, crawl_id=target.name)
        return prepare_resume(target)

    # --- signals ----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        # known from the start, so monitors (crawler.ops) can tell an incremental run
        self.crawler.stats.set_value("state/incremental", self.state.incremental)
        if self.interval > 0:
            self.loop = task.LoopingCall(self.state.flush)
            self.loop.start(self.interval, now=False)

    def item_scraped(self, item: Any, spider: Spider | None = None) -> None:
        if isinstance(item, dict) and "schema_version" in item:
            self.state.record_written(item)

    def _flush_and_count(self) -> None:
        """Crawl-output closer: last batch written, numbers into the stats (and the manifest)."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.state.flush()
        buffer, stats = self.state.buffer, self.crawler.stats
        stats.set_value("state/rows_written", buffer.rows_written)
        stats.set_value("state/commits", buffer.flushes)
        stats.set_value("state/commit_seconds", round(buffer.seconds, 4))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """After the manifest: the crawl's rows become trusted; the lock is released."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        since = getattr(spider, "since", None) or self.crawler.settings.get("SINCE")
        try:
            self.state.finish(reason, complete=reason == "finished" and not since)
            self.state.close()
        finally:
            if self.lock is not None:
                self.lock.release()
