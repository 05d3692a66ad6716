"""Per-host concurrency holds: Scrapy's downloader under the asyncio reactor starts every queued
request of a host at once; ``crawler.engine.downloader.PoliteDownloader`` keeps the limit."""

from __future__ import annotations

from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.cli import run_cli


def test_concurrent_requests_per_domain_is_a_limit(tmp_path):
    site = FixtureSite(articles=15, seed=31, latency=0.05)
    with start_server(site) as server:
        result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path),
                         "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=3",
                         "-s", "CONCURRENT_REQUESTS=32", "-s", "LOGSTATS_INTERVAL=0")
        assert result.returncode == 0, result.stderr[-2000:]
        assert len(server.requests) > 60
        assert server.max_concurrency <= 3, server.max_concurrency  # unpatched: about 20
        assert server.max_concurrency == 3  # and the limit is used
