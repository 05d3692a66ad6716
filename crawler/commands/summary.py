"""The summary a crawl prints at its end: what it fetched and wrote, monitors, report.

Its duration is the crawl's own, from the spider opening to its closing (Scrapy's
``elapsed_time_seconds``), formatted as the report formats it, so the two always agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.monitors import counts
from crawler.monitors.checks import results_from_stats
from crawler.monitors.checks import summary_lines as monitor_lines
from crawler.report.document import REPORT_HTML
from crawler.report.markup import seconds

if TYPE_CHECKING:
    from crawler.commands.run import CrawlResult


def crawl_seconds(result: CrawlResult) -> float | None:
    """The crawl's duration: the stats' ``elapsed_time_seconds`` (what the report shows), else
    the time ``run_crawl`` measured."""
    value = result.stats.get("elapsed_time_seconds")
    return float(value) if isinstance(value, int | float) else result.seconds


def summary_lines(result: CrawlResult) -> list[str]:
    """A short human summary of a finished crawl (``result``: what ``run_crawl`` returns)."""
    stats, manifest, out = result.stats, result.manifest or {}, result.output
    totals = manifest.get("totals", {})
    warc = totals.get("warc", {"files": 0, "bytes": 0})
    statuses = counts.status_counts(stats)
    failed = stats.get("retry/max_reached", 0)
    return [
        f"crawl {getattr(out, 'crawl_id', '?')}: {result.finish_reason} "
        f"in {seconds(crawl_seconds(result))}",
        f"  pages fetched:    {stats.get('downloader/response_count', 0)}"
        + (f" (status {', '.join(f'{k}: {v}' for k, v in statuses.items())})" if statuses
           else ""),
        f"  articles written: {stats.get('articles/written', 0)}",
        f"  WARC files:       {warc['files']} ({warc['bytes'] / 1e6:.2f} MB)",
        f"  errors:           {counts.server_errors(stats)} server errors (5xx), {failed} "
        "requests failed after retries",
        f"  output:           {getattr(out, 'root', '?')}",
        *shared_crawl_lines(result),
        *ops_summary_lines(result),
    ]


def shared_crawl_lines(result: CrawlResult) -> list[str]:
    """For a worker of a distributed crawl: who it was and who writes the manifest."""
    shared = result.shared
    if shared is None:
        return []
    stats = result.stats
    held = counts.manifest_held(stats)
    manifest = ("written by this worker (the last to leave)" if stats.get("distributed/finalized")
                else f"{held} (see the log)" if held else "left to the last worker")
    return [f"  shared crawl:     worker {shared.worker}, Redis keys {shared.keys.root}*",
            f"  crawl manifest:   {manifest}"]


def ops_summary_lines(result: CrawlResult) -> list[str]:
    """The monitor results and the report's path."""
    lines = monitor_lines(results_from_stats(result.stats))
    out = result.output
    report = getattr(out, "root", None)
    if report is not None and (report / REPORT_HTML).exists():
        lines.append(f"  report:           {report / REPORT_HTML}")
    return lines
