"""Is a parsed page an article, a listing, or something else? Markup and URL signals only."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.meta import MetaTags
from crawler.html.tree import text_of
from crawler.pages.profiles import SiteProfile

PageType = Literal["article", "listing", "other"]
MIN_ARTICLE_TEXT = 300  # characters of extracted text for a page with no article markup
LISTING_LINKS = 15  # headline-like links that make a text-poor page a listing


def article_markup(meta: MetaTags, has_article_jsonld: bool) -> bool:
    """og:type=article, an Article JSON-LD node, or article:published_time."""
    og_type = (meta.first("og:type") or "").strip().lower()
    return og_type == "article" or has_article_jsonld or bool(
        meta.first("article:published_time"))


def headline_links(tree: etree._Element) -> int:
    """Links whose text looks like a headline (four words or more)."""
    return sum(1 for a in tree.iter("a") if len(text_of(a).split()) >= 4)


def classify(url: str, tree: etree._Element, profile: SiteProfile, *, markup: bool,
             text_chars: int, paragraphs: int) -> PageType:
    """The page type; the profile's URL patterns decide when they can."""
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
