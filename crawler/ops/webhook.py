"""Scrapy extension: POST a JSON message to ``WEBHOOK_URL`` when a crawl completes or fails.

Sent on ``engine_stopped`` — after ``spider_closed`` has run to the end: the manifest is written
and every upload has been waited for, so the message carries the manifest's location, the
finish reason and the final monitor results (store backlog included). The POST runs in a thread
with ``WEBHOOK_TIMEOUT``; a failure is logged and never changes the crawl's outcome.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import __version__
from crawler.crawl.context import CrawlContext
from crawler.crawl.output import is_remote
from crawler.monitors import counts
from crawler.monitors.checks import MonitorResult, results_from_stats
from crawler.ops.config import OpsSettings
from crawler.outcome import OK_FINISH_REASONS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ATTEMPTS = 2


def manifest_location(uri: str, site: str, crawl_id: str, local: str | None) -> str | None:
    """Where the manifest lives: its s3:// URI for object storage, else the local path."""
    if is_remote(uri):
        return f"{uri.rstrip('/')}/{site}/{crawl_id}/manifest.json"
    return local


def webhook_payload(*, crawl: Mapping[str, Any], stats: Mapping[str, Any],
                    monitors: list[MonitorResult], manifest: str | None,
                    report: str | None) -> dict[str, Any]:
    """The JSON message: ``event`` is ``crawl_completed`` or ``crawl_failed``."""
    reason = str(stats.get("finish_reason") or "unknown")
    failed = [m.name for m in monitors if not m.ok]
    ok = reason in OK_FINISH_REASONS and not failed and manifest is not None
    return {
        "event": "crawl_completed" if ok else "crawl_failed",
        **dict(crawl),
        "finish_reason": reason,
        "manifest": manifest,
        "report": report,
        "monitors_failed": failed,
        "monitors": [m.to_dict() for m in monitors],
        "totals": {"pages": counts.pages(stats), "articles": counts.articles(stats),
                   "errors": counts.errors(stats)},
        "software": f"newscrawler/{__version__}",
    }


def post_json(url: str, payload: Mapping[str, Any], timeout: float) -> int:
    """POST ``payload``; returns the HTTP status, raises OSError after the last failed attempt."""
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": f"newscrawler/{__version__}"})
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as exc:
            if exc.code < 500 or attempt == ATTEMPTS:
                raise
        except OSError:
            if attempt == ATTEMPTS:
                raise
        time.sleep(1.0)
    raise OSError("unreachable")  # pragma: no cover


def safe_url(url: str) -> str:
    """The URL without path, query or credentials: webhook paths often hold secrets."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…"


class WebhookExtension:
    """Notifies ``WEBHOOK_URL`` once the crawl has stopped."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        config = self.context.config(OpsSettings)
        self.url = config.webhook_url
        if not self.url:
            raise NotConfigured
        self.timeout = config.webhook_timeout
        self.crawler = crawler
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WebhookExtension:
        return cls(crawler)

    def payload(self) -> dict[str, Any]:
        """The message for this crawl, from its output, stats and monitor results."""
        stats = self.crawler.stats.get_stats()
        out = self.context.output
        crawl = {"crawl_id": out.crawl_id, "spider": self.crawler.spidercls.name,
                 "site": out.folder, "output": out.uri}
        local = str(out.manifest_path.resolve()) if out.manifest_path.exists() else None
        manifest = manifest_location(out.uri, out.folder, out.crawl_id, local) if local else None
        report = out.report_path
        return webhook_payload(crawl=crawl, stats=stats, monitors=results_from_stats(stats),
                               manifest=manifest, report=str(report.resolve()) if report else None)

    def engine_stopped(self) -> Any:
        from twisted.internet.threads import deferToThread

        try:
            payload = self.payload()
        except Exception:
            logger.exception("webhook not sent: could not build the message")
            return None
        d = deferToThread(post_json, self.url, payload, self.timeout)
        d.addCallbacks(
            lambda status: logger.info("webhook %s sent to %s (HTTP %s)", payload["event"],
                                       safe_url(self.url), status),
            lambda failure: logger.error("webhook to %s failed: %s", safe_url(self.url),
                                         failure.getErrorMessage()))
        return d
