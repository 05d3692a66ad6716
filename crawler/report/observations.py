"""What a crawl saw, response by response, kept in bounded summaries (pure, no Scrapy).

The report extension feeds it from Scrapy signals; ``to_dict()`` is the ``observations`` part of
``report.json``. Memory is bounded by the limits below, not by the size of the crawl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.report.articles import FILL_FIELDS, filled
from crawler.report.bounded import BoundedCounter, BoundedTable, FirstN, Histogram, TimeSeries, TopN

MAX_URL = 500
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Limits:
    """How much detail a report keeps."""

    slowest: int = 25
    failures: int = 100
    extraction: int = 100
    content_types: int = 50
    days: int = 20_000
    languages: int = 200
    reasons: int = 100
    hosts: int = 100
    sources: int = 20


def status_class(status: int) -> str:
    """``404`` → ``"4xx"``."""
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def _short(url: str) -> str:
    return url if len(url) <= MAX_URL else url[: MAX_URL - 1] + "…"


def host_of(url: str) -> str:
    """``host[:port]`` of a URL (lower-cased), for the per-host table."""
    return url.partition("://")[2].partition("/")[0].partition("?")[0].lower()[:200] or "?"


class CrawlObservations:
    """Counters, histograms, the slowest and the first failing URLs of one crawl."""

    def __init__(self, limits: Limits | None = None) -> None:
        lim = self.limits = limits or Limits()
        self.timeline = TimeSeries()
        self.content_types = BoundedCounter(lim.content_types)
        self.bytes_by_type = BoundedCounter(lim.content_types)
        self.latency = Histogram()
        self.slowest = TopN(lim.slowest)
        self.failures = FirstN(lim.failures)
        self.extraction = FirstN(lim.extraction)
        self.drop_reasons = BoundedCounter(lim.reasons)
        self.spider_errors = FirstN(lim.failures)
        self.out_of_scope = FirstN(lim.failures)
        self.out_of_scope_origins = BoundedCounter(lim.reasons)
        self.per_day = BoundedCounter(lim.days)
        self.per_language = BoundedCounter(lim.languages)
        self.hosts = BoundedTable(lim.hosts)
        self.sources = BoundedTable(lim.sources)
        self.fields = dict.fromkeys(FILL_FIELDS, 0)
        self.responses = 0
        self.bytes = 0
        self.articles = 0
        self.undated = 0

    def response(self, offset: float, url: str, status: int, content_type: str, size: int,
                 latency: float | None) -> None:
        """One response received ``offset`` seconds into the crawl."""
        self.responses += 1
        self.bytes += size
        ctype = (content_type.split(";")[0].strip().lower() or "(none)")[:100]
        self.content_types.add(ctype)
        self.bytes_by_type.add(ctype, size)
        self.timeline.add(offset, status_class(status))
        self.hosts.add(host_of(url), responses=1, bytes=size, errors=int(status >= 400),
                       **{status_class(status): 1}, latency=latency or 0.0,
                       timed=int(latency is not None))
        entry = {"url": _short(url), "status": status, "t": round(offset, 2)}
        if latency is not None:
            self.latency.add(latency)
            self.slowest.add(latency, {**entry, "latency": round(latency, 3), "size": size})
        if status >= 400:
            self.failures.add({**entry, "reason": f"HTTP {status}"})

    def exception(self, offset: float, url: str, reason: str) -> None:
        """A fetch that ended without a response (timeout, refused connection, ...)."""
        self.timeline.add(offset, "exception")
        self.hosts.add(host_of(url), errors=1, exceptions=1)
        self.failures.add({"url": _short(url), "status": None, "t": round(offset, 2),
                           "reason": reason[:300]})

    def refused(self, offset: float, url: str, reason: str, via: str) -> None:
        """A request the scope gate did not send (``crawler.scope.gate``)."""
        origin = url.partition("://")[2].partition("/")[0]
        self.out_of_scope_origins.add(origin[:200])
        self.out_of_scope.add({"url": _short(url), "reason": reason[:300], "via": _short(via),
                               "t": round(offset, 2)})

    def received(self, source: str) -> None:
        """A final response to a request whose URL was found in ``source``
        (``crawler.report.found_in``)."""
        self.sources.add(source[:40], responses=1)

    def article(self, offset: float, record: Mapping[str, Any], source: str | None = None
                ) -> None:
        """An article record written; counted by publication day, language, the fields it
        fills and where its URL was found."""
        self.articles += 1
        self.timeline.add(offset, "articles")
        for name in filled(record):
            self.fields[name] += 1
        if source is not None:
            self.sources.add(source[:40], articles=1)
        published = str(record.get("published") or "")
        if _DAY.match(published):
            self.per_day.add(published[:10])
        else:
            self.undated += 1
        self.per_language.add(str(record.get("language") or "unknown")[:20])

    def dropped(self, offset: float, url: str, reason: str, message: str = "") -> None:
        """A page the pipelines dropped (not an article, extraction failed, duplicate...)."""
        self.drop_reasons.add(reason[:100])
        self.extraction.add({"url": _short(url), "reason": reason[:100],
                             "message": (message or reason)[:300], "t": round(offset, 2)})

    def spider_error(self, offset: float, url: str, error: str) -> None:
        """An exception raised by a spider callback."""
        self.timeline.add(offset, "spider_error")
        self.spider_errors.add({"url": _short(url), "error": error[:300], "t": round(offset, 2)})

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form stored in ``report.json``."""
        return {
            "responses": self.responses, "bytes": self.bytes, "articles": self.articles,
            "timeline": self.timeline.to_dict(),
            "content_types": self.content_types.to_dict(),
            "bytes_by_content_type": self.bytes_by_type.to_dict(),
            "latency": self.latency.to_dict(),
            "slowest": self.slowest.to_list(),
            "failures": self.failures.to_dict(),
            "dropped": {"reasons": self.drop_reasons.to_dict(), **self.extraction.to_dict()},
            "spider_errors": self.spider_errors.to_dict(),
            "out_of_scope": {"origins": self.out_of_scope_origins.to_dict(),
                             **self.out_of_scope.to_dict()},
            "articles_per_day": dict(sorted(self.per_day.counts.items())),
            "articles_per_language": self.per_language.to_dict(),
            "articles_undated": self.undated,
            "fields_filled": dict(self.fields),
            "hosts": self.hosts.to_dict("responses"),
            "sources": self.sources.to_dict("responses"),
        }
