"""Scrapy extension: the durable state of one crawl, and resuming a killed crawl.

The crawl context (``crawler.crawl.context``) holds the site's lock and settles which crawl a
resume continues before any component is built; this extension, built before the downloader
and the pipelines, repairs a resumed crawl folder and opens the state, and adds it to the
crawl's parts (a :class:`~crawler.state.session.CrawlState`) for the spider,
``crawler.state.incremental`` and ``pipelines.state``. At the end it writes the last batch,
marks the crawl finished in the state and ends the lock.

Settings (:class:`StateSettings`):

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import task

from crawler.crawl.context import CrawlContext
from crawler.state import state_off
from crawler.state.policy import RecheckPolicy
from crawler.state.resume import ResumeReport, prepare_resume
from crawler.state.session import CrawlState
from crawler.state.store import StateStore
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATE_FILE = "state.sqlite"


@dataclass(frozen=True)
class StateSettings:
    """The crawl state's settings (see the module docstring)."""

    path: str
    commit_rows: int
    commit_seconds: float
    incremental: bool
    recheck_days: float
    listing_barren: int

    @classmethod
    def from_settings(cls, settings: Any) -> StateSettings:
        read = SettingsReader(settings)
        return cls(path=read.str("STATE_PATH"), commit_rows=read.int("STATE_COMMIT_ROWS"),
                   commit_seconds=read.float("STATE_COMMIT_SECONDS"),
                   incremental=read.bool("INCREMENTAL_ENABLED"),
                   recheck_days=read.float("RECHECK_DAYS"),
                   listing_barren=read.int("INCREMENTAL_BARREN_PAGES"))


def state_path(config: StateSettings, site_folder: Path) -> Path:
    """Where the state database of a site lives (``STATE_PATH`` or beside its crawls)."""
    return Path(config.path or site_folder / STATE_FILE)


def legacy_state_note(config: StateSettings, output: Path, spider: str, site: str) -> str | None:
    """A one-line note when ``<output>/<spider>/state.sqlite`` is the state of the earlier layout
    (one folder per spider, shared by every site it crawled), which this crawl of ``site``
    does not use; None otherwise. A site profile's folder (``vsedelo``) is its own site's and
    still in use."""
    from crawler.pages.profiles import PROFILES

    if spider == site or spider in PROFILES or config.path:
        return None
    old = output / spider / STATE_FILE
    if not old.is_file() or state_path(config, output / site).exists():
        return None
    return (f"{old} holds the crawl state of the earlier per-spider layout (shared by "
            f"every site it crawled); it is not used: crawls of this site now keep theirs in "
            f"{output / site}, and this first crawl there is a full crawl")


class CrawlStateExtension:
    """Opens the state, resumes, commits state updates in batches, and ends the lock."""

    def __init__(self, crawler: Crawler) -> None:
        context = self.context = CrawlContext.of(crawler)
        if not context.keeps_state:
            raise state_off(context)
        self.crawler = crawler
        config = context.config(StateSettings)
        if note := legacy_state_note(config, context.site_dir.parent, context.spider_name,
                                     context.site_key):
            logger.warning("%s", note)
        # the crawl a resume continues (the context settled it, under the site's lock)
        self.resume: ResumeReport | None = (prepare_resume(context.resume)
                                            if context.resume is not None else None)
        out = context.output
        self.state = CrawlState(
            StateStore(state_path(config, context.site_dir)),
            out.crawl_id,
            policy=RecheckPolicy(recheck_days=config.recheck_days),
            incremental=config.incremental,
            listing_barren=config.listing_barren,
            batch_rows=config.commit_rows,
            count=lambda key, n: crawler.stats.inc_value(key, n),
        )
        self.state.begin(resumed=self.resume.written if self.resume else ())
        context.parts.add(self.state)
        if self.resume is not None:
            for file_path, kind in self.resume.files:
                out.file_completed(file_path, kind)
            logger.warning("%s", self.resume.summary())
            crawler.stats.set_value("resume/run", self.resume.run)
            crawler.stats.set_value("resume/records_kept", self.resume.records)
        if self.state.incremental:
            logger.info("incremental crawl: state %s knows %d URLs", self.state.store.path,
                        self.state.store.count())
        self.interval = config.commit_seconds
        self.loop: task.LoopingCall | None = None
        out.add_closer(self._flush_and_count, "state")
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlStateExtension:
        return cls(crawler)

    # --- signals ----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        # known from the start, so monitors (crawler.monitors) can tell an incremental run
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
        since = getattr(spider, "since", None) or self.context.crawl_settings.since
        try:
            self.state.finish(reason, complete=reason == "finished" and not since)
            self.state.close()
        finally:
            self.context.release_lock()
