"""Parsing robots.txt, sitemaps and feeds."""

import datetime as dt
import gzip
import logging

import pytest

from crawler.pages import discovery_docs as discovery
from crawler.pages.discovery_docs import iter_sitemap, parse_feed, parse_robots, parse_sitemap

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://h/sitemaps/a-1.xml</loc><lastmod>2025-03-23T14:05:00+02:00</lastmod></sitemap>
  <sitemap><loc> http://h/sitemaps/a-2.xml </loc></sitemap>
</sitemapindex>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://h/news/politics/1-a.html</loc>
    <news:news><news:publication><news:name>Все Дело</news:name>
      <news:language>uk</news:language></news:publication>
      <news:publication_date>2025-03-23T14:05:00+02:00</news:publication_date>
      <news:title>Заголовок новини</news:title></news:news></url>
  <url><loc>http://h/news/politics/2-b.html</loc><lastmod>2025-03-22</lastmod></url>
</urlset>""".encode()


def test_sitemap_index():
    kind, entries = parse_sitemap(INDEX)
    assert kind == "index"
    assert [e.url for e in entries] == ["http://h/sitemaps/a-1.xml", "http://h/sitemaps/a-2.xml"]
    assert entries[0].lastmod == dt.datetime(2025, 3, 23, 12, 5, tzinfo=dt.UTC)


def test_news_sitemap_dates_title_language_and_gzip():
    kind, entries = parse_sitemap(gzip.compress(NEWS))
    assert kind == "urlset"
    first, second = entries
    assert first.published.isoformat() == "2025-03-23T14:05:00+02:00"
    assert first.title == "Заголовок новини" and first.language == "uk"
    assert second.published is None
    assert second.best_date == dt.datetime(2025, 3, 22, tzinfo=dt.UTC)


def test_garbage_and_entities_are_harmless():
    assert parse_sitemap(b"<html><body>not a sitemap</body></html>") == ("unknown", [])
    assert parse_sitemap(b"\x00\x01binary") == ("unknown", [])
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<urlset><url><loc>http://h/&e;</loc></url></urlset>')
    kind, entries = parse_sitemap(xxe)
    assert all("root:" not in e.url for e in entries)


def _urlset(n: int) -> bytes:
    rows = "".join(f"<url><loc>http://h/news/a/{i}-x.html</loc></url>" for i in range(n))
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'.encode()


def test_sitemap_streams_and_drops_what_it_read():
    kind, entries = iter_sitemap(gzip.compress(_urlset(3000)))
    assert kind == "urlset"
    read = [next(entries) for _ in range(2000)]
    root = entries.gi_frame.f_locals["root"]
    assert len(root) < 1000  # what was read is gone; only the parser's read-ahead is there
    rest = list(entries)
    assert read[0].url == "http://h/news/a/0-x.html" and len(read) + len(rest) == 3000
    assert rest[-1].url == "http://h/news/a/2999-x.html"


def test_sitemap_cut_short_keeps_the_entries_before_the_break(caplog, monkeypatch):
    body = gzip.compress(_urlset(20000))
    with caplog.at_level(logging.WARNING, logger="crawler.pages.discovery_docs"):
        kind, entries = parse_sitemap(body[: len(body) // 2])  # a download that broke off
    assert kind == "urlset" and 0 < len(entries) < 20000
    assert "sitemap cut short" in caplog.text
    caplog.clear()
    monkeypatch.setattr(discovery, "MAX_DECOMPRESSED", 200_000)  # a decompression bomb
    with caplog.at_level(logging.WARNING, logger="crawler.pages.discovery_docs"):
        kind, entries = parse_sitemap(body)
    assert kind == "urlset" and len(entries) < 20000
    assert "larger than" in caplog.text


@pytest.mark.parametrize("body", [b"", b"<?xml version='1.0'?>", b"<rss><channel/></rss>"])
def test_sitemap_without_sitemap_root_is_unknown(body):
    assert parse_sitemap(body) == ("unknown", [])


def test_rss_and_atom():
    rss = """<rss version="2.0"><channel><item><title>Т</title>
      <link>http://h/news/a/1-x.html?utm_source=rss</link>
      <pubDate>Sun, 23 Mar 2025 14:05:00 +0200</pubDate></item>
      <item><guid>http://h/news/a/2-y.html</guid></item></channel></rss>""".encode()
    entries = parse_feed(rss)
    assert entries[0].url.startswith("http://h/news/a/1-x.html")
    assert entries[0].published.isoformat() == "2025-03-23T14:05:00+02:00"
    assert entries[1].url == "http://h/news/a/2-y.html"
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
      <link rel="alternate" href="http://h/a.html"/><link rel="edit" href="http://h/edit"/>
      <published>2025-03-23T14:05:00+02:00</published></entry></feed>"""
    (entry,) = parse_feed(atom)
    assert entry.url == "http://h/a.html"
    assert entry.published.utcoffset() == dt.timedelta(hours=2)


def test_robots_sitemaps_and_crawl_delay():
    text = ("User-agent: BadBot\nDisallow: /\n\nUser-agent: *\nDisallow: /search\n"
            "Crawl-delay: 1.5\nSitemap: http://h/sitemap.xml\nSitemap: http://h/news-sitemap.xml\n")
    info = parse_robots(text, "newscrawler/0.1")
    assert info.sitemaps == ("http://h/sitemap.xml", "http://h/news-sitemap.xml")
    assert info.crawl_delay == 1.5
    assert parse_robots("", "x").crawl_delay is None
