"""Log lines that name an item instead of printing it.

Scrapy's ``LogFormatter`` writes the whole item after "Dropped:", "Scraped from" and "Error
processing": an :class:`~crawler.items.ArticlePage` holds the fetched HTML, so every article
dropped at ``--max-items``, as a duplicate or as not extractable printed tens of kilobytes at
WARNING. ``LOG_FORMATTER = "crawler.ops.logformat.ItemNamingLogFormatter"`` keeps Scrapy's
levels and messages with the item reduced to its kind and URL.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy.logformatter import LogFormatter, LogFormatterResult

URL_FIELDS = ("canonical_url", "url")


def item_name(item: Any) -> str:
    """``<ArticlePage https://…>``: the item's class and its URL, when it has one."""
    url = None
    if is_item(item):
        adapter = ItemAdapter(item)
        url = next((adapter.get(f) for f in URL_FIELDS if adapter.get(f)), None)
    kind = type(item).__name__
    return f"<{kind} {url}>" if url else f"<{kind}>"


class ItemNamingLogFormatter(LogFormatter):
    """Scrapy's log formatter, naming items by URL instead of printing their fields."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        return _named(super().scraped(item, response, spider), item)

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        return _named(super().dropped(item, exception, response, spider), item)

    def item_error(self, item: Any, exception: BaseException, response: Any,
                   spider: Any) -> LogFormatterResult:
        return _named(super().item_error(item, exception, response, spider), item)


def _named(result: LogFormatterResult, item: Any) -> LogFormatterResult:
    args = dict(result.get("args") or {})
    if "item" in args:
        args["item"] = item_name(item)
    return {**result, "args": args}
