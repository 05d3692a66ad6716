"""Spider middleware: where each request's URL was found, for the report's discovery table.

Every request the spider yields is tagged ``meta["found_in"]`` with the kind of document that
named its URL: ``robots.txt``, ``sitemap``, ``feed``, ``listing page``, ``article page``
(related-article links), ``requisite`` (images, CSS, scripts of articles), ``start`` (the start
URL and the profile's start pages) or ``recheck`` (articles the crawl state revalidates).
Redirects and retries keep the tag (Scrapy copies ``meta``). Requests yielded by errbacks do not
pass spider middlewares and stay untagged (``other``). Setting: ``REPORT_ENABLED``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.crawl.context import CrawlContext
from crawler.items import ArticlePage
from crawler.pages.urls import BadURL, canonical_url
from crawler.report.document import ReportSettings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

META_KEY = "found_in"
_ARTICLE_SEEN = "found_in_article"  # set on a response's meta once it yielded an article
BY_CALLBACK = {"parse_robots": "robots.txt", "parse_sitemap": "sitemap", "parse_feed": "feed",
               "parse_requisite": "requisite"}


def found_in(meta: dict[str, Any]) -> str:
    """The discovery source of a request (its ``meta``), ``other`` when untagged."""
    return str(meta.get(META_KEY) or "other")


def source_of(response: Response) -> str:
    """The kind of document ``response`` is, as a source of URLs."""
    callback = getattr(getattr(response, "request", None), "callback", None)
    name = getattr(callback, "__name__", "")
    if name in BY_CALLBACK:
        return BY_CALLBACK[name]
    if name == "parse_page":
        return "article page" if response.meta.get(_ARTICLE_SEEN) else "listing page"
    return "other"


class FoundInMiddleware(BaseSpiderMiddleware):
    """Tags requests with :data:`META_KEY` (see the module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        if not CrawlContext.of(crawler).config(ReportSettings).enabled:
            raise NotConfigured
        super().__init__(crawler)
        self._starts: set[str] | None = None

    def _start_urls(self) -> set[str]:
        if self._starts is None:
            spider = self.crawler.spider
            base = getattr(spider, "base_url", None) or ""
            paths = getattr(getattr(spider, "profile", None), "start_paths", ())
            urls = {getattr(spider, "start_url", None), urljoin(base, "/robots.txt"),
                    *(urljoin(base, p) for p in paths)}
            self._starts = set()
            for url in filter(None, urls):
                try:
                    self._starts.add(canonical_url(url))
                except BadURL:
                    continue
        return self._starts

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        if META_KEY in request.meta:
            return request
        if response is None:  # a start request
            kind = "start" if request.url in self._start_urls() else "recheck"
        elif "requisite" in request.meta:
            kind = "requisite"
        else:
            kind = source_of(response)
        request.meta[META_KEY] = kind
        return request

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if response is not None and isinstance(item, ArticlePage):
            response.meta[_ARTICLE_SEEN] = True
        return item
