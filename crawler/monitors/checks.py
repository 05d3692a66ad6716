"""Crawl checks in the spirit of Spidermon, evaluated from a stats dict (pure, no Twisted).

Each monitor passes, fails or is skipped (not configured, or nothing to judge). A failed monitor
makes ``crawler crawl`` exit 1. The monitors extension stores the results in the stats
(``monitors/results``, ``monitors/failed``) before the manifest is written; the store backlog is
known only after the uploads, so :func:`failed_monitors` re-checks it against the final stats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from crawler.monitors import counts
from crawler.outcome import OK_FINISH_REASONS
from crawler.typed_settings import SettingsReader

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
STALL_REASON = "discovery_stall"
GAP_STAT = "monitors/longest_article_gap_seconds"
RESULTS_STAT, FAILED_STAT = "monitors/results", "monitors/failed"
CRAWL_MIN_ARTICLES = "crawl_min_articles"
CRAWL_MAX_ERROR_RATE = "crawl_max_error_rate"
CRAWL_STALL = "crawl_discovery_stall"


@dataclass(frozen=True)
class MonitorSettings:
    """The monitors' settings: ``MONITORS_ENABLED``, ``MONITOR_MIN_ARTICLES`` (0: off),
    ``MONITOR_MAX_ERROR_RATE`` (a share of fetches; 1: off), ``MONITOR_STALL_SECONDS`` (0: off),
    ``MONITOR_STALL_CLOSE``, ``MONITOR_CRAWL_CLOCK`` (a distributed crawl's clock), and whether
    articles are extracted at all (``EXTRACTION_ENABLED``)."""

    enabled: bool
    min_articles: int
    max_error_rate: float
    stall_seconds: float
    stall_close: bool
    crawl_clock: str
    extraction: bool

    @classmethod
    def from_settings(cls, settings: Any) -> MonitorSettings:
        """From Scrapy ``Settings`` or a plain dict; raises ValueError for a bad value."""
        if isinstance(settings, MonitorSettings):
            return settings
        read = SettingsReader(settings)
        return cls(enabled=read.bool("MONITORS_ENABLED"),
                   min_articles=read.int("MONITOR_MIN_ARTICLES"),
                   max_error_rate=read.float("MONITOR_MAX_ERROR_RATE"),
                   stall_seconds=read.float("MONITOR_STALL_SECONDS"),
                   stall_close=read.bool("MONITOR_STALL_CLOSE"),
                   crawl_clock=read.str("MONITOR_CRAWL_CLOCK"),
                   extraction=read.bool("EXTRACTION_ENABLED"))


Config = MonitorSettings | Mapping[str, Any]


@dataclass(frozen=True)
class MonitorResult:
    """The outcome of one check."""

    name: str
    state: str  # passed | failed | skipped
    detail: str
    value: float | int | str | None = None
    threshold: float | int | str | None = None

    @property
    def ok(self) -> bool:
        """False only when the check failed."""
        return self.state != FAILED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MonitorResult:
        return cls(name=data["name"], state=data["state"], detail=data.get("detail") or "",
                   value=data.get("value"), threshold=data.get("threshold"))


def check_finished(stats: Mapping[str, Any]) -> MonitorResult:
    """The crawl ended on its own (or at its item/page limit) and fetched something.

    A worker of a distributed crawl that fetched nothing passes when the crawl's other workers
    did (stat ``distributed/peer_responses``): they leased the work first, and the crawl is
    what matters.
    """
    reason = str(stats.get("finish_reason") or "unknown")
    fetched = counts.pages(stats)
    if reason not in OK_FINISH_REASONS:
        return MonitorResult("finished", FAILED, f"crawl ended with reason {reason!r}", reason)
    if fetched:
        return MonitorResult("finished", PASSED, f"{reason}, {fetched} responses", reason)
    peers = counts.peer_pages(stats)
    if peers:
        return MonitorResult("finished", PASSED,
                             f"{reason}; this worker fetched nothing, the crawl's other workers "
                             f"fetched {peers} responses", reason)
    if counts.PEER_PAGES_STAT in stats:
        return MonitorResult("finished", FAILED,
                             "nothing was fetched, by this worker or any other worker of the crawl",
                             0)
    return MonitorResult("finished", FAILED, "nothing was fetched", 0)


def check_min_articles(stats: Mapping[str, Any], settings: Config) -> MonitorResult:
    """At least ``MONITOR_MIN_ARTICLES`` article records were written."""
    config = MonitorSettings.from_settings(settings)
    want = config.min_articles
    got = counts.articles(stats)
    if want <= 0:
        return MonitorResult("min_articles", SKIPPED, "MONITOR_MIN_ARTICLES is 0", got, want)
    if not config.extraction:
        return MonitorResult("min_articles", SKIPPED, "extraction is off", got, want)
    if stats.get("state/incremental") and not got:
        # A recrawl of an unchanged site rightly writes nothing; the stall monitor still
        # catches discovery that stopped while pages keep being fetched.
        return MonitorResult("min_articles", SKIPPED,
                             "incremental run: no new or changed article", got, want)
    state = PASSED if got >= want else FAILED
    return MonitorResult("min_articles", state,
                         f"{got} articles written, at least {want} expected", got, want)


def check_crawl_min_articles(merged: Mapping[str, Any], want: int,
                             extraction: bool = True) -> MonitorResult:
    """The workers of a distributed crawl together wrote at least ``want`` articles (the user's
    ``MONITOR_MIN_ARTICLES``; each worker's own check is off). ``merged``: the crawl's summed
    stats, judged by the worker that writes the crawl manifest."""
    return _for_the_crawl(CRAWL_MIN_ARTICLES, check_min_articles(
        merged, {"MONITOR_MIN_ARTICLES": want, "EXTRACTION_ENABLED": extraction}))


def _for_the_crawl(name: str, own: MonitorResult) -> MonitorResult:
    """A per-process check's result, judged on a distributed crawl's summed stats."""
    return MonitorResult(name, own.state, f"the crawl's workers together: {own.detail}",
                         own.value, own.threshold)


def check_crawl_error_rate(merged: Mapping[str, Any], limit: float) -> MonitorResult:
    """The workers of a distributed crawl together stayed within ``limit`` (the user's
    ``MONITOR_MAX_ERROR_RATE``; each worker's own check is off: one 503 among a worker's few
    fetches is no verdict on the crawl). ``merged``: the crawl's summed stats."""
    return _for_the_crawl(CRAWL_MAX_ERROR_RATE,
                          check_error_rate(merged, {"MONITOR_MAX_ERROR_RATE": limit}))


def check_crawl_stall(merged: Mapping[str, Any], stop_reason: str | None,
                      settings: Config) -> MonitorResult:
    """No discovery stall in a distributed crawl: each worker's watch asks the crawl before it
    trips (``crawler.distributed.article_clock``), and a stall stops the whole crawl
    (``stop_reason``).
    ``merged``: the crawl's stats (its longest gap is the longest any worker measured)."""
    return _for_the_crawl(CRAWL_STALL, check_stall(
        {**merged, "finish_reason": stop_reason or "finished"}, settings))


def check_error_rate(stats: Mapping[str, Any], settings: Config) -> MonitorResult:
    """Server errors (>= 500) and download exceptions stay within ``MONITOR_MAX_ERROR_RATE``."""
    limit = MonitorSettings.from_settings(settings).max_error_rate
    rate = counts.error_rate(stats)
    if limit >= 1:
        return MonitorResult("max_error_rate", SKIPPED, "MONITOR_MAX_ERROR_RATE is 1 (off)",
                             None if rate is None else round(rate, 4), limit)
    if rate is None:
        return MonitorResult("max_error_rate", SKIPPED, "nothing fetched", None, limit)
    detail = (f"{counts.errors(stats)} errors in "
              f"{counts.pages(stats) + counts.download_exceptions(stats)} fetches "
              f"({rate:.1%}, at most {limit:.1%} allowed)")
    return MonitorResult("max_error_rate", PASSED if rate <= limit else FAILED, detail,
                         round(rate, 4), limit)


def check_stall(stats: Mapping[str, Any], settings: Config) -> MonitorResult:
    """No stretch longer than ``MONITOR_STALL_SECONDS`` of fetching without a new article."""
    window = MonitorSettings.from_settings(settings).stall_seconds
    gap = stats.get(GAP_STAT)
    if stats.get("finish_reason") == STALL_REASON:
        return MonitorResult("discovery_stall", FAILED,
                             f"closed: no new article for {window:g}s while fetching", gap, window)
    if window <= 0:
        return MonitorResult("discovery_stall", SKIPPED, "MONITOR_STALL_SECONDS is 0", gap, window)
    if gap is None:
        return MonitorResult("discovery_stall", SKIPPED, "not measured", None, window)
    state = PASSED if float(gap) <= window else FAILED
    return MonitorResult("discovery_stall", state,
                         f"longest stretch of fetching without a new article: {float(gap):.1f}s "
                         f"(at most {window:g}s allowed)", gap, window)


def check_store_backlog(stats: Mapping[str, Any]) -> MonitorResult:
    """Every file reached the object store (stat ``storage/pending_files`` is 0)."""
    pending = stats.get("storage/pending_files")
    if pending is None:
        return MonitorResult("store_backlog", SKIPPED, "no upload to an object store (yet)")
    if int(pending):
        return MonitorResult("store_backlog", FAILED,
                             f"{pending} files wait in the local spool (`crawler upload`)",
                             int(pending), 0)
    return MonitorResult("store_backlog", PASSED, "every file uploaded", 0, 0)


def evaluate_monitors(stats: Mapping[str, Any], settings: Config) -> list[MonitorResult]:
    """Every monitor against ``stats``; ``settings``: :class:`MonitorSettings`, or Scrapy
    ``Settings`` or a plain dict to read them from."""
    settings = MonitorSettings.from_settings(settings)
    return [
        check_finished(stats),
        check_min_articles(stats, settings),
        check_error_rate(stats, settings),
        check_stall(stats, settings),
        check_store_backlog(stats),
    ]


def with_results(stats: Mapping[str, Any], results: list[MonitorResult]) -> dict[str, Any]:
    """The ``monitors/results`` and ``monitors/failed`` stats of ``stats``, ``results`` added."""
    return {RESULTS_STAT: [*(stats.get(RESULTS_STAT) or []), *(r.to_dict() for r in results)],
            FAILED_STAT: [*(stats.get(FAILED_STAT) or []), *(r.name for r in results if not r.ok)]}


def results_from_stats(stats: Mapping[str, Any]) -> list[MonitorResult]:
    """The stored results, with the store backlog re-checked against these (final) stats."""
    stored = [MonitorResult.from_dict(d) for d in stats.get(RESULTS_STAT) or []
              if isinstance(d, Mapping)]
    return [r for r in stored if r.name != "store_backlog"] + [check_store_backlog(stats)]


def failed_monitors(stats: Mapping[str, Any]) -> list[MonitorResult]:
    """Monitors that failed, for the exit code (empty when the monitors extension is off)."""
    return [r for r in results_from_stats(stats) if not r.ok]


def summary_lines(results: list[MonitorResult]) -> list[str]:
    """Lines for the end-of-crawl summary."""
    if not results:
        return []
    passed = sum(r.state == PASSED for r in results)
    failed = [r for r in results if r.state == FAILED]
    lines = [f"  monitors:         {passed} passed, {len(failed)} failed, "
             f"{len(results) - passed - len(failed)} skipped"]
    lines += [f"    FAILED {r.name}: {r.detail}" for r in failed]
    return lines
