"""Names of the Redis keys of a distributed crawl (pure: no Redis here)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from crawler.crawl.naming import safe_part


def default_worker_id() -> str:
    """``<host>_<pid>``: unique among live processes, safe in file names."""
    return safe_part(f"{socket.gethostname().split('.')[0]}_{os.getpid()}")


@dataclass(frozen=True)
class SiteKeys:
    """Keys of one spider and site, across its crawls."""

    prefix: str
    spider: str
    site: str

    @property
    def base(self) -> str:
        return f"{self.prefix}:{self.spider}:{self.site}"

    @property
    def current(self) -> str:
        """The id of the crawl workers join (deleted once that crawl is finalized)."""
        return f"{self.base}:current"

    def crawl(self, crawl_id: str) -> CrawlKeys:
        return CrawlKeys(f"{self.base}:{crawl_id}")


@dataclass(frozen=True)
class CrawlKeys:
    """Keys of one crawl; all start with ``root``."""

    root: str

    @property
    def queue(self) -> str:
        return f"{self.root}:requests"  # sorted set: score -priority, member a request

    @property
    def dupefilter(self) -> str:
        return f"{self.root}:dupefilter"  # set of request fingerprints

    @property
    def inflight_prefix(self) -> str:
        return f"{self.root}:inflight:"

    def inflight(self, worker: str) -> str:
        """Hash lease id -> ``<score>|<request>`` of what ``worker`` is working on."""
        return self.inflight_prefix + worker

    @property
    def lease_counter(self) -> str:
        return f"{self.root}:lease-ids"

    @property
    def workers(self) -> str:
        return f"{self.root}:workers"  # sorted set: worker id, score its last heartbeat (ms)

    @property
    def worker_names(self) -> str:
        return f"{self.root}:worker-names"  # set: every worker id ever used in this crawl

    @property
    def seed_owner(self) -> str:
        return f"{self.root}:seed-owner"

    @property
    def seeded(self) -> str:
        return f"{self.root}:seeded"  # set once every start request is in the queue

    @property
    def done(self) -> str:
        return f"{self.root}:done"

    @property
    def stopped(self) -> str:
        return f"{self.root}:stopped"  # why the crawl stopped before its end (--max-items)

    @property
    def finalized(self) -> str:
        return f"{self.root}:finalized"

    @property
    def reaper_lock(self) -> str:
        return f"{self.root}:reaper"

    @property
    def files(self) -> str:
        return f"{self.root}:files"  # hash relpath -> JSON {kind, size, sha256, worker}

    @property
    def stats(self) -> str:
        return f"{self.root}:stats"  # hash worker -> JSON of its Scrapy stats

    @property
    def responses(self) -> str:
        # hash worker -> responses it had received when it last acknowledged leases
        return f"{self.root}:responses"

    @property
    def departed(self) -> str:
        return f"{self.root}:departed"  # hash worker -> how it left ("finished", "dead", ...)

    @property
    def claims(self) -> str:
        return f"{self.root}:claims"  # hash canonical URL -> worker that writes its record

    @property
    def last_article(self) -> str:
        return f"{self.root}:last_article"  # Redis time (ms) of the last new article claim

    @property
    def abandoned(self) -> str:
        # hash worker -> JSON of what was given up of its lost spool (crawler.distributed.abandon)
        return f"{self.root}:abandoned"

    def host_slots(self, host: str) -> str:
        return f"{self.root}:host:{host}:slots"  # sorted set: token, score its expiry (ms)

    def host_next(self, host: str) -> str:
        return f"{self.root}:host:{host}:next"  # earliest start of the next request (ms)

    def host_delay(self, host: str) -> str:
        return f"{self.root}:host:{host}:delay"  # robots.txt Crawl-delay found by a worker (s)

    def all_patterns(self) -> str:
        return f"{self.root}:*"
