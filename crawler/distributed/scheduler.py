"""scrapy-redis's shared queue and duplicate filter, with a lease on every request taken.

``next_request`` moves a request from the shared queue into this worker's in-flight hash in one
step. The lease is acknowledged once the request has left the engine: by then it was downloaded
(and archived), its callback ran, the requests it found are in the shared queue and its items went
through the pipelines. A retry or a redirect is a new request in the shared queue before the old
one leaves, so nothing falls between the two. If the worker dies, the reaper
(:mod:`crawler.distributed.worker_extension`) puts its leases back into the queue.

When Redis does not answer (:mod:`crawler.distributed.lifeline` decides how long to wait), no
request is handed out, links found wait in a local buffer, and no lease is acknowledged until
that buffer is in the shared queue: if the worker stops first, its leases go back to the queue
through the reaper and the pages are fetched again. Failed acknowledgements are retried.

A worker that found the shared queue empty asks again within ``SWEEP_SECONDS``: other workers
queue requests at any moment, and an engine that sees requests queued does not go idle (which
would wake it, :mod:`crawler.distributed.worker_extension`), so it would otherwise wait for its own
5-second heartbeat.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.crawl.context import CrawlContext
from crawler.distributed.addon import shared_crawl_of
from crawler.distributed.shared import SharedCrawl
from crawler.engine.seen import SeenKeys, fingerprint_key
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 0.25
STOP_CHECK_SECONDS = 1.0  # how often an engine with requests queued asks whether the crawl stopped
# fingerprints this worker remembers to spare Redis a call (as 64-bit keys: about 15 MB)
LOCAL_SEEN_MAX = 1_000_000

# KEYS: duplicate filter, queue. ARGV: fingerprint, score, request, dont_filter.
_ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 and ARGV[4] ~= '1' then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


def engine_nextcall(crawler: Crawler) -> Any:
    """The engine's hook that has it ask the scheduler for requests again (``schedule()``);
    None before the engine has opened the spider."""
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    return getattr(slot, "nextcall", None)


class LeasedScheduler(Scheduler):
    """The shared queue of a distributed crawl (``SCHEDULER`` when ``REDIS_URL`` is set)."""

    def __init__(self, crawler: Crawler, shared: SharedCrawl) -> None:
        super().__init__(
            server=shared.client,
            persist=True,  # the queue belongs to the crawl, not to this worker
            queue_key=shared.keys.queue,
            dupefilter=RFPDupeFilter(shared.client, key=shared.keys.dupefilter,
                                     debug=SettingsReader(crawler.settings).bool(
                                         "DUPEFILTER_DEBUG")),
        )
        self.crawler = crawler
        self.shared = shared
        self.leases: dict[int, Request] = {}
        context = CrawlContext.of(crawler)
        # s3://: a finished request's records are safe once its files are in the store, so its
        # lease is acknowledged then (crawler.distributed.worker_extension checkpoints); a local
        # folder is safe once flushed (the reaper repairs a dead worker's files there).
        self.ack_when_stored = context.output.remote
        self.settled: list[int] = []  # finished, waiting for their files to be stored
        self._sweeper = task.LoopingCall(self._tick)
        self._found_empty = False  # the last lease found the queue empty: ask again soon
        self._seen_here = SeenKeys()
        self._unqueued: list[Request] = []  # found while Redis did not answer: queued later
        self._held: list[int] = []  # done while links wait in that buffer: not acknowledged yet
        self._ack_later: list[int] = []  # done, acknowledgement failed: retried
        self._enqueue = shared.client.register_script(_ENQUEUE)
        self._stop_seen, self._stop_checked = False, -STOP_CHECK_SECONDS
        context.parts.add(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        instance = cls(crawler, shared_crawl_of(crawler))
        instance.stats = crawler.stats
        return instance

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = PriorityQueue(server=self.server, spider=spider, key=self.queue_key)
        queued = len(self.queue)
        if queued:
            logger.info("joining a crawl with %d requests queued", queued)
        self._sweeper.start(SWEEP_SECONDS, now=False)

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` unless any worker has seen it: one Redis call, none for a link
        this worker has already seen (pages repeat most of their links). While Redis does not
        answer, the request waits in this worker's buffer (and counts as queued)."""
        if self._unqueued:
            self._unqueued.append(request)  # behind the ones waiting already
            return True
        try:
            return self._queue(request)
        except redis.RedisError:
            self._unqueued.append(request)
            if self.stats:
                self.stats.inc_value("distributed/links_buffered")
            return True

    def _queue(self, request: Request) -> bool:
        fingerprint = self.df.request_fingerprint(request)
        key = fingerprint_key(bytes.fromhex(fingerprint))
        if not request.dont_filter and key in self._seen_here:
            self.df.log(request, self.spider)
            return False
        queued = self._enqueue(keys=[self.df.key, self.queue.key],
                               args=[fingerprint, -request.priority,
                                     self.queue._encode_request(request),
                                     int(request.dont_filter)])
        if not request.dont_filter:
            if len(self._seen_here) >= LOCAL_SEEN_MAX:
                self._seen_here = SeenKeys()  # a cache: Redis's set stays the authority
            self._seen_here.add(key)
        if not queued:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def has_pending_requests(self) -> bool:
        if self._unqueued:
            return True
        try:
            return super().has_pending_requests() and not self._stopped()
        except redis.RedisError:
            return True  # unknown: keep the engine asking, not idle (the lifeline decides)

    def _stopped(self) -> bool:
        """The crawl was stopped before its end (``--max-items``, a discovery stall): what is
        queued is leased to nobody, so this worker goes idle and leaves. Asked of Redis at
        most once a second; a stop is for good."""
        now = time.monotonic()
        if not self._stop_seen and now >= self._stop_checked + STOP_CHECK_SECONDS:
            self._stop_checked = now
            self._stop_seen = self.shared.stop_reason() is not None
        return self._stop_seen

    def next_request(self) -> Request | None:
        try:
            taken = self.shared.lease()
        except redis.RedisError:
            return None  # the lifeline logs the outage and ends it if it lasts
        if taken is None:
            self._found_empty = True
            return None
        lease_id, data = taken
        request = self.queue._decode_request(data)
        self.leases[lease_id] = request
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _tick(self) -> None:
        self.sweep()
        if self._found_empty:
            self._found_empty = False
            nextcall = engine_nextcall(self.crawler)
            if nextcall is not None:
                nextcall.schedule()

    def sweep(self, engine_idle: bool = False) -> int:
        """Acknowledge the leases whose requests have left the engine; returns how many."""
        self._retry()
        if not self.leases:
            return 0
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        if engine_idle:
            done = list(self.leases)
        elif inprogress is None:
            return 0  # no view of the engine: acknowledged when it is idle
        else:
            done = [lid for lid, request in self.leases.items() if request not in inprogress]
        for lid in done:
            del self.leases[lid]
        if self._unqueued:  # links they found are not in the shared queue yet
            self._held.extend(done)
        elif done and self.ack_when_stored:
            self.settled.extend(done)
        elif done:
            self.acknowledge(done)
        return len(done)

    def acknowledge(self, lease_ids: list[int]) -> None:
        """These leases' work is safe: drop them from this worker's in-flight hash."""
        responses = self.stats.get_value("downloader/response_count", 0) if self.stats else None
        try:
            self.shared.ack(lease_ids, responses=responses)
        except redis.RedisError:
            self._ack_later.extend(lease_ids)
            return
        if self.stats:
            self.stats.inc_value("distributed/acknowledged", len(lease_ids))

    def _retry(self) -> None:
        """Once Redis answers: queue the buffered links, then settle the leases held for them,
        and retry failed acknowledgements."""
        while self._unqueued:
            try:
                self._queue(self._unqueued[0])
            except redis.RedisError:
                return
            self._unqueued.pop(0)
        if self._held:
            held, self._held = self._held, []
            logger.info("links found while Redis did not answer are queued: %d finished "
                        "requests settle", len(held))
            if self.ack_when_stored:
                self.settled.extend(held)
            else:
                self.acknowledge(held)
        if self._ack_later:
            batch, self._ack_later = self._ack_later, []
            self.acknowledge(batch)

    def take_settled(self) -> list[int]:
        """The finished leases not acknowledged yet (the caller acknowledges them)."""
        batch, self.settled = self.settled, []
        return batch

    def close(self, reason: str) -> None:
        if self._sweeper.running:
            self._sweeper.stop()
        self.sweep()
        self._retry()
        unfinished = [*self.leases, *self._held] if self._unqueued else [*self.leases]
        try:
            back = self.shared.give_back(unfinished)  # another worker does them
        except redis.RedisError as exc:
            logger.error("could not give %d requests back (%s): they return to the queue when "
                         "a worker of this crawl reaps this one", len(unfinished), exc)
        else:
            if back:
                logger.info("gave %d unfinished requests back to the shared queue", back)
        self.leases.clear()
        super().close(reason)
