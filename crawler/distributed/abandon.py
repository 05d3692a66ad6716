"""Giving up the files of a worker whose spool is lost for good (``--abandon-spool WORKER``).

On ``s3://`` a worker that cannot upload at exit leaves files in its spool and registers them;
the crawl manifest waits for them (:mod:`crawler.distributed.crawl_manifest`). When that machine is
gone, a worker started with ``--crawl-id <id> --abandon-spool <worker>`` (setting
``DISTRIBUTED_ABANDON_WORKERS``) gives them up, once, under the reaper lock:

- its registered files that are not in the store are unregistered (the ones there are kept; its
  index is rebuilt from its stored WARC files when some of them are missing, and a stored JSON
  part is rewritten without the records that point into a missing WARC file);
- its article claims with no record in its stored parts are released and those articles'
  pages go back into the shared queue (``dont_filter``: the duplicate filter has seen them), to
  the spider's ``parse_page``, which writes their records again;
- its registered stats count only the records kept, the crawl is re-opened (no longer done),
  and the manifest names what was given up (``distributed.abandoned``).

Refused (:class:`AbandonRefused`, exit 2 before the crawl starts) when the worker is unknown in
the crawl, alive, abandoned already, or has no file missing: nothing is given up implicitly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads

from crawler.crawl.context import CrawlContext
from crawler.crawl.naming import safe_part
from crawler.crawl.output import CrawlOutput, is_remote
from crawler.distributed.addon import WorkerSettings, connect, shared_crawl_of, site_keys
from crawler.distributed.scheduler import LeasedScheduler
from crawler.distributed.shared import SharedCrawl, server_time_ms, text
from crawler.distributed.worker_files import prune_parts, salvage_in_store
from crawler.storage.crawls import crawl_store, missing_in_store
from crawler.typed_settings import CrawlSettings, SettingsReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ABANDON_SETTING = "DISTRIBUTED_ABANDON_WORKERS"
REFUSED_REASON = "abandon_refused"
ARTICLE_PRIORITY = 20  # spiders.discovery.PRIO_ARTICLE
LOCK_WAIT_SECONDS = 300.0
S3_ONLY = ("--abandon-spool is for an s3:// output: only there do a worker's files wait in a "
           "spool of its own")
LOST_NOTE = ("its WARC records in these files are not in the archive; the pages whose leases "
             "it gave back were fetched again by other workers and archived there")

# KEYS: abandoned, files, claims, queue, done, stats, finalized. ARGV: worker, record, stats,
# paths to unregister (JSON), files to register (JSON path -> entry), URLs (JSON), score,
# then one encoded request per URL. Returns the requests queued, -1 when done before, -2 when
# the crawl is finalized.
_ABANDON = """
if redis.call('EXISTS', KEYS[7]) == 1 then return -2 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return -1 end
for _, path in ipairs(cjson.decode(ARGV[4])) do redis.call('HDEL', KEYS[2], path) end
for path, entry in pairs(cjson.decode(ARGV[5])) do redis.call('HSET', KEYS[2], path, entry) end
local n = 0
for i, url in ipairs(cjson.decode(ARGV[6])) do
  if redis.call('HGET', KEYS[3], url) == ARGV[1] then
    redis.call('HDEL', KEYS[3], url)
    redis.call('ZADD', KEYS[4], ARGV[7], ARGV[7 + i])
    n = n + 1
  end
end
redis.call('HSET', KEYS[6], ARGV[1], ARGV[3])
redis.call('DEL', KEYS[5])
return n
"""


class AbandonRefused(Exception):
    """The named worker's spool cannot be given up; the message says why (one line)."""


