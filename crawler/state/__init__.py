"""Durable crawl state between runs: SQLite store, recheck policy, resume of killed crawls.

Pure parts: ``store`` (SQLite), ``buffer`` (batched writes), ``policy`` (what to request again),
``session`` (one crawl's view), ``part_salvage`` and ``resume`` (a killed crawl's folder).
Scrapy parts: ``state_extension`` (the state, resume) and ``incremental`` (conditional requests);
the item pipeline ``pipelines.state`` drops records not to write again. See docs/incremental.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from crawler.crawl.context import CrawlContext


def state_off(context: CrawlContext, why: str = "STATE_ENABLED is off") -> NotConfigured:
    """The NotConfigured a state component raises when the state is off: silent for a worker
    of a distributed crawl (off by design; the distributed add-on says so once)."""
    return NotConfigured() if context.distributed else NotConfigured(why)
