"""Article metadata from markup: description, image, canonical URL, translations, tags, sections.

Title and authors have their own modules (:mod:`crawler.extract.title`,
:mod:`crawler.extract.authors`); this one reads ``<meta>``, ``<link>``, JSON-LD and breadcrumbs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.html.jsonld import as_list, as_text
from crawler.html.tree import absolute, text_of, unescape_text

_TAG_BOX = re.compile(r"(?:^|[\s_-])(?:tags?|tag-?list|tags-?list|post-tags|keywords|topics|"
                      r"article-tags)(?:$|[\s_-])", re.IGNORECASE)
_CRUMBS = re.compile(r"breadcrumb", re.IGNORECASE)
_SPLIT_KEYWORDS = re.compile(r"\s*[,;]\s*")


@dataclass
class MetaTags:
    """``<meta>`` values by lower-cased property/name/itemprop, in document order."""

    values: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, tree: etree._Element) -> MetaTags:
        """Collect every ``<meta>`` with content."""
        out: dict[str, list[str]] = {}
        for el in tree.iter("meta"):
            content = unescape_text((el.get("content") or "").strip())
            if not content:
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = (el.get(attr) or "").strip().lower()
                if key:
                    out.setdefault(key, []).append(content)
        return cls(out)

    def first(self, *names: str) -> str | None:
        """The first value of the first name present."""
        for name in names:
            if self.values.get(name):
                return self.values[name][0]
        return None

    def all(self, *names: str) -> list[str]:
        """All values of all names, in the order given."""
        return [v for name in names for v in self.values.get(name, [])]


def _dedupe(items: list[str], limit: int = 50) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        item = " ".join(item.split()).strip(" ,;#")
        if item and item.lower() not in seen and len(item) <= 100:
            seen.add(item.lower())
            out.append(item)
    return out[:limit]


def description(meta: MetaTags, node: dict[str, Any] | None) -> str | None:
    """og:description, the meta description, or the JSON-LD description."""
    found = meta.first("og:description", "description", "twitter:description")
    if not found and node:
        found = as_text(node.get("description"))
    return " ".join(found.split()) if found else None


def image(meta: MetaTags, node: dict[str, Any] | None, base: str) -> str | None:
    """The lead image: og:image, twitter:image, or the JSON-LD image, as an absolute URL."""
    found = meta.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                       "twitter:image:src")
    if not found and node:
        found = as_text(node.get("image"))
    return absolute(base, found)


def canonical(tree: etree._Element, meta: MetaTags, base: str, url: str) -> str:
    """``<link rel=canonical>``, else og:url, else the fetched URL."""
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and (href := absolute(base, link.get("href"))):
            return href
    return absolute(base, meta.first("og:url")) or url


def translations(tree: etree._Element, base: str, own_url: str,
                 own_lang: str | None) -> dict[str, str]:
    """Other-language versions from ``<link rel=alternate hreflang>`` (lang -> absolute URL)."""
    out: dict[str, str] = {}
    for link in tree.iter("link"):
        lang = (link.get("hreflang") or "").strip()
        if not lang or lang.lower() == "x-default":
            continue
        if "alternate" not in (link.get("rel") or "").lower().split():
            continue
        href = absolute(base, link.get("href"))
        code = lang.replace("_", "-").lower()
        if not href or href == own_url or (own_lang and code == own_lang):
            continue
        out.setdefault(code, href)
    return out


def tags(tree: etree._Element, meta: MetaTags, node: dict[str, Any] | None) -> list[str]:
    """article:tag metas, JSON-LD keywords, news_keywords, else links of a tag box."""
    found = meta.all("article:tag", "og:article:tag")
    if node and not found:
        keywords = node.get("keywords")
        found = _SPLIT_KEYWORDS.split(keywords) if isinstance(keywords, str) else as_list(keywords)
    if not found and (news := meta.first("news_keywords")):
        found = _SPLIT_KEYWORDS.split(news)
    if not found:
        found = [text_of(a) for a in tree.iter("a") if "tag" in (a.get("rel") or "").split()]
    if not found:
        for box in tree.iter("div", "ul", "p", "section", "nav", "span"):
            if _TAG_BOX.search(f"{box.get('class') or ''} {box.get('id') or ''}"):
                found = [text_of(a) for a in box.iter("a")]
                if found:
                    break
    return _dedupe(found)


def categories(tree: etree._Element, meta: MetaTags, node: dict[str, Any] | None) -> list[str]:
    """article:section metas, JSON-LD articleSection, else the breadcrumb trail's last step."""
    found = meta.all("article:section", "og:article:section", "section")
    if not found and node:
        found = as_list(node.get("articleSection"))
    if not found:
        for box in tree.iter("div", "nav", "ol", "ul", "p"):
            if _CRUMBS.search(f"{box.get('class') or ''} {box.get('id') or ''}"):
                steps = [text_of(a) for a in box.iter("a")]
                if len(steps) >= 2:
                    found = [steps[-1]]
                break
    return _dedupe(found, limit=10)


def site_name(meta: MetaTags) -> str | None:
    """og:site_name / application-name."""
    return meta.first("og:site_name", "application-name", "twitter:site")
