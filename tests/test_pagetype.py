"""Telling articles from listings."""

import pytest
from parsel import Selector

from crawler.pages.pagetype import is_article_page, looks_like_article_url
from crawler.pages.profiles import GENERIC, VSEDELO


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/news/politics/123456-ssha-ta-bilorus.html", True),
        ("https://e.com/2025/03/23/us-belarus-deal-talks/", True),
        ("https://e.com/world/some-long-article-slug-here", True),
        ("https://e.com/news/politics/", False),
        ("https://e.com/news/politics/page/2/", False),
        ("https://e.com/tag/belarus/", False),
        ("https://e.com/", False),
    ],
)
def test_generic_url_guess(url, expected):
    assert looks_like_article_url(url, GENERIC) is expected


def test_profile_pattern_decides():
    assert looks_like_article_url("http://h/ru/news/world/100001-abc.html", VSEDELO)
    assert not looks_like_article_url("http://h/archive/2025/03/01/", VSEDELO)
    assert not looks_like_article_url("http://h/some-long-slug-with-many-words", VSEDELO)


def test_markup_decides_without_profile():
    article = Selector(text='<html><head><meta property="og:type" content="article"></head></html>')
    listing = Selector(text="<html><body><ul><li><a href='/a'>a</a></li></ul></body></html>")
    ld = Selector(text='<script type="application/ld+json">{"@type": "NewsArticle"}</script>')
    assert is_article_page("https://e.com/x", article, GENERIC)
    assert not is_article_page("https://e.com/x", listing, GENERIC)
    assert is_article_page("https://e.com/x", ld, GENERIC)


WIRE_BRIEF = "https://wire.example/world/inside-the-scramble-over-congestion-pricing-2025-06-15/"


def test_a_short_article_with_its_headline_and_date_is_an_article():
    """A wire brief of five short sentences with no og:type or JSON-LD: its <article> holds the
    headline and the article's <time>."""
    page = ("<html><body><header><a href='/'>Wire</a></header><main><article><header>"
            "<h1>Inside the scramble over congestion pricing</h1><time datetime="
            "'2025-06-15T09:31:00.000Z'>June 15, 2025</time></header>"
            "<p>LONDON, June 15 - Behind closed doors in Philadelphia, officials have been "
            "scrambling for weeks to settle congestion pricing.</p><p>The measure passed by a "
            "vote of 32 to 19.</p><p>The debate over congestion pricing has divided lawmakers "
            "from both parties.</p></article></main></body></html>")
    assert is_article_page(WIRE_BRIEF, Selector(text=page), GENERIC)


def test_dated_teasers_under_a_page_heading_are_not_an_article():
    teasers = "".join(
        f"<article><h2><a href='/world/story-number-{i}-about-the-city/'>Story {i}</a></h2>"
        f"<time datetime='2025-06-1{i}'>June 1{i}</time><p>A short summary of the story number "
        f"{i}, with the first lines of its text.</p></article>" for i in range(6))
    page = f"<html><body><h1>Latest news from the world</h1>{teasers}</body></html>"
    assert not is_article_page(WIRE_BRIEF, Selector(text=page), GENERIC)


def test_article_published_time_given_as_a_name_counts():
    sel = Selector(text="<html><head><meta name='article:published_time' "
                        "content='2025-06-15T09:31:00Z'></head></html>")
    assert is_article_page("https://e.com/x", sel, GENERIC)


@pytest.mark.parametrize("types", ['"ReportageNewsArticle"', '"LiveBlogPosting"',
                                   '["WebPage", "AnalysisNewsArticle"]', '"BlogPosting"'])
def test_every_article_type_of_schema_org_is_an_article(types):
    ld = Selector(text=f'<script type="application/ld+json">{{"@type": {types}}}</script>')
    assert is_article_page("https://e.com/x", ld, GENERIC)


@pytest.mark.parametrize("url", ["https://e.com/de/ukrainische-offensive-ziele-chancen/a-65464327",
                                 "https://e.com/n1/2024/0424/c1001-40223222.html"])
def test_ids_with_a_letter_prefix_end_article_urls(url):
    assert looks_like_article_url(url, GENERIC)


def test_paragraphs_outside_any_article_element_count_on_an_article_url():
    text = "<p>" + "Ein Satz des Artikels, der länger wird. " * 20 + "</p>"
    page = Selector(text=f"<html><body><div class='main'><h1>Titel</h1>{text}</div>"
                         "<footer><p>Impressum</p></footer></body></html>")
    url = "https://e.com/de/ukrainische-offensive-ziele-chancen/a-65464327"
    assert is_article_page(url, page, GENERIC)
    assert not is_article_page("https://e.com/news/", page, GENERIC)
