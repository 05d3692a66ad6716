"""One headless Chromium for a crawl, kept bounded: contexts recycled, memory capped, nothing left.

Playwright's async API drives Debian's Chromium (``RENDER_BROWSER``, default
``/usr/bin/chromium``; ``playwright install`` is not needed). The browser starts with the first
page that needs it, never before.

Bounded (what scrapy-playwright and browsertrix users run into, docs/render.md):

* a browser context (cookies, cache, storage, service workers) serves ``RENDER_CONTEXT_PAGES``
  pages, then a fresh one takes over and the old one closes with its last page;
* after every page the browser's memory (PSS of all its processes, ``crawler.render.procs``) is
  measured; above ``RENDER_BROWSER_MAX_MB`` no new page is opened until the open ones finish,
  then the browser is closed and a new one launched. The peak is a stat
  (``render/browser_peak_mb``) and in the report;
* a browser that crashes is launched again for the next page (the extension renders the pages
  it held once more).

Clean: the Playwright driver (Node.js) is a child of the crawler, reading its commands on a pipe;
Chromium is the driver's child on its ``--remote-debugging-pipe``. When the crawler dies, even
by SIGKILL, the kernel closes the crawler's end: the driver reads an end of file and exits, and
Chromium exits when its pipe closes. On Linux the driver is also started through ``setsid`` (a
Ctrl-C on the terminal reaches the crawler, which finishes its pages, not the driver) and
``setpriv --pdeathsig TERM`` (the kernel signals it when the crawler dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.render import procs

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Page, Playwright

logger = logging.getLogger(__name__)

# Chromium here has no network but the crawler's: no background connections, no updates, and
# no sandbox (the crawler may run as root, where Chromium refuses its sandbox).
CHROMIUM_FLAGS = ("--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu",
                  "--disable-dev-shm-usage", "--disable-default-apps", "--mute-audio",
                  "--disable-features=Translate,MediaRouter,OptimizationHints")


@dataclass(frozen=True)
class BrowserConfig:
    """How the browser is started and kept (``RENDER_*`` settings)."""

    executable: str = "/usr/bin/chromium"  # empty: Playwright's own download
    context_pages: int = 20  # pages per browser context before a fresh one
    max_mb: float = 1024.0  # restart the browser above this (PSS, MB); 0: never
    user_agent: str | None = None
    viewport: tuple[int, int] = (1280, 1600)
    extra_args: tuple[str, ...] = ()


@dataclass(eq=False)
class _Context:
    context: BrowserContext
    opened: int = 0  # pages opened in it
    open: int = 0  # pages open now
    retired: bool = False


@dataclass
class Lease:
    """A page lent by :class:`BrowserPool` (give it back with :meth:`BrowserPool.release`)."""

    page: Page
    holder: _Context = field(repr=False)


class BrowserError(RuntimeError):
    """The browser could not be started or used."""


def _driver_wrapper(folder: Path) -> str | None:
    """A launcher for Playwright's Node.js driver (``PLAYWRIGHT_NODEJS_PATH``) that runs it in
    its own session and has the kernel end it with the crawler; None where that is not possible."""
    import playwright

    node = Path(playwright.__file__).parent / "driver" / "node"
    setsid, setpriv = shutil.which("setsid"), shutil.which("setpriv")
    if not (node.is_file() and setsid and setpriv):
        return None
    script = folder / "playwright-driver"
    script.write_text(f'#!/bin/sh\nexec "{setsid}" "{setpriv}" --pdeathsig TERM -- '
                      f'"{node}" "$@"\n')
    script.chmod(0o700)
    return str(script)


class BrowserPool:
    """Pages of one Chromium, for at most as many renders at once as the caller allows."""

    def __init__(self, config: BrowserConfig, stats: Any) -> None:
        self.config = config
        self.stats = stats
        self.peak_mb = 0.0
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: _Context | None = None
        self._open = 0
        self._draining = False
        self._drained = asyncio.Event()
        self._lock = asyncio.Lock()
        self._closed = False
        self._scratch = tempfile.TemporaryDirectory(prefix="crawler-render-")

    async def acquire(self) -> Lease:
        """A fresh page (launching, recycling or restarting the browser as needed)."""
        while self._draining:
            if self._open == 0:
                async with self._lock:
                    if self._draining and self._open == 0:
                        await self._close_browser("memory")
                        self._draining = False
            else:
                self._drained.clear()
                await self._drained.wait()
        async with self._lock:
            if self._closed:
                raise BrowserError("the browser pool is closed")
            holder = await self._current_context()
            holder.opened += 1
            holder.open += 1
            self._open += 1
        try:
            page = await holder.context.new_page()
        except Exception:
            await self._returned(holder)
            raise
        self.stats.inc_value("render/pages_opened")
        return Lease(page, holder)

    async def release(self, lease: Lease, healthy: bool = True) -> None:
        """Close the page; recycle its context, and check the browser's memory."""
        try:
            await asyncio.wait_for(lease.page.close(run_before_unload=False), 10)
        except Exception as exc:  # a wedged page: the browser goes with it
            logger.warning("render: could not close a page (%s); restarting the browser", exc)
            healthy = False
        if not healthy:
            self._draining = True
            self.stats.inc_value("render/browser_restarts/unhealthy")
        await self._returned(lease.holder)
        self._check_memory()

    async def close(self) -> None:
        """Close the browser and stop the driver (the crawl's end)."""
        async with self._lock:
            self._closed = True
            await self._close_browser(None)
            if self._playwright is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._playwright.stop(), 15)
                self._playwright = None
        self._scratch.cleanup()

    def memory_mb(self) -> float:
        """The browser's memory now: PSS of the driver and its descendants, in MB."""
        return sum(procs.tree_memory_mb(pid) for pid in procs.driver_pids())

    # --- internals -------------------------------------------------------------------------
    async def _returned(self, holder: _Context) -> None:
        holder.open -= 1
        self._open -= 1
        if holder.retired and holder.open == 0:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(holder.context.close(), 10)
        if self._open == 0:
            self._drained.set()

    def _check_memory(self) -> None:
        if self._browser is None:
            return
        mb = self.memory_mb()
        if mb > self.peak_mb:
            self.peak_mb = mb
            self.stats.set_value("render/browser_peak_mb", round(mb, 1))
        if self.config.max_mb and mb > self.config.max_mb and not self._draining:
            logger.info("render: the browser holds %.0f MB (RENDER_BROWSER_MAX_MB %.0f): "
                        "restarting it", mb, self.config.max_mb)
            self.stats.inc_value("render/browser_restarts/memory")
            self._draining = True

    async def _current_context(self) -> _Context:
        browser = await self._current_browser()
        holder = self._context
        if holder is not None and holder.opened >= max(1, self.config.context_pages):
            holder.retired = True
            if holder.open == 0:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(holder.context.close(), 10)
            holder = None
        if holder is None:
            width, height = self.config.viewport
            context = await browser.new_context(
                user_agent=self.config.user_agent, viewport={"width": width, "height": height},
                service_workers="block", accept_downloads=False)
            holder = self._context = _Context(context)
            self.stats.inc_value("render/contexts")
        return holder

    async def _current_browser(self) -> Browser:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        if self._browser is not None:  # crashed or killed
            self.stats.inc_value("render/browser_restarts/crash")
            self._browser = None
            self._context = None
        if self._playwright is None:
            self._playwright = await self._start_playwright()
        executable = self.config.executable or None
        if executable and not os.access(executable, os.X_OK):
            raise BrowserError(f"no browser at {executable} (RENDER_BROWSER): install Debian's "
                               "chromium (./run.sh setup does) or set RENDER_BROWSER")
        for attempt in (1, 2):  # a second try: a launch can fail once (killed, out of memory)
            try:
                browser = await self._playwright.chromium.launch(
                    executable_path=executable, headless=True,
                    args=[*CHROMIUM_FLAGS, *self.config.extra_args],
                    handle_sigint=False, handle_sigterm=False, handle_sighup=False,
                    timeout=60_000)
                break
            except Exception as exc:
                if attempt == 2:
                    raise BrowserError(f"could not start the browser {executable or ''}: "
                                       f"{str(exc).splitlines()[0][:300]}") from exc
                logger.warning("render: the browser did not start (%s); trying again",
                               str(exc).splitlines()[0][:300])
        self.stats.inc_value("render/browser_launches")
        self._browser = browser
        return browser

    async def _start_playwright(self) -> Playwright:
        from playwright.async_api import async_playwright

        wrapper = _driver_wrapper(Path(self._scratch.name))
        before = os.environ.get("PLAYWRIGHT_NODEJS_PATH")
        if wrapper:
            os.environ["PLAYWRIGHT_NODEJS_PATH"] = wrapper
        try:
            return await async_playwright().start()
        finally:
            if wrapper:
                if before is None:
                    os.environ.pop("PLAYWRIGHT_NODEJS_PATH", None)
                else:
                    os.environ["PLAYWRIGHT_NODEJS_PATH"] = before

    async def _close_browser(self, why: str | None) -> None:
        browser, self._browser = self._browser, None
        holder, self._context = self._context, None
        if holder is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(holder.context.close(), 10)
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 20)
            if why:
                logger.info("render: browser closed (%s)", why)
