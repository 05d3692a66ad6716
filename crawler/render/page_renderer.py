"""Rendering one page: open it, let its scripts run, scroll, and take the DOM, within a time limit.

The page is opened from the fetched response (``crawler.render.network``) and waited on until
its network is quiet (no request in flight for ``RENDER_IDLE_SECONDS``). Then it is scrolled a
viewport at a time, waiting for quiet after each step, so lazy images load and an infinite-scroll
listing loads its next batches; scrolling stops at the bottom of a page that stopped growing,
after ``RENDER_MAX_SCROLLS`` steps, or at the time limit. The DOM is then serialized.

A page that takes longer than ``RENDER_TIMEOUT`` is given up: what it fetched is archived already
(each request went through the WARC middleware as it happened), and the DOM it had built by then
is taken when the page still answers within a few seconds; a page wedged in a script gives none.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from crawler.render.network import BrowserNetwork, Document, Traffic

if TYPE_CHECKING:
    from playwright.async_api import Page

    from crawler.render.browser import BrowserPool

logger = logging.getLogger(__name__)

SNAPSHOT_SECONDS = 5.0  # how long a late DOM snapshot may take
SETTLE_SECONDS = 0.1  # after a scroll step: time for lazy loads to start
_SCROLL = "() => { window.scrollBy(0, window.innerHeight); }"
_EXTENT = """() => { const e = document.scrollingElement || document.documentElement;
  return [Math.ceil(window.scrollY + window.innerHeight), e.scrollHeight,
          document.getElementsByTagName('a').length]; }"""


@dataclass(frozen=True)
class RenderLimits:
    """How long and how far a page is rendered (``RENDER_*`` settings)."""

    timeout: float = 30.0  # seconds for the whole page
    idle: float = 0.5  # seconds without a request in flight that count as quiet
    max_scrolls: int = 20  # viewport-high scroll steps at most


@dataclass
class RenderResult:
    """What came of rendering one page."""

    dom: bytes | None  # the serialized DOM (UTF-8), None when none could be taken
    url: str  # the page's URL in the browser at the end
    complete: bool  # loaded, quiet and scrolled within the time limit
    seconds: float
    requests: int  # requests the page made
    fetched: int  # of which sent through the crawl's downloader
    scrolls: int
    error: str | None = None
    browser_lost: bool = False  # the browser died under the page (crashed, killed)


async def _refuse_socket(socket: Any) -> None:
    """WebSockets would bypass the crawl's downloader: closed without connecting."""
    await socket.close(code=1008, reason="not archived")


class PageRenderer:
    """Renders pages with a :class:`BrowserPool`, answering them through a
    :class:`BrowserNetwork`."""

    def __init__(self, pool: BrowserPool, network: BrowserNetwork, limits: RenderLimits) -> None:
        self.pool = pool
        self.network = network
        self.limits = limits

    async def render(self, document: Document) -> RenderResult:
        """Render ``document``; never raises for the page's own faults (see ``error``)."""
        started = time.monotonic()
        deadline = started + self.limits.timeout
        traffic = Traffic()
        lease = await self.pool.acquire()
        page = lease.page
        complete, error, scrolls = False, None, 0
        try:
            await page.route("**/*", partial(self.network.route, document=document,
                                             traffic=traffic))
            await page.route_web_socket("**", _refuse_socket)
            scrolls = await asyncio.wait_for(self._drive(page, document, traffic, deadline),
                                             self.limits.timeout)
            complete = True
        except TimeoutError:
            error = f"time limit ({self.limits.timeout:g} s)"
        except Exception as exc:  # the page's own failure (navigation error, crash)
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        dom, url = await self._snapshot(page, document.url)
        lost = not page.context.browser.is_connected() if page.context.browser else False
        await self.pool.release(lease)
        return RenderResult(dom, url, complete, time.monotonic() - started, traffic.requests,
                            traffic.fetched, scrolls, error, browser_lost=lost)

    async def _drive(self, page: Page, document: Document, traffic: Traffic,
                     deadline: float) -> int:
        await page.goto(document.url, wait_until="domcontentloaded",
                        timeout=max(1.0, deadline - time.monotonic()) * 1000)
        await self._quiet(traffic, deadline)
        return await self._scroll(page, traffic, deadline)

    async def _quiet(self, traffic: Traffic, deadline: float) -> None:
        """Wait for the page's network to be quiet; ``TimeoutError`` at the deadline."""
        if not await traffic.idle(self.limits.idle, deadline):
            raise TimeoutError("the page's requests did not finish in time")

    async def _scroll(self, page: Page, traffic: Traffic, deadline: float) -> int:
        """Scroll a viewport at a time until the page stops growing (or the limits)."""
        steps = 0
        last = await page.evaluate(_EXTENT)
        while steps < self.limits.max_scrolls and time.monotonic() < deadline:
            requests = traffic.requests
            await page.evaluate(_SCROLL)
            steps += 1
            await asyncio.sleep(SETTLE_SECONDS)
            if traffic.requests > requests or traffic.in_flight:
                await self._quiet(traffic, deadline)
            now = await page.evaluate(_EXTENT)
            bottom = now[0] >= now[1] - 2
            grew = now[1] > last[1] or now[2] > last[2] or traffic.requests > requests
            last = now
            if bottom and not grew:
                break
        return steps

    async def _snapshot(self, page: Page, url: str) -> tuple[bytes | None, str]:
        try:
            html = await asyncio.wait_for(page.content(), SNAPSHOT_SECONDS)
            return html.encode("utf-8"), page.url or url
        except Exception as exc:  # wedged in a script, crashed or closed
            logger.debug("render: no DOM of %s: %s", url, exc)
            return None, url
