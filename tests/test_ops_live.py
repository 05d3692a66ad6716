"""Ops while a crawl runs: the discovery-stall monitor, the Prometheus endpoint, the webhook.

Real crawls through the CLI against the fixture site on 127.0.0.1; the webhook receiver and the
metrics poller are in this process.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.helpers.cli import FAST, run_cli, start_cli
from tests.helpers.crawls import crawl_dir, read_manifest
from tests.helpers.net import free_port
from tests.helpers.servers import serving, url_of


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((self.headers.get("Content-Type"), json.loads(body)))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def webhook() -> Iterator[ThreadingHTTPServer]:
    """A webhook receiver on loopback; ``.received`` lists (content type, JSON body)."""
    with serving(_Hook) as server:
        server.received, server.status = [], 204
        server.url = f"{url_of(server)}/hooks/T0KEN-secret"
        yield server


def test_site_that_stops_publishing_trips_the_stall_monitor(tmp_path, webhook):
    """Four articles, then an endless calendar of empty day pages: fetching goes on, discovery
    has stopped. The crawl can only end through the stall monitor (the timeout is a safety net)."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    with start_server(FixtureSite(articles=2, seed=5, latency=0.2)) as server:
        result = run_cli(
            "crawl", "news", "--url", server.url, "--out", str(tmp_path), *FAST,
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            "-s", "BARREN_PAGES_LIMIT=1000000", "-s", "PATH_SHAPE_BUDGET=1000000",
            "-s", "DEPTH_LIMIT=0", "-s", "MONITOR_STALL_SECONDS=2",
            "-s", "CLOSESPIDER_TIMEOUT=200", "-s", f"WEBHOOK_URL={webhook.url}")
        archive_pages = [p for _m, p, _s in server.requests if p.startswith("/archive/")]
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert ": discovery_stall in" in result.stdout
    assert "FAILED discovery_stall: closed: no new article for 2s while fetching" in result.stdout
    assert archive_pages  # the calendar kept being fetched
    crawl = crawl_dir(tmp_path)
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "discovery_stall"
    assert manifest["stats"]["monitors/longest_article_gap_seconds"] > 2
    assert "discovery_stall" in manifest["stats"]["monitors/failed"]
    assert "max_error_rate" not in manifest["stats"]["monitors/failed"]  # robots.txt skips
    # the webhook came after the manifest was written, and says the crawl failed
    ((ctype, message),) = webhook.received
    assert ctype == "application/json"
    assert message["event"] == "crawl_failed"
    assert message["finish_reason"] == "discovery_stall"
    assert message["manifest"] == str((crawl / "manifest.json").resolve())
    assert "discovery_stall" in message["monitors_failed"]
    assert message["report"] == str((crawl / "report.html").resolve())
    assert "T0KEN" not in result.stderr  # the webhook's secret path is never logged


def _metrics(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def test_metrics_endpoint_answers_during_the_crawl_and_webhook_failures_are_harmless(
        tmp_path, webhook):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    webhook.status = 500  # the receiver is broken: the crawl must not care
    port = free_port()
    seen: list[dict[str, float]] = []
    with start_server(FixtureSite(articles=10, seed=3, latency=0.4)) as server:
        proc = start_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path), *FAST,
                         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", f"METRICS_PORT={port}",
                         "-s", f"WEBHOOK_URL={webhook.url}", "-s", "PROGRESS_MODE=off",
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while proc.poll() is None:
                try:
                    values = _metrics(port)
                except OSError:  # not listening yet, or already closed
                    values = {}
                if values.get("crawler_up") == 1 and values.get("crawler_pages_total", 0) > 0:
                    seen.append(values)
                time.sleep(0.1)
            stdout, stderr = proc.communicate(timeout=240)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, stdout + stderr[-3000:]
    assert seen, "the metrics endpoint never answered with progress during the crawl"
    last = seen[-1]
    assert 'crawler_responses_total{status="200"}' in last
    assert {"crawler_articles_total", "crawler_errors_total", "crawler_queue_size",
            "crawler_inflight_requests", "crawler_downloaded_bytes_total"} <= set(last)
    assert any(name.startswith("crawler_info{") for name in last)
    assert [v["crawler_pages_total"] for v in seen] == sorted(v["crawler_pages_total"]
                                                              for v in seen)
    # two attempts, both answered 500: logged, exit code unchanged
    assert len(webhook.received) == 2
    assert webhook.received[0][1]["event"] == "crawl_completed"
    assert "webhook to http://127.0.0.1:" in stderr and "failed" in stderr
    assert "Traceback" not in stderr
