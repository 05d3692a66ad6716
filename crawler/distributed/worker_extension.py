"""A worker's life in a shared crawl: heartbeats, the reaper, the end, and the crawl manifest.

- Every ``WORKER_HEARTBEAT_SECONDS`` the worker says it is alive, and looks for workers silent for
  ``WORKER_DEAD_SECONDS``: their files are repaired and listed (on a shared local folder), their
  claims on articles they never wrote are released, and their leases go back to the queue
  (:mod:`crawler.distributed.reaper`).
- When the engine is idle, the worker stays open (``DontCloseSpider``) until the crawl is done:
  seeded, nothing queued, nothing leased by anyone. It polls every ``WORKER_IDLE_POLL_SECONDS``.
- As it closes, before its monitors run, the worker notes what the crawl's other workers fetched
  (``distributed/peer_responses``): a worker whose peers leased all the work did not fail.
- When the engine has stopped (writers closed, uploads done), the worker registers its files and
  stats and leaves; the last worker to leave a finished crawl checks the crawl as a whole
  (``MONITOR_MIN_ARTICLES``, ``MONITOR_MAX_ERROR_RATE`` against the summed stats, and whether
  it stopped for a discovery stall) and writes the crawl manifest.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, cast

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task, threads

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import WorkerSettings, shared_crawl_of, worker_addon
from crawler.distributed.crawl_manifest import ManifestHeld, finalize, merge_stats, note_spool
from crawler.distributed.lifeline import without_redis
from crawler.distributed.reaper import reap_worker
from crawler.distributed.scheduler import LeasedScheduler, engine_nextcall
from crawler.monitors.checks import (
    MonitorSettings,
    check_crawl_error_rate,
    check_crawl_min_articles,
    check_crawl_stall,
    with_results,
)
from crawler.monitors.counts import MANIFEST_HELD_STAT, PEER_PAGES_STAT
from crawler.storage.spool import remove_if_done
from crawler.storage.upload_extension import StoreUploadExtension

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawler.pages.profiles import ProfiledSpider

logger = logging.getLogger(__name__)


class DistributedCrawlExtension:
    """Scrapy extension of a worker (``EXTENSIONS``, enabled by the distributed add-on)."""

    def __init__(self, crawler: Crawler) -> None:
        context = self.context = CrawlContext.of(crawler)
        if not context.distributed:
            raise NotConfigured("REDIS_URL is not set")
        self.crawler = crawler
        self.shared = shared_crawl_of(crawler)
        config = self.config = context.config(WorkerSettings)
        self.heartbeat_seconds = config.heartbeat_seconds
        self.dead_seconds = config.dead_seconds
        self.idle_poll = config.idle_poll_seconds
        self.checkpoint_seconds = config.checkpoint_seconds
        monitors = self.monitor_settings = context.config(MonitorSettings)
        self.monitors = monitors.enabled
        # the user's figures for the crawl as a whole (the add-on turned the worker's own off)
        addon = worker_addon(crawler)
        self.site_keys = addon.site
        checks = addon.checks
        self.min_articles = checks.min_articles if checks else monitors.min_articles
        self.max_error_rate = checks.max_error_rate if checks else monitors.max_error_rate
        self.extraction = context.crawl_settings.extraction_enabled
        self._beat = task.LoopingCall(self._tick)
        self._acker = task.LoopingCall(self._ack_stored)
        self._checkpoints: list[list[int]] = []  # lease batches whose files are being stored
        self._last_checkpoint = time.monotonic()
        self._reaping = False
        self._wake: Any = None
        self._waiting_logged = False
        self.finalized: dict[str, Any] | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedCrawlExtension:
        return cls(crawler)

    # --- alive, and the reaper ------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        self.shared.heartbeat()
        self._beat.start(self.heartbeat_seconds, now=False)
        self._acker.start(0.5, now=False)
        self.context.output.add_closer(self._note_peers, "peers")
        logger.info("worker %s joined crawl %s (%d workers registered, %d requests queued)",
                    self.shared.worker, self.context.crawl_id,
                    len(self.shared.workers()), self.shared.queued())

    @without_redis("no heartbeat, no reaping")
    def _tick(self) -> None:
        self.shared.heartbeat()
        if self._reaping:
            return
        silent = self.shared.silent_workers(self.dead_seconds)
        if silent:
            self._reaping = True
            d = threads.deferToThread(self.reap, silent)
            d.addErrback(lambda f: logger.error("reaper failed: %s", f.getTraceback()))
            d.addBoth(self._reaped)

    def _reaped(self, _: Any) -> None:
        self._reaping = False

    def reap(self, workers: list[str]) -> int:
        """Take over what silent workers left; returns how many were reaped."""
        reaped = 0
        for worker in workers:
            if not self.shared.try_reaper_lock(120):
                continue
            try:
                if reap_worker(self.crawler, self.shared, worker, self.dead_seconds):
                    reaped += 1
            finally:
                self.shared.release_reaper_lock()
        return reaped

    # --- acknowledging work stored in object storage ----------------------------------------
    def _checkpoint(self, force: bool = False) -> None:
        """s3://: close the files being written so the finished leases' records get uploaded
        (every ``DISTRIBUTED_CHECKPOINT_SECONDS``, and whenever the worker is idle)."""
        scheduler = self.context.parts.get(LeasedScheduler)
        if scheduler is None or not scheduler.ack_when_stored or not scheduler.settled:
            return
        if not force and time.monotonic() - self._last_checkpoint < self.checkpoint_seconds:
            return
        self._last_checkpoint = time.monotonic()
        batch = scheduler.take_settled()
        self.context.output.rotate()
        self._checkpoints.append(batch)
        self.crawler.stats.inc_value("distributed/checkpoints")

    @without_redis("stored files not acknowledged yet")
    def _ack_stored(self) -> None:
        self._checkpoint()
        store, scheduler = (self.context.parts.get(StoreUploadExtension),
                            self.context.parts.get(LeasedScheduler))
        if not self._checkpoints or store is None or scheduler is None:
            return
        out = self.context.output
        if store.stored([f.relpath for f in out.completed if f.kind != "manifest"]):
            for batch in self._checkpoints:
                scheduler.acknowledge(batch)
            self._checkpoints = []

    def _settle_at_exit(self, stats: dict[str, Any]) -> None:
        """Leases finished but not acknowledged: acknowledged when every file is stored, else
        given back to the queue (their records wait in this spool)."""
        scheduler = self.context.parts.get(LeasedScheduler)
        if scheduler is None:
            return
        batch = [lid for b in self._checkpoints for lid in b] + scheduler.take_settled()
        self._checkpoints = []
        if stats.get("storage/pending_files"):
            back = self.shared.give_back(batch)
            logger.warning("%d finished requests given back: their files wait in the spool", back)
        elif batch:
            scheduler.acknowledge(batch)

    # --- the end ----------------------------------------------------------------------------
    @without_redis("the other workers' responses are unknown: `finished` judges this worker")
    def _note_peers(self) -> None:
        """Closer, before the monitors: the responses the crawl's other workers had received.
        Complete when the crawl is done (each count is written with its acknowledgements)."""
        peers = sum(n for w, n in self.shared.responses().items() if w != self.shared.worker)
        self.crawler.stats.set_value(PEER_PAGES_STAT, peers)

    @without_redis("idle, waiting for it", keep_open=True)
    def spider_idle(self, spider: Spider) -> None:
        scheduler = self.context.parts.get(LeasedScheduler)
        if scheduler is not None:
            scheduler.sweep(engine_idle=True)
            self._checkpoint(force=True)
            self._ack_stored()
            self._seed_if_orphaned(scheduler)
        if self.shared.check_done():
            # A silent worker is dead or about to be reaped: its files must be taken over
            # before the last worker standing writes the manifest.
            if not self.shared.silent_workers(3 * self.heartbeat_seconds):
                logger.info("shared crawl done: nothing queued, nothing leased")
                return
            if not self._waiting_logged:
                self._waiting_logged = True
                logger.info("shared crawl done; waiting for silent workers to be reaped")
        self._schedule_wake()
        raise DontCloseSpider("the shared crawl goes on: waiting for requests")

    def _seed_if_orphaned(self, scheduler: Any) -> None:
        """The seeding worker died before it had queued every start request (the reaper
        dropped its claim): seed here. Requests it did queue are filtered as duplicates."""
        if self.shared.is_seeded() or not self.shared.claim_seeding():
            return
        spider = cast("ProfiledSpider | None", self.crawler.spider)
        if spider is None:  # the engine closed meanwhile
            return
        count = sum(bool(scheduler.enqueue_request(request))
                    for request in spider.start_requests())
        self.shared.mark_seeded()
        logger.warning("seeded the shared crawl again (its first seeder died): %d new start "
                       "requests", count)

    def _schedule_wake(self) -> None:
        """Ask the engine for requests again soon (its own heartbeat is every 5 s)."""
        from twisted.internet import reactor

        if self._wake is not None and self._wake.active():
            return
        nextcall = engine_nextcall(self.crawler)
        if nextcall is not None:
            # (mypy reads zope's IReactorTime.callLater without self: the delay "is" the callable)
            self._wake = reactor.callLater(self.idle_poll,  # type: ignore[arg-type]
                                           nextcall.schedule)

    @without_redis("this worker did not register its files and stats nor leave the crawl; a "
                   "worker of the crawl reaps it once Redis answers (its files are in its output)")
    def engine_stopped(self) -> None:
        for loop in (self._beat, self._acker):
            if loop.running:
                loop.stop()
        if self._wake is not None and self._wake.active():
            self._wake.cancel()
        note_spool(self.context.output, self.crawler.stats)
        stats = self.crawler.stats.get_stats()
        self._settle_at_exit(stats)
        part = self.context.output.manifest or {}
        self.shared.register_files(part.get("files", []))
        self.shared.register_stats(stats)
        reason = str(stats.get("finish_reason", "unknown"))
        last = self.shared.leave(reason)
        done = self.shared.is_done()
        logger.info("worker %s left (%s); crawl done: %s; last worker: %s", self.shared.worker,
                    reason, done, last)
        if not (last and done):
            self._clear_spool(part.get("files", []))
            return
        # Files not in the store yet hold the manifest (finalize); a worker started later writes it
        site = self.site_keys
        # The crawl as a whole, from every worker's stats: in the manifest and this exit code.
        merged = merge_stats(self.shared.all_stats())
        checks = [check_crawl_min_articles(merged, self.min_articles, self.extraction),
                  check_crawl_error_rate(merged, self.max_error_rate),
                  check_crawl_stall(merged, self.shared.stop_reason(), self.monitor_settings),
                  ] if self.monitors else []
        try:
            self.finalized = finalize(self.context.output, self.shared, self.crawler.settings,
                                      keep_seconds=self.config.keep_seconds, part=part,
                                      monitors=checks,
                                      current_key=site.current if site else None)
        except ManifestHeld as held:  # this worker exits 1: the crawl is not complete yet
            logger.error("%s", held)
            self.crawler.stats.set_value(MANIFEST_HELD_STAT, str(held).splitlines()[0])
        if self.finalized is not None:
            self.context.output.manifest = self.finalized
            self.crawler.stats.set_value("distributed/finalized", True)
            for name, value in with_results(self.crawler.stats.get_stats(), checks).items():
                self.crawler.stats.set_value(name, value)
            for failed in (r for r in checks if not r.ok):
                logger.warning("monitor %s failed: %s", failed.name, failed.detail)
            self._clear_spool([*part.get("files", []), {"path": "manifest.json"}])
        else:
            self._clear_spool(part.get("files", []))

    def _clear_spool(self, files: list[dict[str, Any]]) -> None:
        """s3://: this worker's files are in the store, so their spool copies go (the uploader
        keeps them for a manifest, which workers leave to the last one)."""
        out = self.context.output
        stats = self.crawler.stats
        if (not out.remote or self.context.crawl_settings.spool_keep
                or stats.get_value("storage/pending_files")):
            return
        for entry in files:
            (out.root / entry["path"]).unlink(missing_ok=True)
        if self.finalized is not None:  # the last one: nobody writes here any more
            remove_if_done(out.root)
