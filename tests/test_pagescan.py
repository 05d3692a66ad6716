"""The page scan (links, canonical, kind, feeds, requisites) and the worker that scans and
extracts from one parse; the stock middlewares and stats collector that trim the main process."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import os
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

import crawler.extract.worker as worker
import crawler.pageworkers.page_workers as pw
from crawler.engine.stats import CrawlStatsCollector
from crawler.engine.stock_middlewares import DecompressionMiddleware, QuickMetaRefreshMiddleware
from crawler.pages.pagescan import PageScan, ScanScope, scan_html
from crawler.pages.profiles import GENERIC, VSEDELO
from crawler.pages.requisites import RequisitePolicy
from crawler.sitefacts.boilerplate import paragraph_keys
from fixture_site import FixtureSite
from spiders.vsedelo import VsedeloSpider
from tests.helpers.context import context_crawler

BASE = "http://127.0.0.1:8000"
SCOPE = ScanScope(VSEDELO.with_start_url(BASE + "/"), ("127.0.0.1",),
                  RequisitePolicy(site_hosts=("127.0.0.1",), extra_hosts=("cdn.example",)))

PAGE = b"""<html><head><base href="http://e.com/sec/"><meta property="og:type" content="article">
<link rel="canonical" href="/news/123456-a-long-article-slug.html?utm_source=x">
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
<link rel="alternate" type="application/rss+xml" href="http://other.org/rss.xml">
<link rel="stylesheet" href="/s.css"><link rel="icon" href="http://cdn.example/i.ico">
<link rel="alternate" hreflang="ru" href="/ru/news/123456-ru-article-slug-here.html">
<style>body{background:url(bg.png)}</style></head><body>
<a href="page2">next</a> <a href="page2#x">again</a> <a href="http://E.com:80/sec/page2">same</a>
<a href="/news/999999-another-long-article-slug.html?utm_medium=y">story</a>
<a href="http://other.org/x">away</a> <a href="/file.zip">zip</a> <a href="/search/q">search</a>
<a href="javascript:void(0)">js</a> <a href="http://[::1">broken</a>
<img src="/logo.png" srcset="/a.png 1x, /b.png 2x"><img src="http://tracker.net/p.gif">
<script src="app.js"></script><p style="background:url('/p.jpg')">x</p>
</body></html>"""


def fixture_page(site: FixtureSite, url: str) -> bytes:
    """The body the fixture site serves for ``url`` (on BASE)."""
    return site.render("GET", urlsplit(url).path, {"Host": "127.0.0.1:8000"}).body


def generic_scope() -> ScanScope:
    """The generic profile on e.com, denying /search/ like the vsedelo profile."""
    profile = replace(GENERIC, deny_path=VSEDELO.deny_path)
    return ScanScope(profile, ("e.com",), RequisitePolicy(site_hosts=("e.com",),
                                                          extra_hosts=("cdn.example",)))


def test_scan_reads_a_page_as_the_crawl_needs_it() -> None:
    scan = scan_html(PAGE, "http://e.com/sec/this", generic_scope(), "utf-8")
    # rel=canonical resolved against <base>, tracking parameter dropped
    assert scan.canonical == "http://e.com/news/123456-a-long-article-slug.html"
    assert scan.is_article  # generic profile: the page's markup (og:type) says so
    assert scan.links == [  # document order: the <link hreflang> in <head> first
        ("http://e.com/ru/news/123456-ru-article-slug-here.html", True),
        ("http://e.com/sec/page2", False),  # three spellings, one link
        ("http://e.com/news/999999-another-long-article-slug.html", True),
    ]  # off-site, .zip, denied /search/, javascript: and broken links are gone
    assert scan.feeds == ["http://e.com/rss.xml"]  # the off-site feed is not followed
    assert set(scan.requisites) == {
        "http://e.com/s.css", "http://cdn.example/i.ico", "http://e.com/sec/bg.png",
        "http://e.com/logo.png", "http://e.com/a.png", "http://e.com/b.png",
        "http://e.com/sec/app.js", "http://e.com/p.jpg"}
    assert scan.scan_error is None


def test_listing_page_has_no_requisites_and_no_canonical() -> None:
    page = b"<html><body><a href='/news/123456-some-long-article-title.html'>a</a>" \
           b"<img src='/x.png'></body></html>"
    scan = scan_html(page, "http://e.com/category/", generic_scope(), None)
    assert scan.canonical is None and not scan.is_article
    assert scan.requisites == []
    assert scan.links == [("http://e.com/news/123456-some-long-article-title.html", True)]


def test_profile_decides_article_pages_by_url() -> None:
    site = FixtureSite(articles=3)
    url = site.article_urls(BASE)[0]
    body = fixture_page(site, url)
    scan = scan_html(body, url, SCOPE, "utf-8")
    assert scan.is_article and scan.canonical == url
    assert scan.requisites, "an article's images and stylesheets are requisites"
    assert all(urlsplit(u).hostname == "127.0.0.1" for u, _ in scan.links)
    home = fixture_page(site, BASE + "/")
    listing = scan_html(home, BASE + "/", SCOPE, "utf-8")
    assert not listing.is_article and listing.requisites == []
    assert sum(is_article for _, is_article in listing.links) >= 3


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02\x03" * 50, b"%PDF-1.4 binary"])
def test_nothing_to_scan_is_an_empty_scan(body: bytes) -> None:
    assert scan_html(body, "http://e.com/", generic_scope()) == PageScan()


def test_worker_extracts_from_the_tree_it_scanned() -> None:
    """One parse in the worker gives the same record as extraction on its own."""
    site = FixtureSite(articles=4)
    fetched = dt.datetime.now(dt.UTC).isoformat()
    worker.remember_scope("t", SCOPE)
    try:
        for url in site.article_urls(BASE)[:4]:
            body = fixture_page(site, url)
            scan, extracted = worker.scan_in_worker("t", body, url, url, fetched, "utf-8", True)
            alone = worker.extract_in_worker(body, url, SCOPE.profile, fetched, "utf-8")
            assert scan.is_article and extracted is not None
            for result in (extracted, alone):
                result["extraction"].pop("ms")
            # with the keys of its paragraphs, which the crawl's site facts count and strip
            assert extracted.pop("paragraph_keys") == paragraph_keys(alone["text"])
            assert extracted == alone
            # the date as the page states it; the crawl puts it in the site's zone
            assert extracted["text"] and extracted["dates"]["published"]["value"]
            assert extracted["published"] is None
            # not asked to extract (written already): scan only
            again, none = worker.scan_in_worker("t", body, url, url, fetched, "utf-8", False)
            assert none is None and again.links == scan.links
    finally:
        worker.forget_scope("t")


def test_worker_turns_a_failing_scan_into_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(worker, "scan_tree", boom)
    worker.remember_scope("t", SCOPE)
    try:
        scan, extracted = worker.scan_in_worker("t", b"<html><body><p>x</p></body></html>",
                                                BASE + "/", BASE + "/",
                                                "2025-03-23T10:00:00+00:00", None, True)
    finally:
        worker.forget_scope("t")
    assert extracted is None and scan.links == []
    assert scan.scan_error == "RecursionError: maximum recursion depth exceeded"


def test_links_elsewhere_are_dropped_before_canonicalising(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """Share buttons, ads and other sites' links never reach the (costly) canonical form;
    every spelling of the site's own hosts that canonicalises into scope still counts."""
    import crawler.pages.pagescan as ps

    seen: list[str] = []
    real = ps.canonical_url
    monkeypatch.setattr(ps, "canonical_url", lambda url: seen.append(url) or real(url))
    own = ["http://E.COM/a1", "http://e.com./a2", "http://www.e.com:80/a3", "http://x@e.com/a4",
           "http://e.com\\@e.com/a5", "http://e.c%6Fm/a6", "http://e.com\t/a7", "/a8", "a9"]
    away = ["https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Fe.com%2Fa",
            "https://ads.example.net/click?b=1", "http://e.com.evil.org/b", "http://ee.com/c"]
    body = "".join(f'<a href="{h}">x</a>' for h in own + away).encode()
    scan = scan_html(b"<html><body>" + body + b"</body></html>", "http://e.com/sec/",
                     generic_scope())
    for href in away:
        assert href not in seen
    found = {url for url, _ in scan.links}
    assert {"http://e.com/a1", "http://e.com/a2", "http://www.e.com/a3", "http://e.com/a8",
            "http://e.com/sec/a9"} <= found
    assert not any("evil" in url or "ee.com" in url or "facebook" in url for url in found)


