"""Lines the end-of-crawl summary adds for ops: the monitor results and the report's path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.ops.monitors import results_from_stats, summary_lines
from crawler.ops.report import REPORT_HTML


def ops_summary_lines(result: Mapping[str, Any]) -> list[str]:
    """For ``crawler.run.summary_lines``: ``result`` is what ``run_crawl`` returns."""
    lines = summary_lines(results_from_stats(result.get("stats") or {}))
    out = result.get("output")
    report = getattr(out, "root", None)
    if report is not None and (report / REPORT_HTML).exists():
        lines.append(f"  report:           {report / REPORT_HTML}")
    return lines
