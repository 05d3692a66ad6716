"""Items in log lines are named by kind and URL, never printed with the HTML they carry."""

import logging

import scrapy
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import ArticlePage
from crawler.logs.logformat import ItemNamingLogFormatter, item_name

HTML = b"<html><body>" + b"<p>long article text</p>" * 2000 + b"</body></html>"


def _page() -> ArticlePage:
    return ArticlePage(url="http://127.0.0.1:8000/news/a/1-x.html?utm_source=x",
                       canonical_url="http://127.0.0.1:8000/news/a/1-x.html", site="vsedelo",
                       body=HTML, status=200, content_type="text/html", http_charset="utf-8",
                       fetched_at="2026-11-26T10:00:00+00:00")


def _formatter_and_spider():
    crawler = get_crawler(scrapy.Spider, {"LOG_FORMATTER": ItemNamingLogFormatter})
    spider = crawler._create_spider("logformat")
    return ItemNamingLogFormatter.from_crawler(crawler), spider


def test_item_name_prefers_the_canonical_url():
    assert item_name(_page()) == "<ArticlePage http://127.0.0.1:8000/news/a/1-x.html>"
    assert item_name({"url": "http://e.com/a"}) == "<dict http://e.com/a>"
    assert item_name({"title": "no url"}) == "<dict>"
    assert item_name(object()) == "<object>"


def test_dropped_scraped_and_error_lines_keep_level_and_message_but_not_the_html():
    formatter, spider = _formatter_and_spider()
    page = _page()
    results = [
        formatter.dropped(page, DropItem("already written for this crawl: x"), None, spider),
        formatter.dropped(page, DropItem("text unchanged: x", "DEBUG"), None, spider),
        formatter.scraped(page, None, spider),
        formatter.item_error(page, ValueError("bad"), None, spider),
    ]
    assert [r["level"] for r in results] == [logging.WARNING, logging.DEBUG, logging.DEBUG,
                                             logging.ERROR]
    for result in results:
        line = result["msg"] % result["args"]
        assert "<ArticlePage http://127.0.0.1:8000/news/a/1-x.html>" in line
        assert "long article text" not in line and len(line) < 300
    assert (results[0]["msg"] % results[0]["args"]).startswith(
        "Dropped: already written for this crawl: x")
