"""Scrapy extension: upload each finished file of an s3:// crawl while the crawl goes on.

Enabled when ``OUTPUT_URI`` is ``s3://…``. It listens to ``CrawlOutput.on_completed`` and hands
every finished file to an :class:`~crawler.storage.uploader.Uploader` (worker threads, so the
reactor never waits for the store). When waiting files exceed ``SPOOL_MAX_BYTES`` it pauses the
engine until they drain. At ``spider_closed`` — after ``ManifestExtension`` has written and
reported ``manifest.json``, hence its higher EXTENSIONS order — it waits up to
``STORE_FINAL_TIMEOUT`` seconds for the uploads; whatever is still waiting stays in the spool,
counted in the ``storage/pending_files`` stat, for ``crawler upload`` or the next crawl.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from crawler.crawl.context import CrawlContext
from crawler.crawl.output import CompletedFile, CrawlOutput
from crawler.storage.jobs import UploadJob, jobs_for
from crawler.storage.objects import ObjectStore
from crawler.storage.preflight import check_spool_remove
from crawler.storage.s3 import S3Location, StoreConfig
from crawler.storage.spool import (
    COMMITTED_FILE,
    CrawlLock,
    SpoolTarget,
    read_target,
    spool_crawl_dirs,
    write_target,
)
from crawler.storage.upload_settings import UploadSettings
from crawler.storage.uploader import Uploader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _in_reactor(fn: Any, *args: Any) -> None:
    """Run ``fn`` on the reactor thread (from any thread, without waiting)."""
    from twisted.internet import reactor

    reactor.callFromThread(fn, *args)


class StoreUploadExtension:
    """Uploads a crawl's files to ``OUTPUT_URI`` (s3://bucket/prefix) as they are finished."""

    def __init__(self, crawler: Crawler) -> None:
        context = self.context = CrawlContext.of(crawler)
        if not context.output.remote:
            raise NotConfigured  # a local folder: nothing to upload (no warning for the default)
        self.crawler = crawler
        self.uri = context.output.uri
        self.config = StoreConfig.from_settings(crawler.settings)
        upload = context.config(UploadSettings)
        self.final_timeout = upload.final_timeout
        self.resume = upload.resume_spool
        workers = upload.workers
        client = self.config.client(pool=workers * self.config.max_concurrency + 2)
        self.store = ObjectStore(client, S3Location.parse(self.uri), self.config)
        self.uploader = Uploader(
            self.store, workers=workers,
            spool_max_bytes=upload.spool_max_bytes,
            keep=context.crawl_settings.spool_keep,
            defer_delete=self._remove_at_commit(upload.spool_remove),
            backoff_base=upload.retry_base,
            backoff_max=upload.retry_max,
            on_full=lambda size: _in_reactor(self._spool_full, size),
            on_room=lambda size: _in_reactor(self._spool_room, size),
        )
        self.out: CrawlOutput | None = None
        # distributed workers acknowledge work once it is stored
        context.parts.add(self)
        self.locks: list[CrawlLock] = []
        self.closing = False
        self.paused = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoreUploadExtension:
        return cls(crawler)

    @staticmethod
    def _remove_at_commit(mode: str) -> bool:
        """``SPOOL_REMOVE``: "commit" keeps a crawl's uploaded files until its manifest is in
        (``--resume`` and the manifest read them); "verified" removes each file once verified,
        which needs a manifest that takes sha256 from ``CompletedFile.sha256``."""
        check_spool_remove(mode)
        if mode == "verified" and "sha256" not in CompletedFile.__dataclass_fields__:
            logger.warning("SPOOL_REMOVE=verified needs CompletedFile.sha256: using commit")
            return True
        return mode == "commit"

    # --- signals --------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        out = self.out = self.context.output
        lock = CrawlLock(out.root)
        if lock.acquire():
            self.locks.append(lock)
        write_target(out.root, SpoolTarget(
            uri=self.uri, site=out.folder, crawl_id=out.crawl_id,
            endpoint_url=self.config.configured_endpoint(), region=self.config.region,
            addressing_style=self.config.addressing_style))
        for done in out.completed:  # files finished before we were listening
            self._completed(done)
        out.on_completed(self._completed)
        if self.resume:
            self._resume_spool(out)
        logger.info("uploading to %s at %s; spool %s", self.uri, self.config.describe(
            self.store.client), out.root)

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """Wait (without blocking the reactor) for the uploads, then report what is left."""
        from twisted.internet import reactor

        self.closing = True
        writes_manifest = self.context.crawl_settings.manifest_write
        if (writes_manifest and self.out is not None
                and not any(f.kind == "manifest" for f in self.out.completed)):
            logger.warning("no manifest reported before the upload extension closed: check that "
                           "StoreUploadExtension comes after ManifestExtension in EXTENSIONS")
        deadline = time.monotonic() + self.final_timeout
        while not self.uploader.idle() and time.monotonic() < deadline:
            self._sync_stats()
            await maybe_deferred_to_future(task.deferLater(reactor, 0.2, lambda: None))
        self._report()

    def stored(self, relpaths: list[str]) -> bool:
        """True once these files of this crawl are (verifiably) in the store."""
        return self.out is not None and self.uploader.stored(self.out.root, relpaths)

    # --- helpers (reactor thread) -----------------------------------------------------------
    def _completed(self, done: CompletedFile) -> None:
        assert self.out is not None
        location = S3Location.parse(self.uri).child(self.out.folder, self.out.crawl_id)
        self.uploader.submit(UploadJob(self.out.root, done.relpath, done.kind,
                                       location.key(done.relpath), done.size, completed=done))
        self._sync_stats()

    def _resume_spool(self, out: CrawlOutput) -> None:
        """Queue what earlier crawls to the same bucket left in this spool."""
        for crawl_dir in spool_crawl_dirs(out.root.parent.parent):
            target = read_target(crawl_dir)
            if (crawl_dir.resolve() == out.root.resolve() or target is None
                    or (crawl_dir / COMMITTED_FILE).exists()
                    or target.location().bucket != self.store.bucket
                    or target.endpoint_url != self.config.configured_endpoint()):
                continue
            lock = CrawlLock(crawl_dir)
            if not lock.acquire():
                continue  # another process is working on it
            self.locks.append(lock)
            jobs = jobs_for(crawl_dir, target)
            # a warning: an earlier crawl could not finish its uploads, this one does
            logger.warning("resuming upload of %d files left in %s", len(jobs), crawl_dir)
            for job in jobs:
                self.uploader.submit(job)

    def _spool_full(self, size: int) -> None:
        if self.closing or self.paused:
            return
        self.paused = True
        self.crawler.engine.pause()
        self.crawler.stats.inc_value("storage/spool_pauses")
        logger.warning("spool full (%d bytes wait for the store, SPOOL_MAX_BYTES is %d): crawl "
                       "paused until uploads catch up; last error: %s", size,
                       self.uploader.spool_max_bytes, self.uploader.last_error)

    def _spool_room(self, size: int) -> None:
        if not self.paused:
            return
        self.paused = False
        self.crawler.engine.unpause()
        # a warning, as "spool full … crawl paused" is: the log shows the pause ended
        logger.warning("spool down to %d bytes: crawl resumed", size)

    def _sync_stats(self) -> None:
        counts, stats = self.uploader.counts, self.crawler.stats
        stats.set_value("storage/uploaded_files", counts.uploaded_files)
        stats.set_value("storage/uploaded_bytes", counts.uploaded_bytes)
        stats.set_value("storage/present_files", counts.present_files)
        stats.set_value("storage/retries", counts.retries)
        stats.set_value("storage/spool_bytes", self.uploader.pending_bytes)

    def _report(self) -> None:
        """Stop the uploader; count and log what waits (this crawl's files set the exit code)."""
        self.uploader.stop()
        self._sync_stats()
        root = self.out.root if self.out is not None else None
        pending = self.uploader.pending_jobs()
        own = [job for job in pending if job.crawl_dir == root]
        earlier = [job for job in pending if job.crawl_dir != root]
        self.crawler.stats.set_value("storage/pending_files", len(own))
        self.crawler.stats.set_value("storage/pending_files_earlier", len(earlier))
        for lock in self.locks:
            lock.release()
        if not own:
            logger.info("all files of this crawl are in %s", self.uri)
        for jobs, log in ((own, logger.error), (earlier, logger.warning)):
            if not jobs:
                continue
            folders = sorted({str(job.crawl_dir) for job in jobs})
            log("%d files were not uploaded (last error: %s); they wait in %s — run "
                "`crawler upload %s` when the store is back", len(jobs),
                self.uploader.last_error or "none, the store did not answer in time",
                ", ".join(folders), " ".join(folders))
            for job in jobs:
                log("  waiting: %s -> s3://%s/%s", job.path, self.store.bucket, job.key)
