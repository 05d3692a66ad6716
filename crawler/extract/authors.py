"""Article authors: the JSON-LD ``author``, else the author meta tags, else the printed byline.

JSON-LD ``author`` may be a Person or an Organization object, a name as a string, a list of
them (lists inside lists too), or an ``@id`` pointing at a node elsewhere on the page; only
``name`` is read (``url``, ``sameAs``, images never are). Names are cleaned and split by
:mod:`crawler.extract.byline`.

Agencies and newsrooms: a credit that is an organization (``dpa``, ``AFP``, ``Deutsche
Presse-Agentur``, ``BBC News``) is kept as the page spells it, since it is who the page says
wrote the article. The publisher itself is a fallback: when the page credits only itself
(JSON-LD or meta author naming the site, "Stern.de") and its byline names people, the people
are the authors; a byline part naming the publisher's desk beside people ("von David Straub,
MDR THÜRINGEN") is left out. A credit that joins the publisher and an agency in one name ("Le
Figaro et AFP") is one newsroom credit and stays whole.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from crawler.extract.byline import clean_name, credit_parts, name_key, part_names, split_names
from crawler.extract.meta import MetaTags
from crawler.extract.title import site_keys
from crawler.html.jsonld import types_of

_BYLINE = re.compile(r"author|byline|autor|creator|verfasser|firma", re.IGNORECASE)
_NOT_BYLINE = re.compile(r"comment|quote|credit|caption|image|photo|foto|media|figure|avatar|"
                         r"teaser|related|bio\b|box__author", re.IGNORECASE)
_META_NAMES = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl", "cxenseparse:author")
# Around a byline of the article these never are (a big box named "hasMediaFull" may be)
_NOT_AROUND = re.compile(r"comment|caption|credit|quote", re.IGNORECASE)
_SKIP_TAGS = ("meta", "link", "script", "style", "noscript", "template")
MAX_AUTHORS = 10
MAX_BYLINE = 300


def _node_names(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0
                ) -> list[tuple[str, bool]]:
    """(name, is an organization) of a JSON-LD ``author`` value."""
    if depth > 3 or value is None:
        return []
    if isinstance(value, list):
        return [n for item in value for n in _node_names(item, by_id, depth + 1)]
    if isinstance(value, str):
        return [(value, False)]
    if not isinstance(value, dict):
        return []
    if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in by_id:
        value = by_id[value["@id"]]
    name = value.get("name")
    if isinstance(name, list):
        name = next((n for n in name if isinstance(n, str)), None)
    if isinstance(name, dict):
        name = name.get("@value")
    if not isinstance(name, str) or not name.strip():
        return []
    org = any(t.endswith("organization") for t in types_of(value))
    return [(name, org)]


def _is_publisher(name: str, keys: set[str]) -> bool:
    """The site itself, or one of its desks ("MDR THÜRINGEN" on mdr.de)."""
    key = name_key(name)
    first = name_key(name.split()[0]) if name.split() else ""
    return bool(key) and (key in keys or first in keys)


def _jsonld(node: dict[str, Any] | None, nodes: list[dict[str, Any]], keys: set[str],
            language: str | None) -> list[str]:
    if not node:
        return []
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and "name" in n}
    out: list[str] = []
    for name, org in _node_names(node.get("author") or node.get("creator"), by_id):
        if org:
            if cleaned := clean_name(name):
                out.append(cleaned)
            continue
        names: list[str] = []
        for part in credit_parts(name):
            found = part_names(part, language)
            if len(found) > 1 and any(_is_publisher(n, keys) for n in found):
                found = [c] if (c := clean_name(part)) else []  # "Le Figaro et AFP"
                names.extend(found)
                continue
            # "Povilas Aleksandravičius, …, Lrt.lt": the publisher after a name is a desk
            names.extend(n for n in found if not (names and _is_publisher(n, keys)))
        out.extend(names)
    return out


def _meta(meta: MetaTags, language: str | None) -> list[str]:
    found: list[str] = []
    for raw in meta.all(*_META_NAMES):
        found.extend(split_names(raw, language))
    return found


def _byline_text(el: etree._Element) -> str:
    """The element's text with its parts apart ("By" <a>Sophie Foster</a><span>Reporter</span>
    reads "By Sophie Foster Reporter"), or the name its microdata gives."""
    inner = el.find(".//*[@itemprop='name']")
    target = inner if inner is not None else el
    if target.tag == "meta":
        return target.get("content") or ""
    return " ".join(" ".join(t.split()) for t in _texts(target) if t.strip())


def _texts(el: etree._Element) -> list[str]:
    out: list[str] = []
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _SKIP_TAGS:
            out.extend(_texts(child))
        if child.tail:
            out.append(child.tail)
    return out


def _is_byline(el: etree._Element) -> bool:
    if el.get("itemprop") == "author" or "author" in (el.get("rel") or "").split():
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(_BYLINE.search(names)) and not _NOT_BYLINE.search(names)


def _byline(tree: etree._Element, language: str | None) -> list[str]:
    """The names of the first byline element of the page (a credit of the article, not of a
    photo, a quote or a comment)."""
    body = tree.find("body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or not _is_byline(el):
            continue
        if any(a.tag in ("figure", "figcaption", "blockquote") or _NOT_AROUND.search(
                f"{a.get('class') or ''} {a.get('id') or ''}") for a in el.iterancestors()):
            continue
        text = _byline_text(el)
        if text and len(text) <= MAX_BYLINE and (found := split_names(text, language)):
            return found
    return []


def authors(tree: etree._Element, meta: MetaTags, node: dict[str, Any] | None,
            site: str | None = None, *, nodes: list[dict[str, Any]] | None = None,
            url: str | None = None, language: str | None = None) -> list[str]:
    """Author names, deduplicated, from the most structured source that has any."""
    keys = site_keys(site, None, url)
    found = _jsonld(node, nodes or ([node] if node else []), keys, language)
    if not found:  # meta values are credit strings, as printed: the publisher's desk goes
        found = _meta(meta, language)
        found = [n for n in found if not _is_publisher(n, keys)] or found
    if not found:
        found = _byline(tree, language)
        found = [n for n in found if not _is_publisher(n, keys)] or found
    elif all(_is_publisher(n, keys) for n in found):
        people = [n for n in _byline(tree, language) if not _is_publisher(n, keys)]
        found = people or found
    seen: set[str] = set()
    out = []
    for name in found:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out[:MAX_AUTHORS]
