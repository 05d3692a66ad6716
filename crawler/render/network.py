"""The crawler as the browser's network: every request a rendered page makes goes through Scrapy.

A page is opened with a route on every URL (``page.route("**/*")``):

* the page itself, its first navigation, is answered from the response the crawl fetched and
  archived already: no second fetch;
* every other request (scripts, stylesheets, fonts, images, XHR/fetch JSON, frames, later
  navigations) becomes a Scrapy request sent with ``engine.download_async``: it passes the scope
  gate, robots.txt, the host's politeness slot (its concurrency and delay), retries, redirects
  and the WARC middleware, which archives request and response records with the server's own
  bytes and headers, exactly as for any page. The browser is answered from that response: its
  body decoded, without ``Content-Encoding``/``Content-Length`` (toward the browser only; the
  WARC keeps the raw bytes). Redirects are followed by Scrapy (each hop archived) and the
  browser gets the final response;
* a request the crawl refuses (out of scope, disallowed by robots.txt) or that fails is aborted,
  and so is anything but http(s); WebSockets are refused (``crawler.render.page_renderer``).

Subrequests are sent unconditionally (``dont_revalidate``): the browser needs their bodies.
The crawl state still records each response, and a payload archived before becomes a revisit
record through the WARC de-duplication. Static resources (scripts, stylesheets, fonts, images)
that answered 200 are kept in a small shared cache (``RENDER_CACHE_MB``), so a site's bundle is
fetched and archived once per crawl, not once per page, as the static path does with requisites.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.engine.downloader import META_RENDER_OF

if TYPE_CHECKING:
    from playwright.async_api import Route
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

CACHED_TYPES = frozenset(("script", "stylesheet", "font", "image"))
# Hop-by-hop and framing headers: the browser gets a decoded body of a known length.
_NOT_TO_BROWSER = frozenset((b"content-encoding", b"content-length", b"transfer-encoding",
                             b"connection", b"keep-alive"))
# What the browser's own request headers may add to Scrapy's (its identity, cookies and
# client hints stay the crawler's own).
_NOT_FROM_BROWSER = frozenset(("user-agent", "cookie", "host", "connection", "accept-encoding",
                               "content-length", "upgrade-insecure-requests", "priority"))


@dataclass
class Document:
    """The fetched page a render starts from (its decoded body and headers)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What the browser is given for one request."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Traffic:
    """One page's requests: in flight, seen, and when that last changed (for idleness)."""

    in_flight: int = 0
    requests: int = 0
    fetched: int = 0  # sent through Scrapy's downloader
    document_served: bool = False
    last_change: float = field(default_factory=time.monotonic)

    def begin(self) -> None:
        self.in_flight += 1
        self.requests += 1
        self.last_change = time.monotonic()

    def end(self) -> None:
        self.in_flight -= 1
        self.last_change = time.monotonic()

    async def idle(self, quiet: float, deadline: float) -> bool:
        """Wait until no request was in flight for ``quiet`` seconds; False at ``deadline``
        (``time.monotonic``)."""
        while True:
            now = time.monotonic()
            if self.in_flight == 0 and now - self.last_change >= quiet:
                return True
            if now >= deadline:
                return False
            await asyncio.sleep(min(0.05, max(0.0, deadline - now)))


def browser_headers(headers: Any) -> dict[str, str]:
    """A response's headers as the browser is given them (Scrapy ``Headers``)."""
    out: dict[str, str] = {}
    for name, values in headers.items():
        key = bytes(name)
        if key.lower() in _NOT_TO_BROWSER:
            continue
        text = key.decode("latin-1")
        out[text] = "\n".join(bytes(v).decode("latin-1") for v in values or ())
    return out


