"""Scrapy extension: observe every response, item and error, and write the crawl report.

Per-response data (URL, status, content type, size, latency, time, host) comes from
``response_downloaded`` — every exchange with a server, redirects and retries included, as the
downloader stats count them. A request that leaves the downloader without a response is a
download exception. Final responses and written articles are counted by where their URL was
found (``crawler.report.found_in``). At the end a crawl-output closer (order 90: after every
writer, before the manifest) writes ``report.json`` and ``report.html`` — with what ran
(``crawler.report.runinfo``) and the comparison with the site's previous crawl
(``crawler.report.previous``) — and reports both as ``report`` files. Setting: ``REPORT_ENABLED``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.crawl.context import CrawlContext
from crawler.report.document import ReportSettings, build_report, write_report
from crawler.report.found_in import found_in
from crawler.report.observations import CrawlObservations
from crawler.report.previous import comparison, previous_manifest
from crawler.report.runinfo import robots_status, run_info
from crawler.scope.gate import request_out_of_scope

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

_PAREN = re.compile(r"\(([^()]{1,100})\)")
_NUMBERS = re.compile(r"\d[\d:.T+-]*")


def drop_reason(message: str, url: str | None) -> str:
    """A short, groupable reason from a ``DropItem`` message (the URL and numbers left out)."""
    text = message.strip()
    if url and text.endswith(url):
        text = text[: -len(url)].rstrip(" :")
    if m := _PAREN.search(text):
        return m.group(1)
    return _NUMBERS.sub("…", text)[:100] or "dropped"


def _item_url(item: Any, response: Response) -> str:
    if isinstance(item, Mapping):
        url = item.get("url") or item.get("canonical_url")
    else:
        url = getattr(item, "url", None)
    return str(url or getattr(response, "url", "") or "?")


class ReportExtension:
    """Collects bounded observations of the crawl and writes its report at the end."""

    def __init__(self, crawler: Crawler) -> None:
        self.context = CrawlContext.of(crawler)
        if not self.context.config(ReportSettings).enabled:
            raise NotConfigured
        self.crawler = crawler
        self.obs = CrawlObservations()
        self.started = time.monotonic()
        self._answered: set[int] = set()  # requests with a response, until they leave
        self.paths: tuple[Path, Path] | None = None
        connect = crawler.signals.connect
        connect(self.spider_opened, signal=signals.spider_opened)
        connect(self.response_downloaded, signal=signals.response_downloaded)
        connect(self.response_received, signal=signals.response_received)
        connect(self.request_left_downloader, signal=signals.request_left_downloader)
        connect(self.item_scraped, signal=signals.item_scraped)
        connect(self.item_dropped, signal=signals.item_dropped)
        connect(self.spider_error, signal=signals.spider_error)
        connect(self.request_out_of_scope, signal=request_out_of_scope)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReportExtension:
        return cls(crawler)

    def _now(self) -> float:
        return time.monotonic() - self.started

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.context.output.add_closer(self.write, "report")

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self._answered.add(id(request))
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        self.obs.response(self._now(), response.url, response.status, ctype, len(response.body),
                          request.meta.get("download_latency"))

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        self.obs.received(found_in(request.meta))

    def request_left_downloader(self, request: Request, spider: Spider) -> None:
        if id(request) in self._answered:
            self._answered.discard(id(request))
            return
        # The downloader sends this signal from a ``finally`` block: the exception is in flight.
        exc = sys.exc_info()[1]
        reason = f"{type(exc).__name__}: {exc}" if exc else "download error"
        self.obs.exception(self._now(), request.url, reason)

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        if isinstance(item, Mapping) and "schema_version" in item:
            source = found_in(response.meta) if response is not None else None
            self.obs.article(self._now(), item, source)

    def item_dropped(self, item: Any, response: Response, exception: BaseException,
                     spider: Spider) -> None:
        url = _item_url(item, response)
        self.obs.dropped(self._now(), url, drop_reason(str(exception), url), str(exception))

    def spider_error(self, failure: Any, response: Response, spider: Spider) -> None:
        exc = failure.value
        self.obs.spider_error(self._now(), getattr(response, "url", "?"),
                              f"{type(exc).__name__}: {exc}")

    def request_out_of_scope(self, request: Request, spider: Spider, reason: str, via: str) -> None:
        self.obs.refused(self._now(), request.url, reason, via)

    def write(self) -> None:
        """Closer: write report.json and report.html; a failure is logged, never fatal."""
        out = self.context.output
        spider = self.crawler.spider
        settings = self.crawler.settings
        try:
            stats = self.crawler.stats.get_stats()
            files: list[dict[str, Any]] = [{"kind": f.kind, "size": f.size}
                                           for f in out.completed]
            warc = sum(f["size"] for f in files if f["kind"] == "warc")
            run = {**run_info(settings, spider),
                   "robots": robots_status(stats, settings.getbool("ROBOTSTXT_OBEY"))}
            report = build_report(
                crawl={"crawl_id": out.crawl_id, "spider": out.spider, "site": out.folder,
                       "output": out.uri, "start_url": getattr(spider, "start_url", None)},
                stats=stats, observations=self.obs.to_dict(), files=files, run=run,
                compared=comparison(previous_manifest(out, settings), stats, warc))
            # A worker of a distributed crawl reports on its own part: report-<worker>.*
            self.paths = write_report(out.root, report, out.names.report)
        except Exception:  # the manifest must still be written
            logger.exception("could not write the crawl report")
            self.crawler.stats.set_value("report/failed", True)
            return
        for path in self.paths:
            out.file_completed(path, "report")
        out.report_path = self.paths[1]
        logger.info("crawl report: %s", self.paths[1])
