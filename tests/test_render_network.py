"""What the browser is given and what Scrapy sends for it (``crawler.render.network``), and the
DOM's conversion record (``crawler.render.conversion``) as warcio and the crawl's index see it."""

from __future__ import annotations

import datetime as dt
import io

from scrapy.http import Headers
from warcio.archiveiterator import ArchiveIterator

from crawler.render.conversion import conversion_record
from crawler.render.network import Answer, ResourceCache, _forwarded, browser_headers
from crawler.warc.archive import WarcArchive
from crawler.warc.cdxj import index_warcs, read_cdxj
from crawler.warc.records import Capture
from crawler.warc.writer import RotatingWarcWriter


def test_the_browser_gets_a_decoded_body_of_known_length() -> None:
    headers = Headers({"Content-Type": "application/json", "Content-Encoding": "gzip",
                       "Content-Length": "120", "Set-Cookie": ["a=1", "b=2"],
                       "Cache-Control": "max-age=60"})
    given = browser_headers(headers)
    assert given == {"Content-Type": "application/json", "Set-Cookie": "a=1\nb=2",
                     "Cache-Control": "max-age=60"}


def test_scrapy_sends_the_applications_headers_not_the_browsers_identity() -> None:
    sent = _forwarded({"accept": "application/json", "x-api-key": "k", "user-agent": "Headless",
                       "cookie": "s=1", "sec-fetch-mode": "cors", "content-type": "text/plain"},
                      "http://site/news/1")
    assert sent == {"accept": "application/json", "x-api-key": "k",
                    "content-type": "text/plain", "referer": "http://site/news/1"}


def test_the_cache_keeps_the_newest_within_its_bytes() -> None:
    cache = ResourceCache(max_bytes=1000)
    for i in range(11):
        cache.put(f"u{i}", Answer(200, {}, b"x" * 100))
        if i == 1:
            cache.get("u0")  # used again: u1 is now the least recently used
    assert cache.bytes == 1000 and cache.get("u1") is None
    assert cache.get("u0") is not None and cache.get("u10") is not None
    cache.put("big", Answer(200, {}, b"x" * 200))  # over an eighth of the cache: not kept
    assert cache.get("big") is None


def test_the_dom_record_is_written_beside_the_exchange_and_left_out_of_the_index(tmp_path):
    writer = RotatingWarcWriter(tmp_path / "warc", "t", info={"software": "test"})
    archive = WarcArchive(writer, tmp_path / "index.cdxj", "crawl-1")
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    page = archive.archive(Capture("http://site/news/1", "GET", [], 200,
                                   [(b"Content-Type", b"text/html")], b"<div id=root></div>",
                                   now))
    dom = "<html><body><div id=root><h1>Сьогодні</h1></div></body></html>".encode()
    pointer = archive.add_record(conversion_record(
        dom, target_uri="http://site/news/1", refers_to=page["record_id"], date=now,
        info={"Reason": "app_shell"}))
    archive.close()
    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    with open(path, "rb") as fh:
        fh.seek(pointer["offset"])
        raw = fh.read(pointer["length"])
    record = next(iter(ArchiveIterator(io.BytesIO(raw), check_digests=True)))
    assert record.rec_type == "conversion"
    assert record.rec_headers.get_header("WARC-Refers-To") == page["record_id"]
    assert record.rec_headers.get_header("WARC-Render-Reason") == "app_shell"
    assert record.rec_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    assert record.content_stream().read() == dom
    assert pointer["record_id"] == record.rec_headers.get_header("WARC-Record-ID")
    ours = list(read_cdxj(tmp_path / "index.cdxj"))
    assert len(ours) == 1 and '"mime": "text/html"' in ours[0].line
    again = list(read_cdxj(index_warcs([path], tmp_path / "again.cdxj")))
    assert [e.line for e in again] == [e.line for e in ours]
