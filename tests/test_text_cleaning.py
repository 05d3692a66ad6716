"""Cleaning and reshaping rules of the article-text extractor, on small HTML snippets.

Each test is a page shape seen on real sites (named in the docstring); the rule it checks is
in ``crawler/extract/clean.py`` or ``crawler/extract/structure.py``.
"""

from __future__ import annotations

from lxml import html

from crawler.extract.article import extract_article
from crawler.extract.clean import clean_tree
from crawler.extract.structure import join_split_bodies, unwrap_embedded_posts
from crawler.pages.profiles import GENERIC

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


# --- loose leading text ---------------------------------------------------------------------
def test_leading_text_of_a_container_with_blocks_is_a_paragraph():
    """macrumors.com: the first paragraph is the body div's own text, closed by ``<br><br>``,
    before an image and a ``<center>`` caption; the later paragraphs follow line breaks. The
    page has paragraphs elsewhere (a sidebar), so trafilatura reads ``<p>``s, not divs."""
    first = ("Following the new laptop, the company plans to release a smaller model with the "
             "same keyboard in the first half of next year, according to industry sources cited "
             "by <em><a href='https://digitimes.example/'>a Taiwanese paper</a></em>. A preview "
             "of the report was shared with paying subscribers.")
    page = _page(
        "<div id='content'><div class='article'><h1>Budget vote</h1>"
        f"<div class='content'>{first}<br> <br><img src='/k.jpg'><center><em>The keyboard</em>"
        f"</center> <br>{PROSE}<br> <br>{PROSE.replace('council', 'mayor')}</div></div></div>"
        f"<div id='right'><div class='guide'><p>{PROSE.replace('council', 'club')}</p>"
        f"<p>{PROSE.replace('council', 'board')}</p></div></div>")
    text = _text(page)
    assert "Following the new laptop" in text and "paying subscribers" in text
    assert "The mayor met" in text


def test_short_leading_label_and_text_only_containers_are_left_alone():
    tree = html.fromstring(_page("<div class='box'>News and press releases<br><br>"
                                 "<div><p>One.</p></div></div>"))
    clean_tree(tree)
    assert tree.find(".//div[@class='box']").text == "News and press releases"
    tree = html.fromstring(_page(f"<div class='box'>{PROSE}<br>{PROSE}<br><br></div>"))
    clean_tree(tree)
    assert tree.find(".//div[@class='box']").text == PROSE


# --- related links by label and by name -------------------------------------------------------
def test_dont_miss_and_see_more_link_lists_are_dropped():
    """express.co.uk: "DON'T MISS" over a paragraph of headline links, "SEE MORE: <a>"."""
    page = _page(
        "<article><h1>Budget vote</h1><div class='text-description'>"
        f"{_para('One.')}<p></p><p><strong>DON'T MISS</strong></p>"
        "<p><a href='/news/1'>China furious at Macron for protest jibe</a> [<strong>INSIGHT]"
        "<br></strong><a href='/news/2'>NBA make final decision on game amid turmoil</a></p>"
        f"{_para('Two.')}<p><strong>SEE MORE</strong>: <a href='/news/3'>800 students under "
        f"siege in university</a></p>{_para('Three.')}</div></article>")
    text = _text(page)
    assert "Three." in text
    assert "Macron" not in text and "siege" not in text and "DON'T MISS" not in text


def test_read_more_box_inside_the_text_is_dropped():
    """rt.com: ``<a class="read-more-big">`` boxes ("Also on rt.com" + headline) in the text."""
    page = _page(
        "<article><h1>Budget vote</h1><div class='article__text text'>"
        f"{_para('One.')}<a class='read-more-big' href='/news/1'><span class='read-more-big__"
        "container'><span>Also on example.com</span><span>Journalists threatened with arrests "
        f"as the country purges its opposition</span></span></a>{_para('Two.')}</div></article>")
    text = _text(page)
    assert "Two." in text
    assert "Journalists threatened" not in text