def test_decompression_decodes_without_guessing_from_compressed_bytes() -> None:
    crawler = get_crawler(settings_dict={})
    mw = DecompressionMiddleware.from_crawler(crawler)
    html = "<html><head><meta charset='windows-1251'></head><body>Привіт</body></html>"
    body = gzip.compress(html.encode("cp1251"))
    request = Request("http://e.com/a")
    # A text response whose Content-Type names no charset: Scrapy's own middleware would run
    # charset detection over the gzip bytes here.
    raw = HtmlResponse("http://e.com/a", body=body, request=request,
                       headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    out = mw.process_response(request, raw)
    assert isinstance(out, HtmlResponse)
    assert out.body == html.encode("cp1251")
    assert b"Content-Encoding" not in out.headers
    assert out.encoding == "cp1251" and "Привіт" in out.text
    assert crawler.stats.get_value("httpcompression/response_count") == 1
    binary = Response("http://e.com/b", body=b"plain", request=request)
    assert mw.process_response(request, binary) is binary  # nothing to decode


def test_gzip_decoded_as_scrapy_does_one_whole_member_without_gzipfile(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the body (one member, several, truncated, a bad checksum, over the size
    limit), the result is Scrapy's; only a whole valid member skips Scrapy's ``gunzip``."""
    import scrapy.downloadermiddlewares.httpcompression as hc
    from scrapy import Spider
    from scrapy.exceptions import IgnoreRequest

    data = os.urandom(3000) + b"<p>text</p>" * 500
    one = gzip.compress(data)
    bad_crc = bytearray(one)
    bad_crc[-8] ^= 1
    bodies = {"one": one, "two members": one + one, "truncated": one[:-20],
              "bad checksum": bytes(bad_crc), "padded": one + b"\0" * 8}
    calls: list[int] = []
    real = hc.gunzip
    monkeypatch.setattr(hc, "gunzip", lambda body, **kw: calls.append(1) or real(body, **kw))

    def decode(mw_class: type, body: bytes, max_size: int = 0) -> bytes | str:
        crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": max_size})
        mw = mw_class.from_crawler(crawler)
        mw.open_spider(Spider("s"))
        request = Request("http://e.com/a")
        response = Response("http://e.com/a", body=body, request=request,
                            headers={"Content-Encoding": "gzip"})
        try:
            return mw.process_response(request, response).body
        except (IgnoreRequest, OSError, EOFError) as exc:
            return type(exc).__name__

    for name, body in bodies.items():
        assert decode(DecompressionMiddleware, body) == decode(hc.HttpCompressionMiddleware,
                                                                body), name
    assert decode(DecompressionMiddleware, one, 1000) == "IgnoreRequest"
    calls.clear()
    assert decode(DecompressionMiddleware, one) == data and calls == []


def test_stats_collector_keeps_scrapy_behaviour() -> None:
    crawler = get_crawler(
        settings_dict={"STATS_CLASS": "crawler.engine.stats.CrawlStatsCollector"})
    stats = crawler.stats
    assert isinstance(stats, CrawlStatsCollector)
    stats.inc_value("a")
    stats.inc_value("a", 2)
    stats.max_value("m", 5)
    stats.max_value("m", 3)
    stats.set_value("s", "x", spider=SimpleNamespace())  # the old spider argument still works
    assert stats.get_stats() == {"a": 3, "m": 5, "s": "x"}


def _die(*args: object) -> None:
    os._exit(3)  # what a segfault in a C library looks like to the pool


def test_a_dead_worker_costs_its_pages_only(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    """A worker dying on a page: the pages it held get an empty scan, a new worker takes its
    place, and the next page is scanned and extracted."""
    crawler = context_crawler(tmp_path, VsedeloSpider, EXTRACTION_WORKERS=1)
    crawler.spider = VsedeloSpider.from_crawler(crawler, url=BASE + "/")
    workers = pw.PageWorkers.from_crawler(crawler)
    site = FixtureSite(articles=2)
    url = site.article_urls(BASE)[0]
    body = fixture_page(site, url)
    fetched = dt.datetime.now(dt.UTC).isoformat()

    async def scenario() -> tuple[tuple[PageScan, dict | None], ...]:
        workers.spider_opened(crawler.spider)
        with monkeypatch.context() as patch:
            patch.setattr(pw, "scan_in_worker", _die)
            dead = await asyncio.gather(*(workers.scan(body, url, url, fetched, "utf-8", True)
                                          for _ in range(3)))
        assert workers.pool is not None and workers.pool.replaced >= 1
        alive = await workers.scan(body, url, url, fetched, "utf-8", True)
        return (*dead, alive)

    try:
        *dead, (scan, extracted) = asyncio.run(scenario())
    finally:
        workers.spider_closed(crawler.spider)
    for page, record in dead:
        assert page.scan_error == "extraction worker died" and record is None
    assert crawler.stats.get_value("extraction/skipped/extraction_worker_died") == 3
    assert scan.is_article and extracted is not None and extracted["text"]


@pytest.mark.parametrize("body, redirected", [
    (b"<html><head><meta http-equiv='Refresh' content='0; url=/next'></head></html>", True),
    (b"<html><head><title>x</title></head><body>" + b"y" * 50_000 + b"</body></html>", False),
    ("<html><head><meta http-equiv='refresh' content='0;url=/next'></head></html>"
     .encode("utf-16"), True),  # no ASCII "refresh" in the bytes: Scrapy's check decides
    (b"<html><head><script>" + b"x" * 20_000 + b"</script>"
     b"<meta http-equiv='refresh' content='0;url=/next'></head></html>", False),  # past 4,096
])
def test_meta_refresh_followed_as_scrapy_does(body: bytes, redirected: bool) -> None:
    crawler = get_crawler(settings_dict={})
    mw = QuickMetaRefreshMiddleware.from_crawler(crawler)
    request = Request("http://e.com/a")
    response = HtmlResponse("http://e.com/a", body=body, request=request,
                            headers={"Content-Type": "text/html"})
    out = mw.process_response(request, response)
    if redirected:
        assert isinstance(out, Request) and out.url == "http://e.com/next"
    else:
        assert out is response
