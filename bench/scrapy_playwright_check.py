"""Why the crawler drives Playwright itself: scrapy-playwright measured on the three things the
render design needs (docs/render.md).

    .venv/bin/pip install --no-deps --target /tmp/spw scrapy-playwright==0.0.48
    PYTHONPATH=/tmp/spw .venv/bin/python bench/scrapy_playwright_check.py

scrapy-playwright is not a dependency of the project; this script only runs where it is
importable. Against ``fixture_site.jsapp`` on loopback, with Debian's Chromium, three plain
Scrapy crawls using its download handler:

1. **what the downloader middlewares see**: a middleware at the WARC middleware's place (950)
   records the body of the rendered page's response, and the site's log counts how often the
   page itself was requested;
2. **a page that hangs** (its API never answers), given
   ``PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT``: what the errback has of the page (its DOM so far?);
3. **the browser's requests through Scrapy's downloader** (as the archive needs), from a route
   the page init callback installs, with ``CONCURRENT_REQUESTS_PER_DOMAIN = 1``: does the
   render finish, or does it wait on the slot its own download holds?

Writes bench/results/scrapy_playwright_check.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# not bench/ itself: bench/incremental.py would shadow the package Twisted imports
sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != BENCH)]

CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"]


def settings(**extra: Any) -> dict[str, Any]:
    return {
        "DOWNLOAD_HANDLERS": {
            "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"},
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/usr/bin/chromium",
                                      "args": CHROMIUM_ARGS},
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0, **extra}


def crawl(spider: Any, custom: dict[str, Any]) -> None:
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings(**custom), install_root_handler=False)
    process.crawl(spider)
    process.start()


SEEN: dict[str, Any] = {}


class Recorder:
    """A downloader middleware where the WARC middleware sits: what would it archive?"""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        SEEN.setdefault("bodies", []).append({"url": response.url, "flags": response.flags,
                                              "bytes": len(response.body),
                                              "is_dom": b"<article" in response.body,
                                              "content_encoding": response.headers.get(
                                                  "Content-Encoding")})
        return response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", type=int, choices=(1, 2, 3), help="one part (a process each)")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "bench" / "results" / "scrapy_playwright_check.json")
    args = parser.parse_args()
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        print("scrapy-playwright is not importable: see this script's docstring", file=sys.stderr)
        return 2
    if args.part is None:  # each part in a process of its own (one reactor per process)
        import subprocess

        results = {}
        for part in (1, 2, 3):
            done = subprocess.run([sys.executable, __file__, "--part", str(part)],
                                  capture_output=True, text=True, timeout=300)
            results[f"part{part}"] = json.loads(done.stdout.strip().splitlines()[-1]) \
                if done.returncode == 0 and done.stdout.strip() else {"error": done.stderr[-800:]}
            print(f"({part}) {results[f'part{part}']}", flush=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n")
        return 0
    print(json.dumps(run_part(args.part)))
    return 0


def run_part(part: int) -> dict[str, Any]:
    import scrapy
    from scrapy_playwright.page import PageMethod

    from fixture_site.jsapp import JsAppSite, serve_jsapp

    hang = ("/api/articles/1000",) if part == 2 else ()
    with serve_jsapp(JsAppSite(app=2, printed=0, hang=hang)) as site:
        page_url = site.url + site.site.by_id[1000].path.lstrip("/")
        outcome: dict[str, Any] = {}

        class Check(scrapy.Spider):
            name = "check"

            async def start(self) -> Any:
                meta: dict[str, Any] = {"playwright": True, "playwright_include_page": part == 2,
                                        "playwright_page_methods": [
                                            PageMethod("wait_for_selector", "article p")]}
                if part == 3:
                    meta["playwright_page_init_callback"] = self.route_through_scrapy
                yield scrapy.Request(page_url, meta=meta, callback=self.parsed,
                                     errback=self.failed)

            async def route_through_scrapy(self, page: Any, request: Any) -> None:
                engine = self.crawler.engine

                async def route(route: Any) -> None:
                    if route.request.is_navigation_request():
                        await route.fallback()
                        return
                    started = time.monotonic()
                    try:
                        response = await asyncio.wait_for(engine.download_async(
                            scrapy.Request(route.request.url, dont_filter=True)), 20)
                        await route.fulfill(status=response.status, body=response.body)
                        outcome.setdefault("subrequests", []).append(
                            [route.request.url, round(time.monotonic() - started, 2)])
                    except Exception as exc:
                        outcome.setdefault("subrequest_failures", []).append(
                            [route.request.url, type(exc).__name__,
                             round(time.monotonic() - started, 2)])
                        await route.abort()

                await page.route("**/*", route)

            def parsed(self, response: Any) -> None:
                outcome["rendered"] = b"<article" in response.body

            async def failed(self, failure: Any) -> None:
                page = failure.request.meta.get("playwright_page")
                outcome["failure"] = type(failure.value).__name__
                outcome["page_in_errback"] = page is not None and not page.is_closed()

        started = time.monotonic()
        custom: dict[str, Any] = {
            "DOWNLOADER_MIDDLEWARES": {f"{__name__}.Recorder": 950}}
        if part == 2:
            custom["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] = 4000
        if part == 3:
            custom["CONCURRENT_REQUESTS_PER_DOMAIN"] = 1
            custom["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] = 30000
        crawl(Check, custom)
        outcome["seconds"] = round(time.monotonic() - started, 1)
        outcome["middleware_saw"] = SEEN.get("bodies", [])
        outcome["page_requests_at_site"] = sum(1 for path, _ in site.requests
                                               if path.startswith("/news/"))
    return outcome


if __name__ == "__main__":
    raise SystemExit(main())
