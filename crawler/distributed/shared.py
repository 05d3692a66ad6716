"""The shared state of one distributed crawl in Redis: leases, workers, the end, the registry.

Every multi-key change is one Lua script, so it is atomic whatever the other workers do. The
invariant the end of the crawl rests on: a request is always either in the queue or in exactly one
worker's in-flight hash, until the worker that took it acknowledges it (its children are in the
queue by then, its records written). The crawl is done when the queue and every in-flight hash
are empty after seeding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, cast

import redis

from crawler.distributed.keys import CrawlKeys

MAX_ITEMS_REASON = "closespider_itemcount"  # Scrapy's finish reason for --max-items

# Take the request with the best (lowest) score and lease it to a worker (none once the crawl
# has stopped early).
_LEASE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return false end
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, r[2] .. '|' .. r[1])
return {id, r[1]}
"""

# Give every lease of a worker back to the queue; forget the worker.
_REQUEUE = """
local entries = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #entries, 2 do
  local v = entries[i + 1]
  local sep = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, sep - 1)), string.sub(v, sep + 1))
  n = n + 1
end
redis.call('DEL', KEYS[2])
if ARGV[2] == '1' then redis.call('ZREM', KEYS[3], ARGV[1]) end
return n
"""

# Give these leases of a worker back to the queue.
_REQUEUE_SOME = """
local n = 0
for i = 1, #ARGV do
  local v = redis.call('HGET', KEYS[2], ARGV[i])
  if v then
    local sep = string.find(v, '|', 1, true)
    redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, sep - 1)), string.sub(v, sep + 1))
    redis.call('HDEL', KEYS[2], ARGV[i])
    n = n + 1
  end
end
return n
"""

