"""Bare fetchers for ``bench/floor.py``: the same URLs with as little work per response as each
stack allows, so the framework's own cost per response can be read off the process's CPU time.

    python bench/_bare_fetchers.py scrapy URLS_FILE CONCURRENCY
    python bench/_bare_fetchers.py aiohttp URLS_FILE CONCURRENCY [WARC_FOLDER]

``scrapy``: a stock Scrapy spider (its default settings and middlewares, the asyncio reactor
like our crawl; no robots.txt, no redirects followed, no retries, no cookies, no duplicate
filter) whose callback does nothing. ``aiohttp``: an asyncio client with ``CONCURRENCY``
connections that reads each body and drops it; with ``WARC_FOLDER`` each exchange goes through
the crawl's own :class:`crawler.warc.archive.WarcArchive` (raw headers, the body as sent).
Prints one JSON line: responses, bytes, seconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_scrapy(urls: list[str], concurrency: int) -> dict[str, int]:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    seen = {"responses": 0, "bytes": 0}

    class BareSpider(scrapy.Spider):
        name = "bare"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):
            seen["responses"] += 1
            seen["bytes"] += len(response.body)

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "REDIRECT_ENABLED": False,
        "RETRY_ENABLED": False, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True, "LOG_LEVEL": "WARNING", "LOGSTATS_INTERVAL": 0,
        # Scrapy starts CONCURRENT_ITEMS asyncio tasks per response (100 by default); the
        # crawl runs with 8, and this callback yields nothing
        "CONCURRENT_ITEMS": 1,
    })
    process.crawl(BareSpider)
    process.start()
    return seen


async def _aiohttp(urls: list[str], concurrency: int, warc: Path | None) -> dict[str, int]:
    import aiohttp

    archive = None
    if warc is not None:
        from crawler.warc.archive import WarcArchive
        from crawler.warc.dedup import DigestIndex
        from crawler.warc.records import Capture
        from crawler.warc.writer import RotatingWarcWriter

        warc.mkdir(parents=True, exist_ok=True)
        archive = WarcArchive(RotatingWarcWriter(warc / "warc", "bare"),
                              warc / "indexes" / "bare.cdxj", "bare",
                              dedup=DigestIndex(folder=warc))
    seen = {"responses": 0, "bytes": 0}
    queue = iter(urls)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:

        async def worker() -> None:
            for url in queue:
                async with session.get(url, allow_redirects=False) as resp:
                    body = await resp.read()
                    seen["responses"] += 1
                    seen["bytes"] += len(body)
                    if archive is not None:
                        archive.archive(Capture(
                            url=url, method="GET",
                            request_headers=[(k.encode(), v.encode())
                                             for k, v in resp.request_info.headers.items()],
                            status=resp.status, response_headers=list(resp.raw_headers),
                            body=body, date=dt.datetime.now(dt.UTC)))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    if archive is not None:
        archive.close()
    return seen


def main(argv: list[str]) -> int:
    mode, urls_file, concurrency = argv[0], Path(argv[1]), int(argv[2])
    urls = urls_file.read_text().split()
    started = time.monotonic()
    if mode == "scrapy":
        seen = run_scrapy(urls, concurrency)
    elif mode == "aiohttp":
        warc = Path(argv[3]) if len(argv) > 3 else None
        seen = asyncio.run(_aiohttp(urls, concurrency, warc))
    else:
        raise SystemExit(f"unknown fetcher {mode!r}: scrapy or aiohttp")
    print(json.dumps({**seen, "seconds": round(time.monotonic() - started, 2)}))
    return 0 if seen["responses"] == len(urls) else 1


if __name__ == "__main__":
    # bench/ must not be on the path: its incremental.py would hide Twisted's dependency
    sys.path[:] = [str(ROOT), *(p for p in sys.path if p and Path(p).resolve() != ROOT / "bench")]
    raise SystemExit(main(sys.argv[1:]))
