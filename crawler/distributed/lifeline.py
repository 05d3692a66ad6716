"""A worker that loses Redis stops, instead of waiting for it forever.

Every lease, acknowledgement and heartbeat of a distributed crawl goes through Redis. When Redis
stops answering, the worker keeps what it has (its WARC and JSON files are flushed record by
record) and waits ``REDIS_LOST_SECONDS`` (60; 0: wait forever) for it to come back, pinging it
every second from a thread. Then it closes with the finish reason ``redis_unreachable`` and
exits 1. What it leased and did not acknowledge goes back to the queue when another worker
reaps it once Redis answers again, and that worker takes over its files.

During an outage nothing is lost: the scheduler hands out nothing and keeps the links found in a
local buffer, holding back the acknowledgements (:mod:`crawler.distributed.scheduler`); a fetch
waiting for its politeness slot and an article waiting for its claim wait for Redis too
(:func:`until_redis_answers`), until the lifeline gives up or the spider closes.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import task, threads

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import WorkerSettings, shared_crawl_of

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REDIS_LOST_REASON = "redis_unreachable"
PROBE_SECONDS = 1.0
WARN_EVERY_SECONDS = 30.0  # one warning per wrapped action in this long, during an outage


class RedisLifeline:
    """Extension: pings Redis; closes the spider after ``REDIS_LOST_SECONDS`` without it."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        if not context.distributed:
            raise NotConfigured("not a worker of a distributed crawl")
        shared = shared_crawl_of(crawler)
        self.limit = context.config(WorkerSettings).redis_lost_seconds
        if self.limit <= 0:
            raise NotConfigured("REDIS_LOST_SECONDS is 0: a worker waits for Redis forever")
        self.crawler = crawler
        self.shared = shared
        self.down_since: float | None = None
        self.closing = False
        self._probe = task.LoopingCall(self._ping)
        context.parts.add(self)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisLifeline:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        self._probe.start(PROBE_SECONDS, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self._probe.running:
            self._probe.stop()

    def _ping(self) -> Any:
        d = threads.deferToThread(self.shared.client.ping)
        d.addCallbacks(lambda _: self.answered(), lambda failure: self.failed(failure.value))
        return d  # the next ping waits for this one (a blocked socket times out first)

    def answered(self) -> None:
        """Redis answered: an outage, if any, is over."""
        if self.down_since is not None:
            logger.warning("Redis answers again, after %.0fs", time.monotonic() - self.down_since)
            self.down_since = None

    def failed(self, exc: BaseException) -> None:
        """Redis did not answer: note the outage; close the spider once it lasted too long."""
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
            self.crawler.stats.inc_value("distributed/redis_outages")
            logger.warning("Redis does not answer (%s): this worker waits up to %gs for it "
                           "(REDIS_LOST_SECONDS)", exc, self.limit)
            return
        if now - self.down_since < self.limit or self.closing:
            return
        self.closing = True
        logger.error("Redis has not answered for %.0fs (%s): this worker stops. Its files stay "
                     "in its output; what it leased and did not acknowledge goes back to the "
                     "queue when a worker of this crawl reaps it, once Redis answers again",
                     now - self.down_since, exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_LOST_REASON))


def stop_waiting(crawler: Crawler) -> bool:
    """True when work that waits for Redis should give up: the lifeline ended the crawl, or
    the spider is closing for another reason (a signal, a limit)."""
    lifeline = CrawlContext.of(crawler).parts.get(RedisLifeline)
    if lifeline is not None and lifeline.closing:
        return True
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    return slot is not None and slot.closing is not None


async def until_redis_answers(crawler: Crawler, call: Callable[[], Any]) -> Any:
    """``call()`` (a Redis command), retried every second while Redis does not answer; raises
    the last :class:`redis.RedisError` once :func:`stop_waiting` says so."""
    from twisted.internet import reactor

    while True:
        try:
            return call()
        except redis.RedisError:
            if stop_waiting(crawler):
                raise
        await maybe_deferred_to_future(task.deferLater(reactor, PROBE_SECONDS, lambda: None))


def without_redis(action: str, *, keep_open: bool = False) -> Callable[[Any], Any]:
    """Decorator for the distributed extension's hooks: a Redis error is logged (``action``
    says what did not happen, at most every 30 s per extension) instead of raised.
    ``keep_open``: the hook is ``spider_idle``, and the spider stays open (``DontCloseSpider``)
    while Redis is away, so the lifeline, not an idle check that could not ask Redis, ends the
    crawl."""
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        accepted = set(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            # Scrapy's signals pass every argument a handler's own signature names: pass on
            # only those (this wrapper's **kwargs would take signal=, sender=... too)
            kwargs = {k: v for k, v in kwargs.items() if k in accepted}
            try:
                return fn(*args, **kwargs)
            except redis.RedisError as exc:
                now = time.monotonic()
                warned_at = _warnings_of(args[0] if args else None)
                if now - warned_at.get(action, -WARN_EVERY_SECONDS) >= WARN_EVERY_SECONDS:
                    warned_at[action] = now
                    logger.warning("Redis does not answer (%s): %s", exc, action)
                if keep_open:
                    raise DontCloseSpider(f"Redis does not answer: {action}") from exc
                return None
        return inner
    return wrap


def _warnings_of(owner: Any) -> dict[str, float]:
    """When each action of ``owner`` (the extension whose hook failed) was last warned about."""
    warned = getattr(owner, "_redis_warned_at", None)
    if warned is None:
        warned = {}
        if owner is not None:
            owner._redis_warned_at = warned
    return warned
