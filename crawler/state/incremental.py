"""Incremental crawling: conditional requests from the crawl state, and what each response says.

``IncrementalMiddleware`` is a downloader middleware at order **900**, below the WARC middleware
(950): its ``process_request`` adds ``If-None-Match`` / ``If-Modified-Since`` before the WARC
middleware archives the request, and its ``process_response`` runs after the WARC middleware
archived the response. A 304 is archived as a ``server-not-modified`` revisit of the earlier
full capture when the WARC archive knows that capture (the request carries its payload digest in
``meta["revalidates"]``), otherwise as the 304 ``response`` it was (docs/warc.md). It records
every response in the state (validators and payload digest of a full one, the check time of a
304).

A 304 reaches no callback: Scrapy's HttpErrorMiddleware drops non-2xx responses, so a page that
did not change yields no item and its links are not followed again (they were, when it was
fetched in full by a complete crawl). Which URLs are requested at all is the spider's part
(``spiders.base``: known articles outside the recheck window are skipped, recent ones are
rechecked); the rules are in ``crawler.state.policy``. The same rules apply to redirects: a
redirect to an article the state would skip is not followed (``meta["dont_redirect"]``, so
RedirectMiddleware leaves it and HttpErrorMiddleware drops the 3xx, which stays archived).

Not conditional: ``robots.txt`` (Scrapy's robots parser needs the body), non-GET requests, and
requests with ``meta["dont_revalidate"]``.

Settings:

``INCREMENTAL_ENABLED`` (True)
    False: every request goes out in full and the spider skips nothing; the state is still
    written, so the next run can be incremental.
``RECHECK_DAYS`` (3.0)
    Articles published (or first seen) this recently are revalidated on every run.
``INCREMENTAL_BARREN_PAGES`` (0)
    Once a crawl is incremental, ``BARREN_PAGES_LIMIT`` is lowered to this: listings are read
    until one page shows no new article, not deeper.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.crawl.context import CrawlContext
from crawler.state import state_off
from crawler.state.session import CrawlState
from crawler.warc.middleware import META_REVALIDATES

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

META_SKIP = "dont_revalidate"
META_CONDITIONAL = "conditional"  # set on requests that carried validators
# On conditional requests, META_REVALIDATES (crawler.warc.middleware): the payload digest of the
# last full fetch, which a 304 confirms; the WARC middleware archives such a 304 as a
# server-not-modified revisit of that capture.


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


class IncrementalMiddleware:
    """Adds validators to requests the state can revalidate and records every response."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        state = context.parts.get(CrawlState)
        if state is None:
            raise state_off(context, "no crawl state (STATE_ENABLED off)")
        self.state = state
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.method != "GET" or request.meta.get(META_SKIP):
            return None
        if urlparse_cached(request).path == "/robots.txt":
            return None
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return None
        validators = self.state.conditional_headers(request.url)
        if validators:
            for name, value in validators.items():
                request.headers[name] = value
            request.meta[META_CONDITIONAL] = True
            digest = self.state.validated_digest(request.url)
            if digest:
                request.meta[META_REVALIDATES] = digest
            self.stats.inc_value("incremental/conditional_requests")
        return None

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if request.method != "GET" or urlparse_cached(response).scheme not in ("http", "https"):
            return response
        location = _header(response.headers, b"Location")
        if response.status == 304:
            self.stats.inc_value("incremental/not_modified")
        elif request.meta.get(META_CONDITIONAL) and 200 <= response.status < 300:
            self.stats.inc_value("incremental/modified")
        elif self._unwanted_redirect(request, response.status, location):
            # RedirectMiddleware (600) leaves it; HttpErrorMiddleware drops the 3xx
            request.meta["dont_redirect"] = True
            self.stats.inc_value("incremental/redirects_not_followed")
        self.state.response_seen(
            request.url, response.status, _header(response.headers, b"ETag"),
            _header(response.headers, b"Last-Modified"), response.body, location,
            request.cb_kwargs.get("hints"),
        )
        return response

    def _unwanted_redirect(self, request: Request, status: int, location: str | None) -> bool:
        if not (300 <= status < 400 and location) or request.meta.get("dont_redirect"):
            return False
        return not self.state.wants_redirect(request.url, location)