# Done when seeded, the queue is empty and no worker holds a lease.
_CHECK_DONE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('HLEN', ARGV[1] .. w) > 0 then return 0 end
end
redis.call('SET', KEYS[4], ARGV[2])
return 1
"""

# Claim an article's record for a worker: its owner, or nothing when the crawl has stopped or
# already has ARGV[3] (> 0) claims; the crawl then stops early (ARGV[4], the reason) and is done.
_CLAIM = """
local owner = redis.call('HGET', KEYS[1], ARGV[1])
if owner then return owner end
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local limit = tonumber(ARGV[3])
if limit > 0 and redis.call('HLEN', KEYS[1]) >= limit then
  redis.call('SET', KEYS[2], ARGV[4], 'NX')
  redis.call('SET', KEYS[3], ARGV[2], 'NX')
  return false
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local t = redis.call('TIME')
redis.call('SET', KEYS[4], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return ARGV[2]
"""

# A worker leaves: 1 when it was the last one registered.
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('ZCARD', KEYS[1]) == 0 and 1 or 0
"""


def redis_client(url: str) -> redis.Redis:
    """A client for ``url`` (``redis://host:port/db``), bytes in and out."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10,
                                health_check_interval=30)


def text(value: bytes | str) -> str:
    """A Redis reply as text (our clients return bytes; redis-py types replies as either)."""
    return value.decode() if isinstance(value, bytes) else value


def server_time_ms(client: redis.Redis) -> int:
    """Redis's clock in milliseconds: one clock for every worker on every machine."""
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


class SharedCrawl:
    """One crawl's keys on one Redis, seen from one worker."""

    def __init__(self, client: redis.Redis, keys: CrawlKeys, worker: str) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self._lease = client.register_script(_LEASE)
        self._requeue = client.register_script(_REQUEUE)
        self._requeue_some = client.register_script(_REQUEUE_SOME)
        self._check_done = client.register_script(_CHECK_DONE)
        self._leave = client.register_script(_LEAVE)
        self._claim = client.register_script(_CLAIM)

    # --- queue and leases -----------------------------------------------------------------
    def lease(self) -> tuple[int, bytes] | None:
        """The next request as ``(lease id, encoded request)``; None when the queue is empty."""
        got = self._lease(keys=[self.keys.queue, self.keys.inflight(self.worker),
                                self.keys.lease_counter, self.keys.stopped])
        if not got:
            return None
        return int(got[0]), got[1]

    def ack(self, lease_ids: Iterable[int], responses: int | None = None) -> None:
        """The requests of these leases are done: forget them. ``responses``: how many this
        worker has received so far, recorded in the same transaction, so once the crawl is done
        every worker's count covers all the work it acknowledged."""
        ids = list(lease_ids)
        if not ids:
            return
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.keys.inflight(self.worker), *ids)
        if responses is not None:
            pipe.hset(self.keys.responses, self.worker, int(responses))
        pipe.execute()

    def leases_of(self, worker: str) -> int:
        return int(self.client.hlen(self.keys.inflight(worker)))

    def requeue(self, worker: str, *, unregister: bool = True) -> int:
        """Put every lease of ``worker`` back into the queue (and unregister it)."""
        return int(self._requeue(keys=[self.keys.queue, self.keys.inflight(worker),
                                       self.keys.workers], args=[worker, int(unregister)]))

    def give_back(self, lease_ids: Iterable[int]) -> int:
        """Put these leases of this worker back into the queue; returns how many."""
        ids = list(lease_ids)
        if not ids:
            return 0
        return int(self._requeue_some(keys=[self.keys.queue, self.keys.inflight(self.worker)],
                                      args=ids))

    def queued(self) -> int:
        return int(self.client.zcard(self.keys.queue))

    # --- workers --------------------------------------------------------------------------
    def heartbeat(self) -> None:
        """Register this worker (again) as alive now."""
        self.client.zadd(self.keys.workers, {self.worker: server_time_ms(self.client)})

    def workers(self) -> dict[str, int]:
        """Registered workers and their last heartbeat (ms, Redis clock)."""
        scored = cast(list[tuple[bytes, float]],
                      self.client.zrange(self.keys.workers, 0, -1, withscores=True))
        return {text(w): int(s) for w, s in scored}

    def silent_workers(self, ttl_seconds: float) -> list[str]:
        """Workers with no heartbeat for ``ttl_seconds``: presumed dead."""
        cutoff = server_time_ms(self.client) - int(ttl_seconds * 1000)
        return [w for w, beat in self.workers().items() if beat < cutoff and w != self.worker]

    def try_reaper_lock(self, seconds: float) -> bool:
        return bool(self.client.set(self.keys.reaper_lock, self.worker, nx=True,
                                    px=int(seconds * 1000)))

    def release_reaper_lock(self) -> None:
        if self.client.get(self.keys.reaper_lock) == self.worker.encode():
            self.client.delete(self.keys.reaper_lock)

    def leave(self, how: str) -> bool:
        """Unregister this worker; True when no other worker is registered."""
        return bool(self._leave(keys=[self.keys.workers, self.keys.departed],
                                args=[self.worker, how]))

    def departed(self) -> dict[str, str]:
        return {text(k): text(v) for k, v in self.client.hgetall(self.keys.departed).items()}

    def release_host_slots(self, worker: str) -> int:
        """Free the per-host politeness slots ``worker`` held (it died holding them)."""
        freed = 0
        for key in self.client.scan_iter(match=self.keys.host_slots("*"), count=200):
            tokens = [t for t in cast(list[bytes], self.client.zrange(key, 0, -1))
                      if text(t).startswith(worker + ":")]
            if tokens:
                freed += int(self.client.zrem(key, *tokens))
        return freed

    # --- seeding and the end ----------------------------------------------------------------
    def claim_seeding(self) -> bool:
        """True for the one worker that is to enqueue the start requests."""
        if self.client.exists(self.keys.seeded):
            return False
        return bool(self.client.set(self.keys.seed_owner, self.worker, nx=True))

    def mark_seeded(self) -> None:
        self.client.set(self.keys.seeded, self.worker)

    def is_seeded(self) -> bool:
        return bool(self.client.exists(self.keys.seeded))

    def drop_seed_claim_of(self, worker: str) -> None:
        """A seeding worker died before it finished: let another one seed."""
        if not self.is_seeded() and self.client.get(self.keys.seed_owner) == worker.encode():
            self.client.delete(self.keys.seed_owner)

    def check_done(self) -> bool:
        """True (and recorded) once seeding is over and nothing is queued or leased."""
        return bool(self._check_done(
            keys=[self.keys.queue, self.keys.workers, self.keys.seeded, self.keys.done],
            args=[self.keys.inflight_prefix, self.worker]))

    def is_done(self) -> bool:
        return bool(self.client.exists(self.keys.done))

    def is_finalized(self) -> bool:
        return bool(self.client.exists(self.keys.finalized))

    # --- registry of files and stats ---------------------------------------------------------
    def register_files(self, files: Iterable[dict[str, Any]], worker: str | None = None) -> None:
        """Record closed files (``path``, ``kind``, ``size``, ``sha256``) for the manifest."""
        mapping = {f["path"]: json.dumps({**f, "worker": worker or self.worker}) for f in files}
        if mapping:
            self.client.hset(self.keys.files, mapping=mapping)

    def files(self) -> list[dict[str, Any]]:
        return [json.loads(v) for v in self.client.hvals(self.keys.files)]

    def register_stats(self, stats: dict[str, Any], worker: str | None = None,
                       replace: bool = True) -> None:
        """Record a worker's stats for the manifest (``replace=False``: unless it has some)."""
        value = json.dumps(stats, default=str)
        if replace:
            self.client.hset(self.keys.stats, worker or self.worker, value)
        else:
            self.client.hsetnx(self.keys.stats, worker or self.worker, value)

    def all_stats(self) -> dict[str, dict[str, Any]]:
        return {text(k): json.loads(v) for k, v in self.client.hgetall(self.keys.stats).items()}

    def responses(self) -> dict[str, int]:
        """Responses each worker had received when it last acknowledged leases."""
        return {text(k): int(v)
                for k, v in self.client.hgetall(self.keys.responses).items()}

    # --- articles written once ---------------------------------------------------------------
    def claim_article(self, canonical_url: str, limit: int = 0,
                      reason: str = MAX_ITEMS_REASON) -> str | None:
        """The worker that writes ``canonical_url``'s record: this one if nobody claimed it;
        None when the crawl holds ``limit`` (> 0) claims already, which stops it (``reason``,
        :meth:`stop_reason`): no more leases or new claims, and it is done."""
        owner = self._claim(keys=[self.keys.claims, self.keys.stopped, self.keys.done,
                                  self.keys.last_article],
                            args=[canonical_url, self.worker, int(limit), reason])
        return text(owner) if owner else None

    def stop_reason(self) -> str | None:
        """Why the crawl stopped before its end (``closespider_itemcount``), None if it did not."""
        reason = self.client.get(self.keys.stopped)
        return text(reason) if reason else None

    def stop(self, reason: str) -> None:
        """Stop the crawl before its end (``discovery_stall``): marked done, no more leases or
        claims, every worker finishes as it goes idle; the first reason given stays."""
        self.client.set(self.keys.stopped, reason, nx=True)
        self.client.set(self.keys.done, self.worker, nx=True)

    def release_claims(self, worker: str, keep: set[str]) -> int:
        """Forget the claims of ``worker`` but ``keep`` (records it wrote); returns how many."""
        dropped = [url for url, owner in self.client.hscan_iter(self.keys.claims)
                   if text(owner) == worker and text(url) not in keep]
        if dropped:
            self.client.hdel(self.keys.claims, *dropped)
        return len(dropped)

    # --- the end ----------------------------------------------------------------------------
    def expire_all(self, seconds: int) -> None:
        """Keep a finished crawl's keys for inspection, then let Redis drop them."""
        for key in self.client.scan_iter(match=self.keys.all_patterns(), count=500):
            self.client.expire(key, seconds)
