"""``PATH_SHAPE_BUDGET`` for the whole shared crawl: the per-shape counts live in Redis.

One hash per crawl (``<crawl>:shapes``: shape -> new listing links counted by any worker), one
pipelined ``HINCRBY`` per shape for each page's links. When Redis does not answer, the page's
links are counted in this worker alone (:class:`~crawler.scope.shape_budget.LocalShapeCounter`):
the budget is a trap bound, not a politeness limit, and the lifeline stops the worker if the outage
lasts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import redis

from crawler.distributed.addon import shared_crawl_of
from crawler.distributed.shared import SharedCrawl
from crawler.scope.shape_budget import LocalShapeCounter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SharedShapeCounter:
    """``PATH_SHAPE_COUNTER`` of a distributed crawl (set by the add-on)."""

    def __init__(self, shared: SharedCrawl, stats: Any = None) -> None:
        self.shared = shared
        self.key = f"{shared.keys.root}:shapes"  # expires with the crawl's other keys
        self.stats = stats
        self.fallback = LocalShapeCounter()
        self._warned = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedShapeCounter:
        return cls(shared_crawl_of(crawler), crawler.stats)

    def add(self, shapes: Sequence[str]) -> list[int]:
        if not shapes:
            return []
        pipe = self.shared.client.pipeline(transaction=False)
        for shape in shapes:
            pipe.hincrby(self.key, shape, 1)
        try:
            return [int(n) for n in pipe.execute()]
        except redis.RedisError as exc:
            if not self._warned:
                self._warned = True
                logger.warning("Redis does not answer (%s): path shapes counted by this worker "
                               "alone until it does", exc)
            if self.stats is not None:
                self.stats.inc_value("distributed/shape_counts_local")
            return self.fallback.add(shapes)
