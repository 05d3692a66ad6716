"""Is a page an article, a listing, or something else? The one classifier of the crawl.

Every decision goes the same way: a site profile's URL patterns first (``article_path``,
``listing_path``), then the page's article markup (:func:`article_markup`: ``og:type`` article,
an Article JSON-LD node, ``article:published_time``), then what else the caller knows. Two
callers know different things about the same page:

* the page scan (:func:`is_article_page`, ``crawler.pages.pagescan``) decides, before any
  extraction, whether a fetched page is an article to extract: its markup, else an article-shaped
  URL (:func:`looks_like_article_url`) with a substantial ``<article>``;
* extraction (:func:`classify`, ``crawler.extract.article``) records the page's type once its
  text is known: markup with text, else the amount of text against headline-like links.

A link is judged by its URL alone (:func:`looks_like_article_url`), to prioritise and count it.
Pure functions over URLs and lxml/parsel trees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.html.tree import text_of
from crawler.pages.profiles import SiteProfile

PageType = Literal["article", "listing", "other"]
MIN_ARTICLE_TEXT = 300  # characters of extracted text for a page with no article markup
LISTING_LINKS = 15  # headline-like links that make a text-poor page a listing
Signal = bool | str | None | Callable[[], bool | str | None]

# A slug of several words, or a numeric id of 4+ digits, ending the path:
# /news/123456-some-title.html
# or a letter-prefixed id of 5+ digits (/a-65464327, /c1001-40223222.html)
_ARTICLE_TAIL = re.compile(
    r"(?:/\d{4,}[-_][\w%-]{8,}|/[\w%]+(?:-[\w%]+){3,}|/\d{5,}|/[a-z]{1,5}\d{0,5}[-_]\d{5,})"
    r"(?:\.s?html?|\.php|/)?$", re.UNICODE
)
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?[\w%-]{8,}")
_LISTING_HINT = re.compile(r"/(?:page|tag|tags|category|categories|author|archive|search)(?:/|$)")
NON_PAGE_EXT = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|css|js|mjs|json|woff2?|ttf|otf|eot|"
    r"mp[34]|m4[av]|webm|ogg|wav|avi|mov|zip|gz|rar|7z|exe|dmg|apk)$",
    re.IGNORECASE,
)
LONG_TEXT, BRIEF_TEXT = 600, 200  # characters of <article> paragraphs
_HEADLINED = etree.XPath("//article[.//h1 and .//time[@datetime]]")
# Any schema.org article or posting type (NewsArticle, ReportageNewsArticle, BlogPosting,
# LiveBlogPosting...), alone or in a list of types.
_ARTICLE_LD = re.compile(r'"@type"\s*:\s*\[?\s*(?:"[^"]*"\s*,\s*)*"\w*(?:Article|Posting)"')
# Paragraphs of the page when it has no <article>: outside the site's navigation and footer.
_PAGE_PARAGRAPHS = "//body//p[not(ancestor::nav or ancestor::footer or ancestor::aside)]//text()"


def looks_like_article_url(url: str, profile: SiteProfile) -> bool:
    """Guess from the URL alone whether it is an article (used to prioritise and count links)."""
    path = urlsplit(url).path
    decided = profile.is_article_path(path)
    if decided is not None:
        return decided
    if _LISTING_HINT.search(path):
        return False
    return bool(_ARTICLE_TAIL.search(path) or _DATED_PATH.search(path))


def article_markup(og_type: str | None, article_jsonld: Signal, published_time: Signal) -> bool:
    """The markup rule: ``og:type`` article, an Article JSON-LD node, or
    ``article:published_time``. The last two may be given as calls, made only when the ones
    before did not decide."""
    if (og_type or "").strip().lower() == "article":
        return True
    return any(bool(signal() if callable(signal) else signal)
               for signal in (article_jsonld, published_time))


def is_article_page(url: str, sel: Selector, profile: SiteProfile) -> bool:
    """The page scan's decision: the profile's URL pattern, else article markup, else an
    article-shaped URL holding a substantial ``<article>``."""
    decided = profile.is_article_path(urlsplit(url).path)
    if decided is not None:
        return decided
    if article_markup(
            sel.xpath("//meta[@property='og:type']/@content").get(),
            lambda: any(_ARTICLE_LD.search(s) for s in sel.xpath(
                "//script[@type='application/ld+json']/text()").getall()),
            lambda: bool(sel.xpath("//meta[@property='article:published_time' "
                                   "or @name='article:published_time']"))):
        return True
    if not looks_like_article_url(url, profile):
        return False
    # An <article> (else the page, when it has none) holding a substantial run of paragraphs,
    # on an article-shaped URL; a brief will do when its <article> holds the page's headline
    # and a dated <time> (teasers of a listing have their own headings under the page's).
    paragraphs = sel.xpath("//article//p//text()").getall() or (
        [] if sel.xpath("//article") else sel.xpath(_PAGE_PARAGRAPHS).getall())
    chars = sum(len(p) for p in paragraphs)
    return chars > LONG_TEXT or (chars > BRIEF_TEXT and bool(_HEADLINED(sel.root)))


def headline_links(tree: etree._Element) -> int:
    """Links whose text looks like a headline (four words or more)."""
    return sum(1 for a in tree.iter("a") if len(text_of(a).split()) >= 4)


def classify(url: str, tree: etree._Element, profile: SiteProfile, *, markup: bool,
             text_chars: int, paragraphs: int) -> PageType:
    """Extraction's page type; the profile's URL patterns decide when they can, ``markup`` is
    :func:`article_markup`'s answer."""
    path = urlsplit(url).path or "/"
    decided = profile.is_article_path(path)
    if decided is True:
        return "article"
    if decided is False:
        if profile.listing_path is not None and profile.listing_path.search(path):
            return "listing"
        return "article" if markup and text_chars >= MIN_ARTICLE_TEXT else "other"
    if markup and text_chars > 0:
        return "article"
    many_links = headline_links(tree) >= LISTING_LINKS
    if text_chars >= MIN_ARTICLE_TEXT and (paragraphs >= 2 or not many_links):
        return "article"
    return "listing" if many_links else "other"
