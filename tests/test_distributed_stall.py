"""The discovery-stall monitor of a distributed crawl judges the crawl (real redis-server; the
last test runs real workers of the CLI on the fixture site)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from crawler.distributed.keys import SiteKeys
from crawler.distributed.shared import SharedCrawl, redis_client
from crawler.monitors.checks import GAP_STAT
from crawler.monitors.monitoring import MonitorExtension
from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.context import context_crawler, join_shared
from tests.helpers.crawls import crawl_dir, read_manifest
from tests.helpers.workers import log_of, start_worker

pytestmark = pytest.mark.timeout(240)


class _Page:
    url = "http://127.0.0.1/archive/2025/01/01/"


def _monitor(redis_url: str, crawl: str, out: Path) -> tuple[MonitorExtension, SharedCrawl,
                                                               SharedCrawl]:
    """A worker's monitor extension (window 2 s, closing off) and a peer on the same crawl."""
    keys = SiteKeys("unit", "news", "stall").crawl(crawl)
    client = redis_client(redis_url)
    crawler = context_crawler(
        out, MONITORS_ENABLED=True, MONITOR_STALL_SECONDS=2, MONITOR_STALL_CLOSE=False,
        MONITOR_CRAWL_CLOCK="crawler.distributed.article_clock.CrawlArticleClock")
    quiet = join_shared(crawler, SharedCrawl(client, keys, "quiet"))
    return MonitorExtension(crawler), quiet, SharedCrawl(client, keys, "busy")


def test_a_worker_without_articles_of_its_own_is_not_stalled_while_its_peers_write(redis_url,
                                                                                   tmp_path):
    monitor, quiet, busy = _monitor(redis_url, "c1", tmp_path)
    monitor.watch.last_article = time.monotonic() - 5  # this worker: nothing for 5 s
    assert busy.claim_article("https://site/news/1.html") == "busy"  # a peer: one just now
    monitor.response_received(_Page(), None, None)
    assert not monitor.watch.tripped
    assert monitor.crawler.stats.get_value(GAP_STAT) < 2
    assert quiet.stop_reason() is None


def test_a_stall_of_the_whole_crawl_trips_every_worker(redis_url, tmp_path):
    monitor, quiet, busy = _monitor(redis_url, "c2", tmp_path)
    assert busy.claim_article("https://site/news/2.html") == "busy"
    quiet.client.decrby(quiet.keys.last_article, 6000)  # the crawl's last article: 6 s ago
    monitor.watch.last_article = time.monotonic() - 5
    monitor.response_received(_Page(), None, None)
    assert monitor.watch.tripped
    assert monitor.crawler.stats.get_value(GAP_STAT) >= 5


def test_a_crawl_wide_stall_stops_every_worker_and_fails_the_crawl(tmp_path, redis_url):
    """Two articles, then an endless calendar: the stall is the crawl's, every worker stops,
    the manifest says ``discovery_stall`` and the worker that writes it exits 1."""
    out = tmp_path / "out"
    endless = ["-s", "BARREN_PAGES_LIMIT=1000000", "-s", "PATH_SHAPE_BUDGET=1000000",
               "-s", "DEPTH_LIMIT=0", "-s", "MONITOR_STALL_SECONDS=2",
               "-s", "CLOSESPIDER_TIMEOUT=120", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
               "-s", "REQUISITES_ENABLED=false"]
    with start_server(FixtureSite(articles=2, seed=5, latency=0.1)) as server:
        procs = {w: start_worker(redis_url, server, out, w, "stall", *endless, spider="news")
                 for w in ("w1", "w2")}
        codes = {w: p.wait(timeout=200) for w, p in procs.items()}
    crawl = crawl_dir(out)
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "discovery_stall", manifest["distributed"]
    stats = manifest["stats"]
    assert "crawl_discovery_stall" in stats["monitors/failed"], stats["monitors/failed"]
    assert stats["elapsed_time_seconds"] < 60  # stopped by the stall, not the timeout
    logs = {w: log_of(out, w) for w in procs}
    last = next(w for w in procs if "crawl manifest written" in logs[w])
    assert codes[last] == 1, logs[last][-3000:]
    assert sum("discovery stall: no new article" in log for log in logs.values()) >= 1


def test_a_worker_with_requests_queued_goes_idle_once_the_crawl_is_stopped(redis_url, tmp_path):
    """A stopped crawl leases nothing more: the requests left in the shared queue must not keep
    a worker's engine busy (it would wait for its CLOSESPIDER_TIMEOUT, or for ever)."""
    from scrapy import Request, Spider

    from crawler.distributed.scheduler import STOP_CHECK_SECONDS, LeasedScheduler

    keys = SiteKeys("unit", "news", "stopped").crawl("c3")
    crawler = context_crawler(tmp_path, Spider)
    shared = join_shared(crawler, SharedCrawl(redis_client(redis_url), keys, "w"))
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler.open(Spider("news"))
    try:
        assert scheduler.enqueue_request(Request("http://127.0.0.1/listing/1"))
        assert scheduler.has_pending_requests()
        shared.stop("discovery_stall")
        time.sleep(STOP_CHECK_SECONDS + 0.1)
        assert not scheduler.has_pending_requests()
        assert shared.queued() == 1 and shared.lease() is None  # still queued, leased to none
    finally:
        scheduler.close("finished")
