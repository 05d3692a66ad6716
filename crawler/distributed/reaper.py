"""Taking over what a dead worker of a shared crawl left: its files, claims, leases and slots.

Run by a live worker's reaper
(:class:`crawler.distributed.worker_extension.DistributedCrawlExtension`), under the crawl's reaper
lock, for a worker silent for ``WORKER_DEAD_SECONDS``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from crawler.crawl.context import CrawlContext
from crawler.distributed.crawl_manifest import salvaged_stats
from crawler.distributed.shared import SharedCrawl
from crawler.distributed.worker_files import salvage_in_store, salvage_worker
from crawler.storage.crawls import crawl_store

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def reap_worker(crawler: Crawler, shared: SharedCrawl, worker: str, dead_seconds: float) -> bool:
    """Register a dead ``worker``'s files, release its claims on articles it has no record for,
    put its leases back in the queue and free its host slots; False when it is not dead after
    all (it came back, another worker reaped it, or a live process still holds its WARC)."""
    if worker not in shared.silent_workers(dead_seconds):
        return False  # came back, or another worker reaped it already
    out = CrawlContext.of(crawler).output
    names = out.names_of(worker)
    if out.remote:
        # Its spool was on its own machine: what it uploaded is taken over; its leases
        # were acknowledged only once stored, so the rest is done again from the queue.
        store, crawl_key = crawl_store(out, crawler.settings)
        found = salvage_in_store(store, crawl_key, names, out.crawl_id)
    else:
        found = salvage_worker(out.root, names, out.crawl_id)
        if found.in_use:
            logger.warning("worker %s is silent but its WARC file is still locked by a "
                           "live process: not reaped", worker)
            return False
    shared.register_files(found.files, worker=worker)
    shared.register_stats(salvaged_stats(found.article_urls, shared.responses().get(worker, 0)),
                          worker=worker, replace=False)
    for note in found.notes:
        logger.warning("dead worker %s: %s", worker, note)
    # Claims with no record in its files are released: those articles are written again.
    released = shared.release_claims(worker, found.article_urls)
    back = shared.requeue(worker)
    shared.release_host_slots(worker)
    shared.drop_seed_claim_of(worker)
    shared.client.hset(shared.keys.departed, worker, "dead")
    crawler.stats.inc_value("distributed/reaped_workers")
    crawler.stats.inc_value("distributed/requeued_requests", back)
    logger.warning("worker %s silent for %.0fs: %d requests back in the queue, %d article "
                   "claims released", worker, dead_seconds, back, released)
    return True
