"""Item pipeline: drop the article records the crawl state says must not be written again.

Sits after extraction (300) and before the JSON Lines writer (800):

* a resumed crawl drops records its surviving parts already hold (none is written twice);
* an incremental crawl drops a record whose text hash equals the trusted record written for the
  same URL before: the page was fetched again (its HTML or validators changed, or the server
  sends none) but the article did not change. Edited articles pass: their text hash differs.

Both drops log at DEBUG and count in the stats (``resume/records_dropped``,
``incremental/records_unchanged``). Every other record is counted as ``changes/new``,
``changes/changed`` or ``changes/unchanged`` (its text against the last record a finished crawl
of the site wrote for its URL; written again when the crawl is not incremental) for the report's
comparison with the previous crawl.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.crawl.context import CrawlContext
from crawler.state import state_off
from crawler.state.session import CrawlState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class StateRecordPipeline:
    """Consults the crawl state (opened by ``crawler.state.state_extension``) for each record."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        state = context.parts.get(CrawlState)
        if state is None:
            raise state_off(context)
        self.state = state
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateRecordPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = self.state
        if not (isinstance(item, dict) and "schema_version" in item):
            return item
        stats = self.crawler.stats
        if state.already_written(item):
            stats.inc_value("resume/records_dropped")
            raise DropItem(f"written before the crawl was resumed: {item['url']}", "DEBUG")
        change = state.compare(item)
        stats.inc_value(f"changes/{change}")
        if state.unchanged(item, change):
            stats.inc_value("incremental/records_unchanged")
            raise DropItem(f"text unchanged since the last crawl: {item['url']}", "DEBUG")
        return item
