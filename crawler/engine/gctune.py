"""Python's cyclic garbage collector, tuned for a long crawl.

A crawl's main process holds a large, permanent heap from its start (Scrapy, Twisted, lxml,
the extraction modules: some hundreds of thousands of objects) and then allocates short-lived
objects for every request and response. With CPython's defaults each full collection walks
the whole permanent heap again: ``bench/components.py`` measured the collector at about
1.1 ms of CPU per article page, one seventh of the main process. This extension freezes what
exists when the engine starts (``gc.freeze``: those objects are never walked again; they live
as long as the process anyway) and collects the young generation less often (most of a
response's objects are freed by reference counting long before). Cycles are still collected:
memory stays flat (``bench/rss.py``).

Several crawlers in one process (a run of many sites, ``crawler.multisite``) share the one
collector: the first to start tunes it, the last to stop puts it back, and a site starting in
between costs no full collection.

Setting: ``GC_TUNING`` (True).
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.engine.tuning import EngineSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


# gc.set_threshold while crawling: a young-generation pass per 20,000 new container objects
# (CPython's default: 700), an older one per 20 of those, a full one per 40 older ones.
THRESHOLDS = (20_000, 20, 40)


class _ProcessTuning:
    """The collector is the process's: tuned while any crawler of the process runs."""

    def __init__(self) -> None:
        self.users = 0
        self.before: tuple[int, int, int] | None = None

    def acquire(self, thresholds: tuple[int, int, int]) -> None:
        self.users += 1
        if self.users > 1:
            return
        gc.collect()
        gc.freeze()
        self.before = gc.get_threshold()
        gc.set_threshold(*thresholds)
        logger.debug("garbage collector: %d objects frozen, thresholds %s",
                     gc.get_freeze_count(), thresholds)

    def release(self) -> None:
        self.users = max(0, self.users - 1)
        if self.users or self.before is None:
            return
        gc.set_threshold(*self.before)
        gc.unfreeze()
        self.before = None


_PROCESS = _ProcessTuning()  # process-wide, as the collector itself


class GcTuning:
    """Extension: freeze the start-up heap and set the collector's thresholds."""

    def __init__(self, crawler: Crawler) -> None:
        if not EngineSettings.from_settings(crawler.settings).gc_tuning:
            raise NotConfigured("GC_TUNING is off")
        self.thresholds = THRESHOLDS
        self.tuned = False
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        return cls(crawler)

    def engine_started(self) -> None:
        if not self.tuned:
            self.tuned = True
            _PROCESS.acquire(self.thresholds)

    def engine_stopped(self) -> None:
        """Back to how it was once the process's last crawl stops (tests, scrapyd and runs of
        many sites run more than one)."""
        if self.tuned:
            self.tuned = False
            _PROCESS.release()
