"""How one site's crawl in a run ended: complete, stopped by its budget, or failed, and why.

Read from the crawl's stats only (pure), by the same rules as a one-site crawl's exit code
(``crawler.commands.run.crawl_exit_code``): a crawl that ran to its end, fetched something, has
every file in its output and passed its monitors is complete; one that its own limit stopped
(``max_articles``, ``max_pages``, ``deadline``) is stopped by its budget, which is not a
failure; anything else failed, with the reason in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.monitors import counts
from crawler.monitors.checks import failed_monitors
from crawler.monitors.site_health import GIVE_UP_REASON_STAT

COMPLETE, STOPPED, FAILED = "complete", "stopped", "failed"
BUDGET_REASONS = {
    "closespider_itemcount": ("max articles", "CLOSESPIDER_ITEMCOUNT"),
    "closespider_pagecount": ("max pages", "CLOSESPIDER_PAGECOUNT"),
    "closespider_timeout": ("deadline", "CLOSESPIDER_TIMEOUT"),
}


@dataclass(frozen=True)
class SiteVerdict:
    """``status`` is :data:`COMPLETE`, :data:`STOPPED` or :data:`FAILED`; ``reason`` says why
    it stopped or failed (empty when complete)."""

    status: str
    reason: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED


def site_verdict(stats: Mapping[str, Any], finish_reason: str,
                 budget: Mapping[str, Any] | None = None) -> SiteVerdict:
    """The verdict on one site's crawl from its stats and finish reason; ``budget`` holds the
    limits it ran with (setting name to value) so a stop names its limit."""
    give_up = stats.get(GIVE_UP_REASON_STAT)
    if give_up:
        return SiteVerdict(FAILED, str(give_up))
    if finish_reason == "shutdown":
        return SiteVerdict(FAILED, "interrupted before its end")
    if finish_reason not in ("finished", *BUDGET_REASONS):
        return SiteVerdict(FAILED, f"ended by {finish_reason}")
    if not counts.pages(stats):
        return SiteVerdict(FAILED, _nothing_fetched(stats))
    pending = stats.get("storage/pending_files")
    if pending:
        return SiteVerdict(FAILED, f"{pending} files wait in the local spool (crawler upload)")
    held = counts.manifest_held(stats)
    if held:
        return SiteVerdict(FAILED, f"manifest not written: {held}")
    monitors = failed_monitors(stats)
    if monitors:
        return SiteVerdict(FAILED, "; ".join(f"{m.name}: {m.detail}" for m in monitors))
    if finish_reason in BUDGET_REASONS:
        words, setting = BUDGET_REASONS[finish_reason]
        limit = (budget or {}).get(setting)
        return SiteVerdict(STOPPED, f"{words} ({limit})" if limit else words)
    return SiteVerdict(COMPLETE)


def _nothing_fetched(stats: Mapping[str, Any]) -> str:
    exceptions = counts.exception_counts(stats)
    if exceptions:
        name, n = next(iter(exceptions.items()))
        return f"nothing fetched: {name} ({n}x)"
    return "nothing fetched"
