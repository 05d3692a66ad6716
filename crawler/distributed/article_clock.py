"""The discovery-stall watch of a distributed crawl judges the crawl, not one worker.

Each new article claim stamps the crawl's ``last_article`` time in Redis (in the claim's Lua
script, Redis's clock). A worker whose own watch trips (:class:`crawler.monitors.stall.StallWatch`)
asks :meth:`CrawlArticleClock.article_age`: when another worker wrote an article within the
window, the trip is withdrawn; otherwise the stall holds for the crawl, and
:meth:`CrawlArticleClock.stop` stops every worker (as ``--max-items`` does), with the manifest's
``finish_reason`` ``discovery_stall``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import redis

from crawler.distributed.addon import shared_crawl_of
from crawler.distributed.shared import SharedCrawl

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# KEYS: last_article. Seconds since the stamp by Redis's clock; -1 when no article yet.
_AGE = """
local stamp = redis.call('GET', KEYS[1])
if not stamp then return -1 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return now - tonumber(stamp)
"""


class CrawlArticleClock:
    """``MONITOR_CRAWL_CLOCK`` of a distributed crawl (set by the add-on)."""

    def __init__(self, shared: SharedCrawl) -> None:
        self.shared = shared
        self._age = shared.client.register_script(_AGE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlArticleClock:
        return cls(shared_crawl_of(crawler))

    def article_age(self) -> float | None:
        """Seconds since any worker of the crawl claimed a new article; None when none did yet
        or Redis does not answer (the worker's own view then stands)."""
        try:
            ms = int(self._age(keys=[self.shared.keys.last_article]))
        except redis.RedisError as exc:
            logger.warning("Redis does not answer (%s): discovery stall judged by this worker "
                           "alone", exc)
            return None
        return None if ms < 0 else ms / 1000

    def stop(self, reason: str) -> None:
        """Stop the whole crawl: no worker leases another request, the manifest says why."""
        try:
            self.shared.stop(reason)
        except redis.RedisError as exc:  # this worker still closes; the others judge alone
            logger.warning("Redis does not answer (%s): the crawl is not stopped for its other "
                           "workers", exc)
