"""Politeness for the whole crawl: per-host concurrency and delay shared by every worker.

Before a request goes to the downloader, its worker takes a slot for the host in Redis: at most
``SHARED_CONCURRENT_REQUESTS_PER_DOMAIN`` slots at once across all workers, and starts at least
``SHARED_DOWNLOAD_DELAY`` seconds apart (±``DOWNLOAD_DELAY_JITTER``), or robots.txt's
``Crawl-delay`` once a worker has read it. Slots are released when the response or the error comes
back (a release Redis missed during an outage is sent again once it answers), and expire on their
own after ``DOWNLOAD_TIMEOUT`` (plus a margin) if a worker dies. Times
come from the Redis server's clock, so workers on machines with skewed clocks agree. A worker asks
for a shared slot only when its own downloader slot for the host has room, so a slot it holds is a
request on the wire, never one waiting in its local queue (which would go out late, after another
worker's ``Retry-After`` pause had begun).

A 429 or 503 with ``Retry-After`` pauses the host for every worker: its next start moves to the
end of the wait (capped at ``RETRY_AFTER_MAX``; off with ``RETRY_AFTER_ENABLED``), where
:mod:`crawler.engine.retry_after` alone would pause only the worker that got the answer.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, task

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import shared_crawl_of
from crawler.distributed.lifeline import until_redis_answers
from crawler.engine.retry_after import retry_after_seconds
from crawler.engine.tuning import EngineSettings
from crawler.pages.urls import host_of
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

META_KEY = "_shared_host_slot"
FULL_POLL_SECONDS = 0.05

# KEYS: slots, next, robots delay. ARGV: token, concurrency, delay ms, slot lifetime ms.
# Returns 0 when the slot is taken, else milliseconds to wait before asking again.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local delay = tonumber(ARGV[3])
local robots = redis.call('GET', KEYS[3])
if robots then delay = math.max(delay, math.floor(tonumber(robots) * 1000)) end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return nxt - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SET', KEYS[2], now + delay, 'PX', delay + 60000)
return 0
"""

