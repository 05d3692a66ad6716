"""The crawls of many sites in one process: one Scrapy crawler per site, a few at a time.

Each site is crawled exactly as when it is crawled alone: its own Scrapy crawler, with its own
spider, scope gate, robots.txt, downloader slots (per-host concurrency and delay, its
``Crawl-delay``), crawl state, lock, site facts and output folder. They share the process's
reactor (and the process's page workers), so a site that waits on its network never holds back
the others, and a dead one is given up (:mod:`crawler.monitors.site_health`) while the rest go
on. At most ``SITES_AT_ONCE`` sites are open at a time; the next starts as soon as one ends,
so memory stays bounded however many sites the run has.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.reactor import install_reactor

from crawler.crawl.context import CrawlContext
from crawler.errors import UsageError
from crawler.logs import log_output as logs
from crawler.multisite.seeds import Seed
from crawler.multisite.site_report import SiteReport, not_crawled, site_report
from crawler.pageworkers import shared_pool
from crawler.pageworkers.page_workers import hold_pool
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy.settings import Settings

logger = logging.getLogger(__name__)


def _reactor() -> Any:
    """The installed Twisted reactor (imported late: installing it comes first)."""
    from twisted.internet import reactor

    return reactor


@dataclass(frozen=True)
class RunSettings:
    """How a process runs the sites of a run: ``SITES_AT_ONCE``."""

    sites_at_once: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> RunSettings:
        return cls(sites_at_once=max(1, SettingsReader(settings).int("SITES_AT_ONCE")))


class SeedSource(Protocol):
    """Where a process takes its next site from (a list in one process, a shared queue file
    across the run's processes)."""

    def next(self) -> Seed | None: ...


@dataclass
class ListSource:
    """The seeds of a run crawled by this process alone."""

    seeds: list[Seed]
    _at: int = 0

    def next(self) -> Seed | None:
        if self._at >= len(self.seeds):
            return None
        self._at += 1
        return self.seeds[self._at - 1]


def site_settings(base: Settings, seed: Seed, crawl_id: str) -> Settings:
    """The settings of one site's crawl: the run's, with the seed's own limits on top."""
    settings = base.copy()
    own: dict[str, Any] = {
        "CRAWL_ID": crawl_id,
        "CLOSESPIDER_ITEMCOUNT": seed.max_articles,
        "CLOSESPIDER_PAGECOUNT": seed.max_pages,
        "CLOSESPIDER_TIMEOUT": seed.deadline,
        "SINCE": seed.since,
        "DOWNLOAD_DELAY": seed.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": seed.concurrency,
        # the run shows progress and serves metrics for all its sites, not each crawl
        "PROGRESS_MODE": "off",
        "METRICS_PORT": 0,
    }
    for name, value in own.items():
        if value is not None:
            settings.set(name, value, priority="cmdline")
    return settings


@dataclass
class SiteCrawls:
    """Runs the sites ``source`` hands out in this process, ``at_once`` at a time, and calls
    ``on_site`` with each site's report as it ends. :meth:`run` blocks until every site it
    took has ended, or the run is interrupted (then no further site starts)."""

    settings: Settings
    source: SeedSource
    run_id: str
    on_site: Callable[[SiteReport], None]
    at_once: int = 8
    resume: bool = False
    worker: int | None = None
    lock_site: Callable[[str, Settings, bool], Any] | None = None
    on_signal: Callable[[int], None] | None = None  # told of a SIGINT/SIGTERM, then Scrapy
    _process: CrawlerProcess | None = None
    _active: dict[str, Crawler] = field(default_factory=dict)
    _stopping: bool = False
    _loader: SpiderLoader | None = None
    _pool: Any = None

    def run(self) -> None:
        settings = self.settings
        install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
        logs.install(settings)
        settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="default")
        reactor = _reactor()
        self._loader = SpiderLoader.from_settings(settings)
        self._process = CrawlerProcess(settings)
        reactor.addSystemEventTrigger("before", "shutdown", self._interrupted)
        reactor.callWhenRunning(self._begin)
        try:
            self._process.start(stop_after_crawl=False)
        finally:
            if self._pool is not None:
                shared_pool.release(self._pool)

    def _begin(self) -> None:
        # the page workers stay up for the whole run, not from one site's crawl to the next
        self._pool = hold_pool(self.settings)
        if self.on_signal is not None:  # after Scrapy's own handlers are in place
            _reactor().callLater(0, self._chain_signals)
        self._fill()

    def _chain_signals(self) -> None:
        """A SIGINT/SIGTERM is told to ``on_signal`` first, then handled as Scrapy does."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            scrapys = signal.getsignal(sig)

            def handler(signum: int, frame: Any, scrapys: Any = scrapys) -> None:
                if self.on_signal is not None:
                    self.on_signal(signum)
                if callable(scrapys):
                    scrapys(signum, frame)

            signal.signal(sig, handler)

    def _interrupted(self) -> None:
        self._stopping = True

    def _fill(self) -> None:
        while not self._stopping and len(self._active) < self.at_once:
            seed = self.source.next()
            if seed is None:
                break
            self._start(seed)
        if not self._active and _reactor().running:
            _reactor().stop()

    def _start(self, seed: Seed) -> None:
        assert self._process is not None and self._loader is not None
        settings = site_settings(self.settings, seed, self.run_id)
        lock = None
        if self.lock_site is not None:
            try:
                lock = self.lock_site(seed.site, settings, self.resume)
            except UsageError as exc:
                self.on_site(not_crawled(seed, f"not crawled: {exc}", self.worker))
                return
        crawler = Crawler(self._loader.load(seed.spider), settings)
        self._active[seed.site] = crawler
        started = time.monotonic()
        arguments = {"url": seed.url}
        if seed.more_urls:
            arguments["more_urls"] = ",".join(seed.more_urls)
        done = self._process.crawl(crawler, **arguments)
        done.addBoth(self._finished, seed, crawler, lock, started)

    def _finished(self, outcome: Any, seed: Seed, crawler: Crawler, lock: Any,
                  started: float) -> None:
        if lock is not None:
            lock.release()
        self._active.pop(seed.site, None)
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = str(stats.get("finish_reason") or "unknown")
        if hasattr(outcome, "getErrorMessage"):
            logger.error("the crawl of %s failed: %s", seed.site, outcome.getErrorMessage())
            reason = "exception"
        stats.setdefault("elapsed_time_seconds", time.monotonic() - started)
        context = crawler.get_addon(CrawlContext)  # None: it failed before it was settled
        crawl_id = context.crawl_id if context is not None else None
        if reason == "shutdown":
            self._stopping = True
        self.on_site(site_report(seed, stats, reason, crawl_id, self.worker))
        self._fill()
