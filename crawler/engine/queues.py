"""Flat memory in big crawls without pickling every request.

A news site's sitemaps name every article at the start of a crawl; Scrapy's memory queues then
hold tens of thousands of requests at once. :class:`SpoolScheduler` is Scrapy's scheduler with
its disk queues (``SCHEDULER_DISK_QUEUE``) in a temporary folder (``crawler-spool-*``) when no
``JOBDIR`` is set, removed when the crawl closes or, after ``kill -9``, by the next crawl
(:mod:`crawler.crawl.scratch`) (``SCHEDULER_SPOOL``: False keeps requests in memory;
``SCHEDULER_SPOOL_DIR`` picks the parent folder, default the system's temporary folder).

:class:`SpillingLifoQueue` (``SCHEDULER_DISK_QUEUE``) keeps the newest requests as objects and
spills the oldest to Scrapy's ``PickleLifoDiskQueue`` once the crawler's queues together hold
more than ``SCHEDULER_MEMORY_REQUESTS`` (stat ``scheduler/spilled``), so the common crawl pays
no serialisation. Order stays LIFO, except that a request that cannot be pickled stays in memory
and comes before requests already spilled (as with Scrapy's memory queue) and is lost on close.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.squeues import PickleLifoDiskQueue

from crawler.crawl.context import CrawlContext
from crawler.crawl.scratch import ScratchLock, sweep
from crawler.engine.tuning import EngineSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

SPOOL_PREFIX = "crawler-spool-"  # the queue folder in the temporary folder


@dataclass
class QueueBudget:
    """Requests held in memory by one crawl's spilling queues, against their limit: one of the
    crawl's parts (``crawler.crawl.parts``), added by the scheduler."""

    limit: int
    used: int = 0
    logged: bool = False
    discard: bool = False  # the queues' folder goes with the crawl: nothing to write on close

    @classmethod
    def of(cls, crawler: Crawler) -> QueueBudget:
        """The crawl's budget (``SCHEDULER_MEMORY_REQUESTS``), added on the first call: by the
        spooling scheduler, or by the first queue under another scheduler."""
        parts = CrawlContext.of(crawler).parts
        found = parts.get(cls)
        if found is None:
            limit = EngineSettings.from_settings(crawler.settings).memory_requests
            found = parts.add(cls(max(0, limit)))
        return found


class SpillingLifoQueue:
    """LIFO queue: newest requests in memory, oldest in a lazily made pickle disk queue."""

    def __init__(self, crawler: Crawler, key: str) -> None:
        self.crawler, self.key = crawler, key
        self._budget = QueueBudget.of(crawler)
        self._memory: list[Request] = []  # oldest first; counted in the budget
        self._stuck: list[Request] = []  # could not be pickled; all older than self._memory
        self._disk: Any = None
        if Path(key).exists():  # a queue left by a previous run (JOBDIR)
            self._disk = PickleLifoDiskQueue.from_crawler(  # type: ignore[attr-defined]
                crawler, key)

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str, *args: Any,
                     **kwargs: Any) -> SpillingLifoQueue:
        return cls(crawler, key)

    @property
    def in_memory(self) -> int:
        """Requests this queue holds in memory against the crawler's budget."""
        return len(self._memory)

    def push(self, request: Request) -> None:
        self._memory.append(request)
        self._budget.used += 1
        if self._budget.used > self._budget.limit:
            self._spill(max(1, len(self._memory) // 2))

    def pop(self) -> Request | None:
        if self._memory:
            self._budget.used -= 1
            return self._memory.pop()
        if self._stuck:
            return self._stuck.pop()
        return self._disk.pop() if self._disk is not None else None

    def peek(self) -> Request | None:
        if self._memory:
            return self._memory[-1]
        if self._stuck:
            return self._stuck[-1]
        return self._disk.peek() if self._disk is not None else None

    def close(self) -> None:
        """Write the requests still in memory to disk, oldest first (unless the spool goes with
        the crawl), and close the file."""
        if self._memory and self._budget.discard:
            self._budget.used -= len(self._memory)
            self._memory.clear()
        if self._memory:
            self._spill(len(self._memory))
        if self._stuck:
            logger.debug("%d unserialisable requests dropped on close of %s",
                         len(self._stuck), self.key)
            self._stuck.clear()
        if self._disk is not None:
            self._disk.close()

    def __len__(self) -> int:
        disk = len(self._disk) if self._disk is not None else 0
        return len(self._memory) + len(self._stuck) + disk

    def _spill(self, count: int) -> None:
        """Move the ``count`` oldest memory requests to disk, oldest first."""
        spilling, self._memory = self._memory[:count], self._memory[count:]
        self._budget.used -= count
        if self._disk is None:
            self._disk = PickleLifoDiskQueue.from_crawler(  # type: ignore[attr-defined]
                self.crawler, self.key)
        written, stats = 0, getattr(self.crawler, "stats", None)
        for request in spilling:
            try:
                self._disk.push(request)
                written += 1
            except ValueError as e:  # Scrapy's pickle errors, as its _dqpush expects
                self._stuck.append(request)
                if stats is not None:
                    stats.inc_value("scheduler/unserializable")
                if not self._budget.logged:
                    self._budget.logged = True
                    logger.debug("Keeping an unserialisable request in memory: %s (%s); "
                                 "no more will be logged", request, e)
        if written and stats is not None:
            stats.inc_value("scheduler/spilled", written)


class SpoolScheduler(Scheduler):
    """Scrapy's scheduler, spooling queued requests to a temporary folder."""

    _spool: str | None = None
    _spool_lock: ScratchLock | None = None
    _budget: QueueBudget | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SpoolScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler._budget = QueueBudget.of(crawler)
        config = EngineSettings.from_settings(crawler.settings)
        if scheduler.dqdir is None and config.scheduler_spool:
            folder = config.scheduler_spool_dir or None
            sweep(f"{SPOOL_PREFIX}*", folder)  # left by crawls that were killed
            scheduler._spool = tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=folder)
            scheduler._spool_lock = ScratchLock(scheduler._spool)
            scheduler.dqdir = scheduler._dqdir(scheduler._spool)
        return scheduler

    def close(self, reason: str) -> Any:
        """Close the queues; the spool folder goes (a crawl resumes from its state, not it)."""
        if self._spool and self._budget is not None:
            self._budget.discard = True  # no point pickling what is deleted next
        try:
            return super().close(reason)
        finally:
            if self._spool:
                shutil.rmtree(self._spool, ignore_errors=True)
            if self._spool_lock:
                self._spool_lock.release()
