"""Scrapy extension: a Prometheus endpoint with the crawl's numbers while it runs.

``METRICS_PORT`` (0 or empty: off) and ``METRICS_HOST`` (default 127.0.0.1). The reactor thread
refreshes a snapshot every second; the HTTP thread of prometheus-client only reads it. A port
that cannot be opened is logged and the crawl goes on without metrics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.crawl.context import CrawlContext
from crawler.engine.engine_state import queue_and_inflight
from crawler.monitors import counts
from crawler.monitors.checks import GAP_STAT
from crawler.ops.config import OpsSettings

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REFRESH = 1.0


def metric_families(snap: dict[str, Any]) -> Iterator[Any]:
    """Prometheus metric families for a snapshot (stats, queue, inflight, ids, up)."""
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    stats = snap.get("stats", {})
    info = GaugeMetricFamily("crawler_info", "The crawl this process runs",
                             labels=["crawl_id", "spider", "site"])
    info.add_metric([str(snap.get(k) or "") for k in ("crawl_id", "spider", "site")], 1)
    yield info
    yield GaugeMetricFamily("crawler_up", "1 while the crawl runs", value=snap.get("up", 0))
    simple = (
        ("crawler_pages", "Responses received", counts.pages(stats)),
        ("crawler_articles", "Article records written", counts.articles(stats)),
        ("crawler_errors", "Responses >= 500 plus download exceptions", counts.errors(stats)),
        ("crawler_download_exceptions", "Fetches without a response",
         counts.download_exceptions(stats)),
        ("crawler_downloaded_bytes", "Response bytes received", counts.bytes_downloaded(stats)),
        ("crawler_archived_bytes", "Bytes written to WARC files", int(stats.get("warc/bytes", 0))),
    )
    for name, doc, value in simple:
        yield CounterMetricFamily(name, doc, value=value)
    by_status = CounterMetricFamily("crawler_responses", "Responses by HTTP status",
                                    labels=["status"])
    for status, n in counts.status_counts(stats).items():
        by_status.add_metric([status], n)
    yield by_status
    for name, doc, reading in (
        ("crawler_queue_size", "Requests waiting in the scheduler", snap.get("queue")),
        ("crawler_inflight_requests", "Requests in the downloader", snap.get("inflight")),
        ("crawler_elapsed_seconds", "Seconds since the crawl started", snap.get("elapsed")),
        ("crawler_longest_article_gap_seconds", "Longest fetching stretch without a new article",
         stats.get(GAP_STAT)),
    ):
        if reading is not None:
            yield GaugeMetricFamily(name, doc, value=float(reading))


class _Collector:
    def __init__(self, ext: MetricsExtension) -> None:
        self.ext = ext

    def collect(self) -> Iterator[Any]:
        yield from metric_families(self.ext.snap)


class MetricsExtension:
    """Serves ``/metrics`` for Prometheus on ``METRICS_HOST:METRICS_PORT`` during the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        config = self.context.config(OpsSettings)
        self.port = config.metrics_port
        if not self.port:
            raise NotConfigured
        from prometheus_client import CollectorRegistry

        self.host = config.metrics_host
        self.crawler = crawler
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_Collector(self))
        self.snap: dict[str, Any] = {"up": 0, "stats": {}}
        self.server: Any = None
        self.task: Any = None
        self.started = 0.0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MetricsExtension:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        from prometheus_client import start_http_server

        self.started = time.monotonic()
        try:
            self.server, _thread = start_http_server(self.port, addr=self.host,
                                                     registry=self.registry)
        except OSError as exc:
            logger.error("metrics endpoint not started on %s:%s: %s", self.host, self.port,
                         exc.strerror or exc)
            return
        logger.info("Prometheus metrics on http://%s:%s/metrics", self.host, self.port)
        self.task = create_looping_call(self.refresh)
        self.task.start(REFRESH, now=True)

    def refresh(self, up: int = 1) -> None:
        """Take a new snapshot in the reactor thread (the HTTP thread only reads it)."""
        queue, inflight = queue_and_inflight(self.crawler)
        out = self.context.output
        self.snap = {
            "up": up, "stats": dict(self.crawler.stats.get_stats()),
            "queue": queue, "inflight": inflight,
            "elapsed": time.monotonic() - self.started,
            "crawl_id": out.crawl_id, "spider": self.crawler.spidercls.name, "site": out.folder,
        }

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.server is not None:
            self.refresh(up=0)

    def engine_stopped(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
