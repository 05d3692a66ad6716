"""Tell article pages from listings without a site profile: URL shape first, page markup second.

Pure functions over URLs and lxml/parsel selectors; a site profile's ``article_path`` wins when
it has one.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.pages.profiles import SiteProfile

# A slug of several words, or a numeric id of 4+ digits, ending the path:
# /news/123456-some-title.html
_ARTICLE_TAIL = re.compile(
    r"(?:/\d{4,}[-_][\w%-]{8,}|/[\w%]+(?:-[\w%]+){3,}|/\d{5,})(?:\.s?html?|\.php|/)?$", re.UNICODE
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
_ARTICLE_LD = re.compile(r'"@type"\s*:\s*"(?:News|Reportage|Analysis)?Article"|"NewsArticle"')


def looks_like_article_url(url: str, profile: SiteProfile) -> bool:
    """Guess from the URL alone whether it is an article (used to prioritise and count links)."""
    path = urlsplit(url).path
    decided = profile.is_article_path(path)
    if decided is not None:
        return decided
    if _LISTING_HINT.search(path):
        return False
    return bool(_ARTICLE_TAIL.search(path) or _DATED_PATH.search(path))


def is_article_page(url: str, sel: Selector, profile: SiteProfile) -> bool:
    """Decide from the fetched page: the profile's URL pattern, else article markup."""
    decided = profile.is_article_path(urlsplit(url).path)
    if decided is not None:
        return decided
    og_type = (sel.xpath("//meta[@property='og:type']/@content").get() or "").strip().lower()
    if og_type == "article":
        return True
    if any(_ARTICLE_LD.search(s) for s in sel.xpath(
            "//script[@type='application/ld+json']/text()").getall()):
        return True
    if sel.xpath("//meta[@property='article:published_time' or @name='article:published_time']"):
        return True
    if not looks_like_article_url(url, profile):
        return False
    # An <article> holding a substantial run of paragraphs, on an article-shaped URL; a brief
    # will do when its <article> holds the page's headline and a dated <time> (teasers of a
    # listing have their own headings under the page's).
    chars = sum(len(p) for p in sel.xpath("//article//p//text()").getall())
    return chars > LONG_TEXT or (chars > BRIEF_TEXT and bool(_HEADLINED(sel.root)))
