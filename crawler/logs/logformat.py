"""Log lines that name an item instead of printing it.

Scrapy's ``LogFormatter`` writes the whole item after "Dropped:", "Scraped from" and "Error
processing": an :class:`~crawler.items.ArticlePage` holds the fetched HTML, so every article
dropped at ``--max-items``, as a duplicate or as not extractable printed tens of kilobytes at
WARNING. ``LOG_FORMATTER = "crawler.logs.logformat.ItemNamingLogFormatter"`` keeps Scrapy's
levels and messages with the item reduced to its kind and URL, on one line.

A request that got no response because of a network error (Scrapy's ``RETRY_EXCEPTIONS``:
refused, timed out, lost) is one WARNING line, ``failed: <GET url>: <error> (3 attempts)``, after
its retries; ``crawler.logs.log_output`` drops the traceback Scrapy attaches. Other download errors
keep Scrapy's ERROR line and traceback: they are bugs, not the network.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter, is_item
from scrapy.logformatter import LogFormatter, LogFormatterResult

from crawler.logs.log_output import describe_error, network_errors

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

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
    """Scrapy's log formatter, naming items by URL instead of printing their fields, and
    network errors in one line."""

    def __init__(self, network: tuple[type[BaseException], ...] = (OSError,)) -> None:
        self.network = network

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemNamingLogFormatter:
        return cls(network_errors(crawler.settings))

    def download_error(self, failure: Any, request: Request, spider: Spider,
                       errmsg: str | None = None) -> LogFormatterResult:
        exc = getattr(failure, "value", None)
        if errmsg or exc is None or not isinstance(exc, self.network):
            return super().download_error(failure, request, spider, errmsg)
        attempts = int(request.meta.get("retry_times") or 0) + 1
        return {"level": logging.WARNING, "msg": "failed: %(request)s: %(error)s%(attempts)s",
                "args": {"request": request, "error": describe_error(exc),
                         "attempts": f" ({attempts} attempts)" if attempts > 1 else ""}}

    def scraped(self, item: Any, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return _named(super().scraped(item, response, spider), item)

    def dropped(self, item: Any, exception: BaseException, response: Response | Failure | None,
                spider: Spider) -> LogFormatterResult:
        return _named(super().dropped(item, exception, response, spider), item)

    def item_error(self, item: Any, exception: BaseException,
                   response: Response | Failure | None,
                   spider: Spider) -> LogFormatterResult:
        return _named(super().item_error(item, exception, response, spider), item)


def _named(result: LogFormatterResult, item: Any) -> LogFormatterResult:
    """The item named, on the same line as the message (Scrapy starts a new line for it)."""
    args = dict(result.get("args") or {})
    if "item" in args:
        args["item"] = item_name(item)
    msg = str(result.get("msg") or "").replace(os.linesep, " ").replace("\n", " ")
    return {**result, "msg": msg, "args": args}
