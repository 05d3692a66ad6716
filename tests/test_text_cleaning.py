"""Cleaning and reshaping rules of the article-text extractor, on small HTML snippets.

Each test is a page shape seen on real sites (named in the docstring); the rule it checks is
in ``crawler/extract/clean.py`` or ``crawler/extract/structure.py``.
"""

from __future__ import annotations

from lxml import html

from crawler.extract.clean import clean_tree
from crawler.extract.structure import join_split_bodies, unwrap_embedded_posts
from crawler.extraction import extract_article
from crawler.profiles import GENERIC

FETCHED = "2025-06-01T00:00:00+00:00"
PROSE = ("The council met on Tuesday to discuss the new budget for the coming year, and "
         "members argued for hours about the cost of repairing the old bridge over the river. ")


def _page(body: str, body_class: str = "") -> str:
    return (f"<html><head><title>Budget vote</title></head><body class='{body_class}'>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{body}"
            "<footer><p>Copyright Example News</p></footer></body></html>")


def _text(page: str) -> str:
    return extract_article(page.encode(), "https://news.example/2025/05/budget",
                           profile=GENERIC, fetched_at=FETCHED).text


def _para(label: str, n: int = 2) -> str:
    return f"<p>{label} {PROSE * n}</p>"


# --- split article bodies -----------------------------------------------------------------
def _split_body(between: str) -> str:
    return _page(
        "<article><h1>Budget vote</h1>"
        "<div class='grid'><div class='body article__body'>"
        f"{_para('First part.')}{_para('Second part.')}</div>"
        "<div class='aside'></div></div>"
        f"{between}"
        "<div class='grid'><div class='body article__body'>"
        f"{_para('Third part.')}{_para('Fourth part.')}</div></div></article>")


def test_split_body_is_read_whole():
    """wired.com: the body is cut in two ``article__body`` chunks around an ad slot."""
    text = _text(_split_body("<div class='full-bleed-ad'><span>Advertisement</span></div>"))
    assert "First part." in text and "Fourth part." in text
    assert "Advertisement" not in text


def test_split_body_pieces_are_joined_in_order():
    tree = html.fromstring(_split_body("<div><span>Advertisement</span></div>"))
    assert join_split_bodies(tree.find("body")) == 1
    bodies = tree.find_class("article__body")
    assert len(bodies) == 1
    paras = [p.text_content().split()[:2] for p in bodies[0].iter("p")]
    assert [p[0] for p in paras] == ["First", "Second", "Third", "Fourth"]


def test_another_article_after_the_body_is_not_joined():
    """An appended next story has its own headline between the two bodies."""
    tree = html.fromstring(_split_body("<h2><a href='/next'>Next story: a bridge falls</a></h2>"))
    assert join_split_bodies(tree.find("body")) == 0
    long_teaser = "<div class='teaser'>" + "Much text between the two. " * 10 + "</div>"
    tree = html.fromstring(_split_body(long_teaser))
    assert join_split_bodies(tree.find("body")) == 0


# --- embedded social posts ------------------------------------------------------------------
TWEET = ("<blockquote class='twitter-tweet'><p lang='en'>Yes this is real and yes the state "
         "spent half a million dollars on it</p>&mdash; Dianna (@dianna) "
         "<a href='https://twitter.com/dianna/status/1'>November 18, 2019</a></blockquote>"
         "<script async src='https://platform.twitter.com/widgets.js'></script>")


def test_embedded_tweet_in_a_widget_wrapper_is_kept():
    """nj.com (``social-media-embed``) and news.sky.com (``sdc-article-widget``) wrap the
    tweets they quote in containers named like share and widget boxes."""
    for wrapper in ("<div class='social-media-embed'>{}</div>",
                    "<div class='sdc-article-widget sdc-article-tweet'><div class='inner'>"
                    "<div class='sdc-article-tweet__content'>{}</div></div></div>"):
        page = _page("<article><h1>Budget vote</h1><div class='entry-content'>"
                     f"{_para('Before.')}{wrapper.format(TWEET)}{_para('After.')}"
                     "</div></article>")
        text = _text(page)
        assert "spent half a million dollars" in text, wrapper
        assert "After." in text


def test_share_box_with_a_tweet_link_is_still_dropped():
    """Only the quoted post moves out: a wrapper holding more than the post stays a widget."""
    tree = html.fromstring(_page(
        "<div class='entry-content'><p>Text.</p><div class='social-share'>"
        "<a href='https://twitter.com/share'>Tweet this story to all your followers</a> "
        f"<a href='https://facebook.com/share'>Share on Facebook with your friends</a>{TWEET}"
        "</div></div>"))
    assert unwrap_embedded_posts(tree.find("body")) == 0
    clean_tree(tree)
    assert "half a million" not in tree.text_content()


# --- labelled blocks --------------------------------------------------------------------------
def test_tag_list_after_the_text_goes_even_when_not_first_in_its_block():
    """autoracing.com.br: ``<strong>Tags<br><a>..</a>, <a>..</a></strong>`` closes the
    article's own body div, after its paragraphs."""
    page = _page("<article><h1>Budget vote</h1><div class='articleBody' itemprop='articleBody'>"
                 f"{_para('One.')}{_para('Two.')}<p style='border-top:1px'></p>"
                 "<strong>Tags<br><a href='/tag/budget' rel='tag'>budget vote 2025</a>, "
                 "<a href='/tag/bridge' rel='tag'>old bridge repairs</a></strong>"
                 "</div></article>")
    text = _text(page)
    assert "Two." in text
    assert "old bridge repairs" not in text and "Tags" not in text


# --- WordPress: other posts -----------------------------------------------------------------
def _wordpress(post_id: int, teaser_id: int, step: int = 1) -> str:
    teasers = "".join(
        f"<article class='fundo postbox post-{teaser_id + step * i} post type-post'>"
        f"<h3><a href='/other-{i}'>Another message {i}</a></h3>"
        f"<p>Other post {i}. {PROSE * 3}…</p></article>" for i in range(3))
    return _page(
        f"<article class='fundo articlebox post-{post_id} post type-post'><h1>Budget vote</h1>"
        f"{_para('Own post.')}</article>"
        f"<article class='fundo postbox post-{post_id} post'><h3>You may like...</h3>"
        f"{teasers}</article>", body_class=f"single single-post postid-{post_id}")


def test_other_wordpress_posts_are_not_the_article():
    """mensagensreflexao.com.br: under "Você pode gostar..." the excerpts of other posts
    (``<article class="post-7816">`` on the page of post 1806) outweigh the post itself."""
    text = _text(_wordpress(1806, 7816))
    assert "Own post." in text
    assert "Other post" not in text


def test_own_wordpress_post_and_non_wordpress_pages_are_untouched():
    tree = html.fromstring(_wordpress(1806, 1806, step=0))  # all of them the page's own post
    clean_tree(tree)
    assert "Other post 1" in tree.text_content()
    tree = html.fromstring(_wordpress(1806, 7816).replace("postid-1806", "home"))
    clean_tree(tree)
    assert "Other post 1" in tree.text_content()