# KEYS: next. ARGV: pause ms. Moves the host's next start to now + pause unless it is later.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = tonumber(ARGV[1])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if now + pause > nxt then redis.call('SET', KEYS[1], now + pause, 'PX', pause + 60000) end
return pause
"""


@dataclass(frozen=True)
class PolitenessSettings:
    """``SHARED_CONCURRENT_REQUESTS_PER_DOMAIN``, ``SHARED_DOWNLOAD_DELAY`` (set by the add-on from
    ``CONCURRENT_REQUESTS_PER_DOMAIN`` and ``DOWNLOAD_DELAY`` unless given),
    ``DOWNLOAD_DELAY_JITTER`` and ``DOWNLOAD_TIMEOUT``."""

    concurrency: int
    delay: float
    jitter: float
    timeout: float

    @classmethod
    def from_settings(cls, settings: Any) -> PolitenessSettings:
        read = SettingsReader(settings)
        return cls(concurrency=read.int("SHARED_CONCURRENT_REQUESTS_PER_DOMAIN"),
                   delay=read.float("SHARED_DOWNLOAD_DELAY"),
                   jitter=read.float("DOWNLOAD_DELAY_JITTER"),
                   timeout=read.float("DOWNLOAD_TIMEOUT"))


class SharedPolitenessMiddleware:
    """Downloader middleware (next to the downloader) that waits for a crawl-wide host slot."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        if not context.distributed:
            raise NotConfigured("REDIS_URL is not set")
        config = context.config(PolitenessSettings)
        engine = context.config(EngineSettings)
        self.crawler = crawler
        self.shared = shared_crawl_of(crawler)
        self.stats = crawler.stats
        self.concurrency = max(1, config.concurrency)
        self.delay = max(0.0, config.delay)
        self.jitter = min(1.0, max(0.0, config.jitter))
        self.lifetime_ms = int((config.timeout + 30) * 1000)
        self._acquire = self.shared.client.register_script(_ACQUIRE)
        self._pause = self.shared.client.register_script(_PAUSE)
        self.retry_after = engine.retry_after
        self.retry_after_max = engine.retry_after_max
        self._published: dict[str, float] = {}
        self._local_gates: dict[str, defer.DeferredSemaphore] = {}
        self._unreleased: deque[tuple[str, str]] = deque()  # (host, token) Redis missed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        return cls(crawler)

    def _delay_ms(self) -> int:
        spread = random.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter else 1.0
        return int(self.delay * spread * 1000)

    def _publish_crawl_delay(self, host: str, spider: Spider) -> None:
        """A robots.txt Crawl-delay this worker's spider found becomes every worker's."""
        delay = float(getattr(spider, "download_delay", 0) or 0)
        if delay > self._published.get(host, 0.0):
            self.shared.client.set(self.shared.keys.host_delay(host), delay)
            self._published[host] = delay

    def _local_gate(self, request: Request) -> tuple[str, defer.DeferredSemaphore]:
        """This worker's gate for the request's downloader slot: as many places as the slot
        transfers at once, so a request let through goes on the wire without queueing."""
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        gate = self._local_gates.get(key)
        if gate is None:
            slot = downloader.slots.get(key)
            places = slot.concurrency if slot is not None else downloader.per_slot_settings.get(
                key, {}).get("concurrency", downloader.ip_concurrency
                             or downloader.domain_concurrency)
            gate = self._local_gates[key] = defer.DeferredSemaphore(max(1, places))
        return key, gate

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        key, gate = self._local_gate(request)
        await maybe_deferred_to_future(gate.acquire())
        try:
            token = await self._take_shared_slot(request, spider)
        except BaseException:
            gate.release()
            raise
        request.meta[META_KEY] = (host_of(request.url), token, key)

    async def _take_shared_slot(self, request: Request, spider: Spider | None) -> str:
        from twisted.internet import reactor

        host = host_of(request.url)
        spider = spider or getattr(self.crawler, "spider", None)
        keys = [self.shared.keys.host_slots(host), self.shared.keys.host_next(host),
                self.shared.keys.host_delay(host)]
        token = f"{self.shared.worker}:{secrets.token_hex(6)}"  # the reaper frees a dead one's
        waited = 0.0
        while True:
            try:  # no slot without Redis: wait for it (the lease stays this worker's)
                if spider is not None:
                    await until_redis_answers(
                        self.crawler, lambda: self._publish_crawl_delay(host, spider))
                wait_ms = await until_redis_answers(
                    self.crawler, lambda: self._try_acquire(keys, token))
            except redis.RedisError as exc:  # the worker stops: its lease goes back
                raise IgnoreRequest(f"Redis does not answer ({exc}): left to the crawl") from exc
            if wait_ms == 0:
                break
            pause = FULL_POLL_SECONDS if wait_ms < 0 else min(wait_ms / 1000, 5.0)
            waited += pause
            await maybe_deferred_to_future(task.deferLater(reactor, pause, lambda: None))
        if waited:
            self.stats.inc_value("distributed/politeness_wait_seconds",
                                 waited)  # type: ignore[arg-type]  # seconds, a float
        return token

    def _try_acquire(self, keys: list[str], token: str) -> int:
        """One ask for a shared slot (after the releases Redis missed): 0 when taken, else
        milliseconds to wait (-1: all slots taken)."""
        self._release_missed()
        return int(self._acquire(keys=keys, args=[token, self.concurrency, self._delay_ms(),
                                                  self.lifetime_ms]))

    def _release(self, request: Request) -> None:
        held = request.meta.pop(META_KEY, None)
        if held:
            host, token, key = held
            self._local_gates[key].release()
            self._unreleased.append((host, token))
            self._release_missed()

    def _release_missed(self) -> None:
        """Give back the shared slots whose release has not reached Redis yet. One left behind
        by an outage would otherwise hold the host until it expires (``lifetime_ms``)."""
        while self._unreleased:
            host, token = self._unreleased[0]
            try:
                self.shared.client.zrem(self.shared.keys.host_slots(host), token)
            except redis.RedisError:
                return
            self._unreleased.popleft()

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Any:
        self._release(request)
        seconds = retry_after_seconds(response, self.retry_after_max) if self.retry_after else None
        if seconds:
            self._pause_host(request, seconds)
        return response

    def _pause_host(self, request: Request, seconds: float) -> None:
        """Every worker waits ``seconds`` before its next start on the request's host."""
        host = host_of(request.url)
        try:
            self._pause(keys=[self.shared.keys.host_next(host)], args=[int(seconds * 1000)])
        except redis.RedisError:  # this worker still pauses (crawler.engine.retry_after)
            return
        self.stats.inc_value("distributed/retry_after_pauses")

    def process_exception(self, request: Request, exception: Exception,
                          spider: Spider | None = None) -> None:
        self._release(request)
