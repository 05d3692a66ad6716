"""Article authors: JSON-LD persons, author meta tags, then the printed byline."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extract.meta import MetaTags
from crawler.html.tree import text_of

_BYLINE = re.compile(r"(?:^|[\s_-])(?:author|authors|byline|autor|avtor|author-?name|creator)"
                     r"(?:$|[\s_-])", re.IGNORECASE)
_LABEL = re.compile(r"^(?:автор(?:и|ы|ка)?|by|von|par|por|di|text|текст|written by|posted by)"
                    r"(?!\w)\s*[:.]?\s*", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|&|\||/|\band\b|\bund\b|\bet\b|\bта\b|\bі\b|\bи\b)\s*",
                    re.IGNORECASE)
_NOT_NAME = re.compile(r"https?:|www\.|@|\d{3,}|\.(?:com|net|org|ua|ru)\b", re.IGNORECASE)
MAX_AUTHORS = 10


def _names(raw: str, site: str | None) -> list[str]:
    raw = " ".join(raw.split())
    raw = _LABEL.sub("", raw)
    out = []
    for part in _SPLIT.split(raw):
        part = _LABEL.sub("", part.strip(" .,:;-–—()")).strip()
        if not 2 <= len(part) <= 60 or len(part.split()) > 6 or _NOT_NAME.search(part):
            continue
        if not any(ch.isalpha() for ch in part):  # a time or a number beside the name
            continue
        if site and part.lower() == site.lower():
            continue
        out.append(part)
    return out


def _jsonld_authors(node: dict[str, Any] | None, site: str | None) -> list[str]:
    if not node:
        return []
    value = node.get("author") or node.get("creator")
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            kinds = item.get("@type")
            if kinds == "Organization" or (isinstance(kinds, list) and "Organization" in kinds):
                continue
            name = item.get("name")
            if isinstance(name, str):
                out.extend(_names(name, site))
        elif isinstance(item, str):
            out.extend(_names(item, site))
    return out


def _byline(tree: etree._Element, site: str | None) -> list[str]:
    body = tree.find("body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in ("meta", "link", "script", "style"):
            continue
        names = f"{el.get('class') or ''} {el.get('id') or ''}"
        is_author = el.get("itemprop") == "author" or "author" in (el.get("rel") or "").split()
        if not is_author and not (names.strip() and _BYLINE.search(names)):
            continue
        if "comment" in names.lower() or any(
                "comment" in (a.get("class") or "") for a in el.iterancestors()):
            continue
        inner = el.find(".//*[@itemprop='name']")
        text = text_of(inner if inner is not None else el)
        if text and len(text) <= 200 and (found := _names(text, site)):
            return found
    return []


def authors(tree: etree._Element, meta: MetaTags, node: dict[str, Any] | None,
            site: str | None = None) -> list[str]:
    """Author names, deduplicated, from the most structured source that has any."""
    found = _jsonld_authors(node, site)
    if not found:
        for raw in meta.all("author", "article:author", "parsely-author", "sailthru.author",
                            "dc.creator", "dcterms.creator", "byl"):
            found.extend(_names(raw, site))
    if not found:
        found = _byline(tree, site)
    seen: set[str] = set()
    out = []
    for name in found:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out[:MAX_AUTHORS]
