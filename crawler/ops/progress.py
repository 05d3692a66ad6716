"""Scrapy extension: live crawl progress.

Interactive runs (stderr is a terminal) get one status line, redrawn every second above which
log lines print. Other runs, and any with a JSON log, log the crawl's events through the
``crawler.progress`` logger, so they go where the log goes (``--logfile``) in its format
(``crawler.logs.log_output``): ``crawl_started``, ``progress`` every ``PROGRESS_INTERVAL`` seconds
and ``crawl_finished``, as readable lines or, with ``LOG_JSON`` (``--log-format json``), one JSON
object each. ``PROGRESS_MODE``: ``auto`` (the default), ``line``, ``text``, ``json`` (JSON
events whatever the log format) or ``off``. Put it after ``ManifestExtension`` in
``EXTENSIONS`` so the final event can name the manifest and report.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import sys
import time
from collections import deque
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.crawl.context import CrawlContext
from crawler.engine.engine_state import queue_and_inflight
from crawler.logs.log_output import EVENT_ATTR, PROGRESS_LOGGER, RAW_ATTR
from crawler.monitors import counts
from crawler.monitors.checks import FAILED_STAT
from crawler.monitors.counts import fmt_bytes
from crawler.ops.config import OpsSettings

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

LINE_REFRESH = 1.0
RATE_WINDOW = 10  # samples the rates are averaged over
events = logging.getLogger(PROGRESS_LOGGER)


def sample(stats: dict[str, Any], *, elapsed: float, queue: int | None, inflight: int | None,
           history: deque[tuple[float, int, int]]) -> dict[str, Any]:
    """A progress snapshot; ``history`` (bounded) holds earlier (elapsed, pages, articles)."""
    pages, arts = counts.pages(stats), counts.articles(stats)
    history.append((elapsed, pages, arts))
    t0, p0, a0 = history[0]
    span = elapsed - t0
    return {
        "elapsed_s": round(elapsed, 1), "pages": pages, "articles": arts,
        "queue": queue, "inflight": inflight, "errors": counts.errors(stats),
        "bytes": counts.bytes_downloaded(stats),
        "pages_per_s": round((pages - p0) / span, 2) if span > 0 else 0.0,
        "articles_per_min": round((arts - a0) * 60 / span, 1) if span > 0 else 0.0,
    }


def format_line(s: dict[str, Any], width: int = 120) -> str:
    """The one-line terminal status for a snapshot."""
    mins, secs = divmod(int(s["elapsed_s"]), 60)
    queue = "?" if s["queue"] is None else f"{s['queue']:,}"
    text = (f"[{mins:d}:{secs:02d}] pages {s['pages']:,} ({s['pages_per_s']:.1f}/s) · "
            f"articles {s['articles']:,} ({s['articles_per_min']:.0f}/min) · queue {queue} · "
            f"in flight {s['inflight'] or 0} · errors {s['errors']:,} · {fmt_bytes(s['bytes'])}")
    return text[: max(width - 1, 20)]


def format_event(event: str, fields: dict[str, Any]) -> str:
    """One JSON line: ``{"event": ..., "time": ..., **fields}``."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return json.dumps({"event": event, "time": now, **fields}, ensure_ascii=False, default=str)


class _ClearLine(logging.Filter):
    """Wipes the status line before a log record is written to the same terminal."""

    def __init__(self, progress: ProgressExtension) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear_line()
        return True


class ProgressExtension:
    """Prints crawl progress: a status line on a terminal, JSON lines otherwise."""

    def __init__(self, crawler: Crawler, stream: IO[str] | None = None) -> None:
        context = self.context = CrawlContext.of(crawler)
        config = context.config(OpsSettings)
        mode = config.progress_mode
        if mode == "off":
            raise NotConfigured
        self.stream = stream or sys.stderr
        if mode == "auto":  # JSON asked for wins: every line of the log a JSON object
            mode = ("json" if config.log_json else
                    "line" if self.stream.isatty() else "text")
        self.mode = mode
        self.interval = config.progress_interval
        self.crawler = crawler
        self.started = time.monotonic()
        self.history: deque[tuple[float, int, int]] = deque(maxlen=RATE_WINDOW)
        self.task: Any = None
        self.shown = False
        self.filter = _ClearLine(self)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        # After everything that closes with the spider: a distributed crawl's last worker
        # writes the manifest and runs the crawl-wide monitors at engine_stopped.
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        self._closing: dict[str, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        return cls(crawler)

    def _ids(self) -> dict[str, Any]:
        out = self.context.output
        return {"crawl_id": out.crawl_id, "spider": self.crawler.spidercls.name,
                "site": out.folder}

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.history.append((0.0, 0, 0))
        if self.mode != "line":
            fields = {**self._ids(), "start_url": getattr(spider, "start_url", None),
                      "output": str(self.context.output.root)}
            self._emit("crawl_started", fields, f"crawl {fields['crawl_id']} started: "
                                                f"{fields['start_url']} -> {fields['output']}")
        else:
            for handler in logging.getLogger().handlers:
                handler.addFilter(self.filter)
        self.task = create_looping_call(self.tick)
        self.task.start(self.interval if self.mode != "line" else LINE_REFRESH, now=False)

    def snapshot(self) -> dict[str, Any]:
        """Current numbers, from the stats and the engine."""
        queue, inflight = queue_and_inflight(self.crawler)
        return sample(self.crawler.stats.get_stats(), elapsed=time.monotonic() - self.started,
                      queue=queue, inflight=inflight, history=self.history)

    def tick(self) -> None:
        s = self.snapshot()
        if self.mode != "line":
            self._emit("progress", {**self._ids(), **s}, format_line(s, width=1000))
        else:
            width = shutil.get_terminal_size((120, 24)).columns
            self.stream.write("\r\x1b[K" + format_line(s, width))
            self.stream.flush()
            self.shown = True

    def clear_line(self) -> None:
        """Remove the status line (a log record is about to be printed)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        s = self.snapshot()
        if self.mode == "line":
            self.clear_line()
            for handler in logging.getLogger().handlers:
                handler.removeFilter(self.filter)
            self.stream.write(format_line(s) + "\n")
            self.stream.flush()
            return
        self._closing = {**self._ids(), **s, "finish_reason": reason}

    def engine_stopped(self) -> None:
        """The ``crawl_finished`` event (JSON mode), with the numbers as the spider closed and
        the monitors and manifest as they ended."""
        if self._closing is None:
            return
        out = self.context.output
        report = out.report_path
        manifest = out.manifest_path if out.manifest_path.exists() else None
        failed = self.crawler.stats.get_value(FAILED_STAT)
        fields = {**self._closing, "monitors_failed": failed,
                  "manifest": str(manifest) if manifest else None,
                  "report": str(report) if report else None}
        self._emit("crawl_finished", fields,
                   f"crawl {fields['crawl_id']} {fields['finish_reason']}: "
                   f"{format_line(self._closing, width=1000)}"
                   + (f" · monitors failed: {', '.join(failed)}" if failed else ""))
        self._closing = None

    def _emit(self, event: str, fields: dict[str, Any], text: str) -> None:
        """Log a crawl event: ``text`` in a text log, the event itself in a JSON one."""
        events.info("%s", text, extra={EVENT_ATTR: {"event": event, **fields},
                                       RAW_ATTR: self.mode == "json"})
