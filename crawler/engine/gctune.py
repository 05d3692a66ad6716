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


class GcTuning:
    """Extension: freeze the start-up heap and set the collector's thresholds."""

    def __init__(self, crawler: Crawler) -> None:
        if not EngineSettings.from_settings(crawler.settings).gc_tuning:
            raise NotConfigured("GC_TUNING is off")
        self.thresholds = THRESHOLDS
        self.before: tuple[int, int, int] | None = None
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        return cls(crawler)

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        self.before = gc.get_threshold()
        gc.set_threshold(*self.thresholds)
        logger.debug("garbage collector: %d objects frozen, thresholds %s",
                     gc.get_freeze_count(), self.thresholds)

    def engine_stopped(self) -> None:
        """Back to how it was: a process may run more than one crawl (tests, scrapyd)."""
        if self.before is not None:
            gc.set_threshold(*self.before)
            gc.unfreeze()
            self.before = None
