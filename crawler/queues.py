"""Flat memory in big crawls: the request queue on disk.

A news site's sitemaps name every article at the start of a crawl; Scrapy's memory queues then
hold tens of thousands of requests at once. :class:`SpoolScheduler` is Scrapy's scheduler with
its disk queues (``SCHEDULER_DISK_QUEUE``) in a temporary folder when no ``JOBDIR`` is set,
removed when the crawl closes (``SCHEDULER_SPOOL``: False keeps requests in memory; a request
that cannot be serialised stays in memory as usual; ``SCHEDULER_SPOOL_DIR`` picks the parent
folder, default the system's temporary folder).
"""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

from scrapy.core.scheduler import Scheduler


class SpoolScheduler(Scheduler):
    """Scrapy's scheduler, spooling queued requests to a temporary folder."""

    _spool: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SpoolScheduler:
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        if scheduler.dqdir is None and settings.getbool("SCHEDULER_SPOOL", True):
            folder = settings.get("SCHEDULER_SPOOL_DIR") or None
            scheduler._spool = tempfile.mkdtemp(prefix="crawler-queue-", dir=folder)
            scheduler.dqdir = scheduler._dqdir(scheduler._spool)
        return scheduler

    def close(self, reason: str) -> Any:
        """Close the queues; the spool folder goes (a crawl resumes from its state, not it)."""
        try:
            return super().close(reason)
        finally:
            if self._spool:
                shutil.rmtree(self._spool, ignore_errors=True)

