"""Article text on real page shapes (issue 30): a body whose pieces surround an embedded post,
precision mode keeping a fraction of the page's paragraphs, the printed headline kept out of
the text when the title is another form of it (synthetic pages)."""

from __future__ import annotations

import datetime as dt
import json

from lxml import html

from crawler.extract.article import extract_article
from crawler.extract.clean import clean_tree
from crawler.pages.profiles import GENERIC

FETCHED = dt.datetime(2025, 4, 16, 12, tzinfo=dt.UTC)
URL = "https://www.example.com/news/a-long-article-about-the-weather/"


def para(i: int) -> str:
    return (f"<p>Paragraph {i}: the storms moved east during the night, and forecasters warned "
            "of hail, strong winds and flooding across the plains. " * 2 + "</p>")


def extract(body: str, head: str = ""):
    page = (f'<html lang="en"><head><title>Storms</title>{head}</head><body><main><article>'
            f"<h1>Storms move east across the plains</h1>{body}</article></main></body></html>")
    return extract_article(page.encode(), URL, profile=GENERIC, fetched_at=FETCHED)


def test_a_body_piece_holding_only_an_embedded_post_stays_a_piece():
    tweet = ('<div class="story-body"><div class="embed-wrapper"><blockquote class="twitter-tweet">'
             "<p>Landspout tornado! Northeast of the city, moving slowly across the fields "
            "south of the highway; stay inside and keep away from windows, the weather "
            "service says. #wx @NWS @StormChasers</p>&mdash; A Reporter (@reporter) "
             '<a href="https://twitter.com/x/status/1">April 25, 2024</a></blockquote></div></div>')
    body = (f'<div class="story-body">{para(1)}{para(2)}</div>{tweet}'
            f'<div class="story-body">{para(3)}{para(4)}</div>')
    text = extract(body).text
    assert "Paragraph 1" in text and "Paragraph 4" in text and "Landspout" in text
    tree = html.document_fromstring(f"<html><body><article>{body}</article></body></html>")
    clean_tree(tree)
    [joined] = tree.xpath("//div[@class='story-body']")  # one body, the post inside it
    assert joined.xpath(".//blockquote") and "Paragraph 4" in joined.text_content()


def test_a_fraction_of_the_page_s_paragraphs_is_not_the_article():
    """Precision mode drops a box it takes for hidden (a registration wall's); the page's
    paragraphs say there is more, and the balanced mode finds it."""
    def absatz(i: int) -> str:
        return (f"<p>Absatz {i}: " + "Der Schriftsteller hat viele Romane geschrieben und wurde "
                "oft ausgezeichnet. " * 3 + "</p>")
    body = ("<div class='post-text'>" + "".join(absatz(i) for i in range(3))
            + "<div id='text-hidden'>" + "".join(absatz(i) for i in range(3, 11)) + "</div></div>")
    page = ('<html lang="de"><head><title>Titel</title></head><body><main><article>'
            f"<h1>Ein Titel über etwas</h1>{body}</article></main></body></html>")
    text = extract_article(page.encode(), URL, profile=GENERIC, fetched_at=FETCHED).text
    assert "Absatz 0" in text and "Absatz 10" in text


def test_the_printed_headline_stays_out_of_the_text_when_the_title_is_the_metadata_s():
    seo = "Severe weather: tornadoes possible from Nebraska to Texas"
    head = "".join(f'<meta property="{name}" content="{seo}">' for name in ("og:title",)) + \
        f'<meta name="twitter:title" content="{seo}">' + \
        '<script type="application/ld+json">' + json.dumps(
            {"@type": "NewsArticle", "headline": seo}) + "</script>"
    result = extract("<div class='story-body'>" + "".join(para(i) for i in range(4)) + "</div>",
                     head)
    assert result.title == seo
    assert "Storms move east across the plains" not in result.text