def abandon_names(settings: BaseSettings) -> list[str]:
    """The workers named by ``--abandon-spool`` / ``DISTRIBUTED_ABANDON_WORKERS``."""
    names = SettingsReader(settings).list(ABANDON_SETTING)
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def registered_missing(shared: SharedCrawl, out: CrawlOutput, settings: BaseSettings,
                       worker: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The files ``worker`` registered, and those of them not in the store."""
    files = [f for f in shared.files() if f.get("worker") == worker]
    return files, missing_in_store(out, settings, files) if files else []


def refusal(shared: SharedCrawl, worker: str, dead_seconds: float, out: CrawlOutput,
            settings: BaseSettings) -> str | None:
    """Why ``worker``'s spool cannot be abandoned now; None when it can."""
    head = f"--abandon-spool {worker}:"
    if shared.is_finalized():
        return f"{head} crawl {out.crawl_id} is finished already (its manifest is written)"
    names = sorted(text(n) for n in shared.client.smembers(shared.keys.worker_names))
    if worker not in names:
        known = ", ".join(n for n in names if n != shared.worker) or "none"
        return f"{head} no such worker in crawl {out.crawl_id} (its workers: {known})"
    prior = abandoned(shared).get(worker)
    if prior:
        return f"{head} its spool was abandoned already, by worker {prior.get('by')}"
    beat = shared.workers().get(worker)
    if beat is not None:
        age = (server_time_ms(shared.client) - beat) / 1000
        if age < dead_seconds:
            return (f"{head} worker {worker} is alive (heartbeat {age:.0f}s ago); "
                    "only a worker that is gone can be abandoned")
    if not registered_missing(shared, out, settings, worker)[1]:
        where = f"{out.uri.rstrip('/')}/{out.folder}/{out.crawl_id}"
        return f"{head} no file of worker {worker} is missing from {where}: nothing to abandon"
    return None


def abandoned(shared: SharedCrawl) -> dict[str, dict[str, Any]]:
    """What was given up of each abandoned worker's spool (for the manifest)."""
    return {text(k): json.loads(v)
            for k, v in shared.client.hgetall(shared.keys.abandoned).items()}


def check_abandon(spider_cls: type[Spider], url: str | None, settings: BaseSettings) -> None:
    """Before a worker starts (``crawler crawl``): raise :class:`AbandonRefused` unless every
    worker named can be abandoned."""
    names = abandon_names(settings)
    if not names:
        return
    crawl = CrawlSettings.from_settings(settings)
    if not crawl.crawl_id:
        raise AbandonRefused("--abandon-spool needs --crawl-id: the crawl whose worker's spool "
                             "is lost")
    if not is_remote(crawl.output_uri):
        raise AbandonRefused(S3_ONLY)
    workers = WorkerSettings.from_settings(settings)
    # the crawl's site (crawler.pages.site): its folder and its keys
    site_of = getattr(spider_cls, "site_of", None)
    start = url or getattr(spider_cls, "default_url", None)
    site = site_of(start) if site_of and start else None
    site_key = site_keys(spider_cls, workers.key_prefix, site)
    keys = site_key.crawl(crawl.crawl_id)
    client = connect(crawl.redis_url)
    try:
        shared = SharedCrawl(client, keys, safe_part(crawl.worker_id or "-"))
        out = CrawlOutput(root=Path("."), spider=spider_cls.name, crawl_id=crawl.crawl_id,
                          uri=crawl.output_uri, site=site_key.site)
        dead = workers.dead_seconds
        for worker in names:
            if why := refusal(shared, worker, dead, out, settings):
                raise AbandonRefused(why)
    finally:
        client.close()


def apply_abandonment(shared: SharedCrawl, worker: str, record: dict[str, Any],
                      worker_stats: dict[str, Any], *, unregister: list[str],
                      register: list[dict[str, Any]], urls: list[str],
                      requests: list[bytes]) -> int:
    """In one Lua script: mark ``worker`` abandoned (``record``), replace its registered files
    and stats, release its claims on ``urls`` and queue their encoded ``requests``, and re-open
    the crawl. Returns the requests queued; -1 when it was abandoned already, -2 when the crawl
    is finalized."""
    keys = shared.keys
    return int(shared.client.register_script(_ABANDON)(
        keys=[keys.abandoned, keys.files, keys.claims, keys.queue, keys.done, keys.stats,
              keys.finalized],
        args=[worker, json.dumps(record), json.dumps(worker_stats, default=str),
              json.dumps(unregister),
              json.dumps({f["path"]: json.dumps({**f, "worker": worker}) for f in register}),
              json.dumps(urls), -ARTICLE_PRIORITY, *requests]))


class AbandonSpool:
    """Extension (enabled by the distributed add-on): gives up the named workers' missing files
    as this worker opens, before it takes any request."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        self.names = abandon_names(crawler.settings)
        if not self.names or not self.context.distributed:
            raise NotConfigured(f"{ABANDON_SETTING} is empty")
        self.crawler = crawler
        self.shared = shared_crawl_of(crawler)
        self.dead_seconds = self.context.config(WorkerSettings).dead_seconds
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AbandonSpool:
        return cls(crawler)

    async def spider_opened(self, spider: Spider) -> None:
        try:
            await maybe_deferred_to_future(threads.deferToThread(self.abandon_all, spider))
        except Exception as exc:  # refused, or the store or Redis failed: nothing crawled
            why = exc if isinstance(exc, AbandonRefused) else f"--abandon-spool failed: {exc!r}"
            logger.error("%s", why)
            self.crawler.stats.set_value("distributed/abandon_refused", str(why))
            raise CloseSpider(REFUSED_REASON) from exc

    def abandon_all(self, spider: Spider) -> None:
        if not self.context.output.remote:
            raise AbandonRefused(S3_ONLY)
        # Registered before the crawl re-opens, so a worker leaving now is not the last one.
        self.shared.heartbeat()
        for worker in self.names:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while not self.shared.try_reaper_lock(120):
                if time.monotonic() > deadline:
                    raise AbandonRefused(f"--abandon-spool {worker}: the reaper lock of the "
                                         f"crawl stayed taken for {LOCK_WAIT_SECONDS:.0f}s")
                time.sleep(0.2)
            try:
                self.abandon(worker, spider)
            finally:
                self.shared.release_reaper_lock()

    def abandon(self, worker: str, spider: Spider) -> int:
        """Give up ``worker``'s files missing from the store; returns the articles queued."""
        shared, settings, stats = self.shared, self.crawler.settings, self.crawler.stats
        prior = abandoned(shared).get(worker)
        if prior:  # a worker started with the same option did it
            logger.info("the spool of worker %s was abandoned by worker %s", worker, prior["by"])
            return 0
        out = self.context.output
        if why := refusal(shared, worker, self.dead_seconds, out, settings):
            raise AbandonRefused(why)
        files, missing = registered_missing(shared, out, settings, worker)
        store, crawl_key = crawl_store(out, settings)
        found = salvage_in_store(store, crawl_key, out.names_of(worker), out.crawl_id,
                                 rebuild_index=any(f["kind"] == "warc" for f in missing))
        written, pruned = prune_parts(store, crawl_key, found.files)
        kept = {f["path"]: f for f in found.files}
        urls = sorted(text(url) for url, owner in shared.client.hscan_iter(shared.keys.claims)
                      if text(owner) == worker and text(url) not in written)
        scheduler = self.context.parts.get(LeasedScheduler)
        if scheduler is None:
            raise RuntimeError("--abandon-spool needs the leased scheduler of a distributed crawl")
        queue = scheduler.queue
        encoded = [queue._encode_request(Request(
            url, callback=getattr(spider, "parse_page", None), priority=ARTICLE_PRIORITY,
            dont_filter=True, meta={"barren": 0})) for url in urls]
        worker_stats = {**shared.all_stats().get(worker, {}),
                        "articles/written": len(written), "storage/pending_files": 0}
        record = {"by": shared.worker, "at": dt.datetime.now(dt.UTC).isoformat(),
                  "files": [{"path": f["path"], "kind": f["kind"], "size": f["size"]}
                            for f in missing],
                  "bytes": sum(int(f["size"]) for f in missing),
                  "articles_kept": len(written), "articles_refetched": len(urls),
                  "parts_pruned": pruned, "note": LOST_NOTE}
        queued = apply_abandonment(
            shared, worker, record, worker_stats,
            unregister=[f["path"] for f in files if f["path"] not in kept],
            register=list(kept.values()), urls=urls, requests=encoded)
        if queued == -2:
            raise AbandonRefused(f"--abandon-spool {worker}: the crawl was finished meanwhile")
        if queued == -1:
            logger.info("the spool of worker %s was abandoned meanwhile by worker %s", worker,
                        abandoned(shared).get(worker, {}).get("by"))
            return 0
        stats.inc_value("distributed/abandoned_workers")
        stats.inc_value("distributed/abandoned_files", len(missing))
        stats.inc_value("distributed/abandoned_bytes", sum(int(f["size"]) for f in missing))
        stats.inc_value("distributed/abandoned_articles", queued)
        logger.warning("abandoned the spool of worker %s: %d files given up (%s); %d of its "
                       "article records were in them: their pages are queued to be fetched and "
                       "written again; %d records kept (in its stored files); %s", worker,
                       len(missing), ", ".join(f["path"] for f in missing), queued,
                       len(written), LOST_NOTE)
        for part in pruned:
            logger.warning("abandoned worker %s: %s rewritten without its %d records that "
                           "pointed into given-up WARC files (fetched again)", worker,
                           part["path"], part["records_dropped"])
        for note in found.notes:
            logger.warning("abandoned worker %s: %s", worker, note)
        if shared.stop_reason():
            logger.warning("crawl stopped early (%s): no request is leased any more, so these "
                           "%d articles stay unwritten", shared.stop_reason(), queued)
        return queued
