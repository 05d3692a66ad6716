"""How a crawl ended: the finish reasons that count as a crawl that ran to its end, and the
result a crawl run gives back to the command that ran it.

A leaf module (no runtime imports of the crawler's own): the exit code
(``crawler.commands.run``), the monitors, the webhook and ``crawler ls`` all judge a finish
reason by this one set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.distributed.shared import SharedCrawl
    from crawler.layout import CrawlOutput

# A crawl its own budget stopped (--max-items, --max-pages, --deadline) ran to its end too.
OK_FINISH_REASONS = frozenset({"finished", "closespider_itemcount", "closespider_pagecount",
                               "closespider_timeout"})


@dataclass
class CrawlResult:
    """One crawl run, as the command that ran it sees it: stats, how it ended, its output (with
    the manifest and report it wrote) and, for a worker of a distributed crawl, the shared
    crawl."""

    stats: dict[str, Any]
    finish_reason: str = "unknown"
    seconds: float | None = None  # wall time of the run (the stats' elapsed time comes first)
    output: CrawlOutput | None = None
    shared: SharedCrawl | None = None

    @property
    def manifest(self) -> dict[str, Any] | None:
        """The manifest this process built (None: no output, or it built none)."""
        return self.output.manifest if self.output is not None else None

    @property
    def report_path(self) -> Path | None:
        """The crawl report this process wrote (``report.html``), if any."""
        return self.output.report_path if self.output is not None else None

    @property
    def ended_well(self) -> bool:
        """The crawl ran to its end (or its item/page limit)."""
        return self.finish_reason in OK_FINISH_REASONS
