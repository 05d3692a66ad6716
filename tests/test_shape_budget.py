"""PATH_SHAPE_BUDGET bounds a trap (the fixture's endless calendar) on one machine and for a
whole distributed crawl (real CLI, fixture site, real redis-server)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
import redis

from crawler.pages.urls import path_shape
from crawler.scope.shape_budget import LocalShapeCounter
from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.crawls import crawl_dir, crawl_site, read_manifest, read_records
from tests.helpers.redisd import redis_server
from tests.helpers.workers import start_worker, wait_all, worker_stats

pytestmark = pytest.mark.timeout(240)

BUDGET = 12
CALENDAR = "/archive/N/N/N/"
# Nothing else ends the crawl early: no streak limit, no depth limit, no stall monitor; the
# calendar is endless, so without the budget only the timeout would stop it.
UNBOUNDED = ["-s", "BARREN_PAGES_LIMIT=1000000", "-s", "DEPTH_LIMIT=0",
             "-s", "MONITOR_STALL_SECONDS=0", "-s", "CLOSESPIDER_TIMEOUT=90",
             "-s", f"PATH_SHAPE_BUDGET={BUDGET}", "-s", "REQUISITES_ENABLED=false"]


def _calendar_fetches(server) -> int:
    shapes = Counter(path_shape(urlsplit(path).path) for _m, path, _s in server.requests)
    return shapes[CALENDAR]


def test_local_counter_counts_each_shape_in_order():
    counter = LocalShapeCounter()
    assert counter.add(["/a/N/", "/b/", "/a/N/"]) == [1, 1, 2]
    assert counter.add(["/a/N/"]) == [3]
    assert counter.add([]) == []


def test_budget_ends_the_endless_calendar_and_keeps_every_article(tmp_path):
    site = FixtureSite(articles=20, seed=41)
    with start_server(site) as server:
        crawl_site(server.url, tmp_path, *UNBOUNDED, spider="news")
        fetched = _calendar_fetches(server)
        expected = set(site.article_urls(server.url.rstrip("/")))
    crawl = crawl_dir(tmp_path)
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished"  # the queue ran dry: not the timeout
    assert BUDGET // 2 < fetched <= BUDGET, fetched
    assert manifest["stats"]["discovery/over_shape_budget"] > 0
    assert {r["canonical_url"] for r in read_records(crawl)} == expected


def test_budget_holds_for_the_whole_distributed_crawl(tmp_path):
    """Two workers: the calendar's pages fetched by both together stay within one budget
    (each worker counting alone would follow up to twice as many)."""
    site = FixtureSite(articles=40, seed=42, latency=0.05)
    out = tmp_path / "out"
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as redis_url, start_server(site) as server:
        procs = {w: start_worker(redis_url, server, out, w, "shapes", *UNBOUNDED,
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", spider="news")
                 for w in ("s1", "s2")}
        wait_all(procs, out)
        fetched = _calendar_fetches(server)
        expected = set(site.article_urls(server.url.rstrip("/")))
        client = redis.Redis.from_url(redis_url)
        (shapes_key,) = list(client.scan_iter(match="shapes:*:shapes"))
        counted = int(client.hget(shapes_key, CALENDAR))
    crawl = crawl_dir(out)
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished"
    assert BUDGET // 2 < fetched <= BUDGET, fetched
    assert counted > BUDGET  # both workers' links counted in one place, past the budget
    assert {r["canonical_url"] for r in read_records(crawl)} == expected
    for worker in ("s1", "s2"):
        assert "distributed/shape_counts_local" not in worker_stats(crawl, worker)
