"""A worker that loses Redis: a short outage costs nothing, a long one stops the worker (exit 1,
no traceback flood), and what it did is taken over by the next worker (real redis-server behind
a TCP proxy that goes down, the fixture site, the CLI)."""

from __future__ import annotations

import time

import pytest

from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.crawls import check_crawl_folder, crawl_dir
from tests.helpers.redisd import redis_server
from tests.helpers.s3proxy import FaultProxy
from tests.helpers.waiting import wait_until
from tests.helpers.workers import log_of, start_worker, wait_all

pytestmark = pytest.mark.timeout(240)
COMMON = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "WORKER_HEARTBEAT_SECONDS=0.5",
          "-s", "WORKER_DEAD_SECONDS=3", "-s", "REQUISITES_ENABLED=false",
          "-s", "ROBOTSTXT_CRAWL_DELAY=false"]


@pytest.fixture
def redis_proxy(tmp_path):
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        host, port = url.removeprefix("redis://").split("/")[0].split(":")
        proxy = FaultProxy(host, int(port))
        try:
            yield proxy, f"redis://127.0.0.1:{proxy.port}/0"
        finally:
            proxy.close()


def test_short_redis_outage_loses_nothing(tmp_path, redis_proxy):
    proxy, url = redis_proxy
    site = FixtureSite(articles=40, seed=34, latency=0.05)
    out = tmp_path / "out"
    with start_server(site) as server:
        worker = start_worker(url, server, out, "b1", "blip", *COMMON,
                              "-s", "REDIS_LOST_SECONDS=30")
        wait_until(lambda: len(server.requests) >= 30, "30 requests")
        proxy.set_mode("refuse")
        time.sleep(3)
        proxy.set_mode("up")
        # The host's shared slots released during the outage are given back once Redis
        # answers: fetching goes on at once, not after they expire (DOWNLOAD_TIMEOUT + 30 s).
        resumed_from = len(server.requests)
        wait_until(lambda: len(server.requests) >= resumed_from + 10, "fetching to go on",
                   limit=25)
        wait_all({"b1": worker}, out)
        crawl = crawl_dir(out)
        manifest = check_crawl_folder(crawl, site, server)  # every article once, files listed
    log = log_of(out, "b1")
    assert "Redis answers again" in log
    assert "Traceback" not in log
    assert manifest["stats"]["distributed/redis_outages"] >= 1


def test_worker_stops_when_redis_stays_away_and_the_next_one_takes_over(tmp_path, redis_proxy):
    proxy, url = redis_proxy
    site = FixtureSite(articles=40, seed=35, latency=0.05)
    out = tmp_path / "out"
    with start_server(site) as server:
        lost = start_worker(url, server, out, "g1", "gone", *COMMON, "-s", "REDIS_LOST_SECONDS=3")
        wait_until(lambda: len(server.requests) >= 30, "30 requests")
        proxy.set_mode("refuse")
        assert lost.wait(timeout=90) == 1, log_of(out, "g1")[-3000:]
        log = log_of(out, "g1")
        assert "Redis has not answered for" in log and "this worker stops" in log
        assert "Closing spider (redis_unreachable)" in log
        assert "Traceback" not in log
        proxy.set_mode("up")
        # g1 is silent: g2 reaps it (its leases back to the queue, its files taken over)
        wait_all({"g2": start_worker(url, server, out, "g2", "gone", *COMMON)}, out)
        crawl = crawl_dir(out)
        manifest = check_crawl_folder(crawl, site, server)
    assert manifest["distributed"]["workers"]["g1"]["left"] == "dead", manifest["distributed"]