class ResourceCache:
    """Static resources answered 200, least recently used first out, at most ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[str, Answer] = OrderedDict()

    def get(self, url: str) -> Answer | None:
        answer = self._items.get(url)
        if answer is not None:
            self._items.move_to_end(url)
        return answer

    def put(self, url: str, answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_bytes // 8 or url in self._items:
            return
        self._items[url] = answer
        self.bytes += size
        while self.bytes > self.max_bytes and self._items:
            _, old = self._items.popitem(last=False)
            self.bytes -= len(old.body)


class BrowserNetwork:
    """Answers a rendered page's requests (one instance per crawl)."""

    def __init__(self, crawler: Crawler, cache: ResourceCache) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.cache = cache
        # static resources being fetched now: pages rendering at once share one fetch
        self._fetching: dict[str, asyncio.Future[Answer | None]] = {}

    async def route(self, route: Route, document: Document, traffic: Traffic) -> None:
        """The ``page.route`` handler of one page."""
        from playwright.async_api import Error as PlaywrightError

        request = route.request
        traffic.begin()
        try:
            if not traffic.document_served and request.is_navigation_request() \
                    and _main_frame(request):
                traffic.document_served = True
                await route.fulfill(status=document.status, headers=document.headers,
                                    body=document.body)
                return
            answer = await self._answer(request, document.url, traffic)
            if answer is None:
                await route.abort("blockedbyclient")
            else:
                await route.fulfill(status=answer.status, headers=answer.headers,
                                    body=answer.body)
        except PlaywrightError:
            pass  # the page closed (a time limit) before the answer came: nothing to tell it
        finally:
            traffic.end()

    async def _answer(self, request: Any, page_url: str, traffic: Traffic) -> Answer | None:
        url = request.url
        kind = request.resource_type
        self.stats.inc_value(f"render/requests/{kind}")
        if urlsplit(url).scheme not in ("http", "https"):
            self.stats.inc_value("render/aborted/scheme")
            return None
        if not (request.method == "GET" and kind in CACHED_TYPES):
            return await self._fetch(request, page_url, traffic, cacheable=False)
        cached = self.cache.get(url)
        if cached is not None:
            self.stats.inc_value("render/cache_hits")
            return cached
        pending = self._fetching.get(url)
        if pending is not None:
            self.stats.inc_value("render/cache_hits")
            return await asyncio.shield(pending)
        future = self._fetching[url] = asyncio.get_running_loop().create_future()
        try:
            answer = await self._fetch(request, page_url, traffic, cacheable=True)
        except BaseException:
            future.set_result(None)
            raise
        finally:
            del self._fetching[url]
        if not future.done():
            future.set_result(answer)
        return answer

    async def _fetch(self, request: Any, page_url: str, traffic: Traffic,
                     cacheable: bool) -> Answer | None:
        """The answer to one browser request, through Scrapy's downloader."""
        url, kind = request.url, request.resource_type
        scrapy_request = Request(
            url, method=request.method, headers=_forwarded(request.headers, page_url),
            body=request.post_data_buffer or b"", dont_filter=True,
            meta={META_RENDER_OF: page_url, "found_in": "browser", "dont_revalidate": True,
                  "render_resource_type": kind})
        engine = self.crawler.engine
        assert engine is not None
        try:
            response: Response = await engine.download_async(scrapy_request)
        except IgnoreRequest as exc:  # the scope gate or robots.txt said no
            self.stats.inc_value("render/aborted/refused")
            logger.debug("render: not fetching %s for %s: %s", url, page_url, exc)
            return None
        except Exception as exc:
            self.stats.inc_value("render/aborted/failed")
            logger.debug("render: %s for %s failed: %s", url, page_url, exc)
            return None
        traffic.fetched += 1
        self.stats.inc_value("render/fetched")
        answer = Answer(response.status, browser_headers(response.headers), response.body)
        if cacheable and response.status == 200 and not _no_store(response):
            self.cache.put(url, answer)
        return answer


def _main_frame(request: Any) -> bool:
    try:
        return request.frame.parent_frame is None
    except Exception:  # a service worker's request has no frame
        return False


def _no_store(response: Response) -> bool:
    value = (response.headers.get(b"Cache-Control") or b"").lower()
    return b"no-store" in value or b"private" in value


def _forwarded(headers: dict[str, str], page_url: str) -> dict[str, str]:
    """The browser request's headers Scrapy sends along (``Accept``, ``Content-Type``, an
    application's own ``X-*`` headers...), with the page as ``Referer``."""
    out = {k: v for k, v in headers.items()
           if k.lower() not in _NOT_FROM_BROWSER and not k.lower().startswith("sec-")}
    out.setdefault("referer", page_url)
    return out
