"""Article authors: the JSON-LD ``author``, else the author meta tags, else the printed byline.

JSON-LD ``author`` may be a Person or an Organization object, a name as a string, a list of
them (lists inside lists too), or an ``@id`` pointing at a node elsewhere on the page; only
``name`` is read (``url``, ``sameAs``, images never are). Names are cleaned and split by
:mod:`crawler.extract.byline`. The byline is the first element named for an author or a
byline (never in a figure, a quote, a comment, the navigation or a menu of the site's
authors); a byline that prints each name in an element of its own, with nothing between them,
is read name by name. One credit in markup is completed by a byline after the headline that
prints it among other full names (not the publisher, not a host name): markup often names the
first author only. With no byline element, a credit printed after a label element of its own is read
("<strong>Autorin/Autor</strong> Roman Goncharenko", "<dt>By</dt><dd>…</dd>").

Agencies and newsrooms: a credit that is an organization (``dpa``, ``AFP``, ``Deutsche
Presse-Agentur``, ``BBC News``) is kept as the page spells it, since it is who the page says
wrote the article. The publisher itself is a fallback: when the page credits only itself
(JSON-LD or meta author naming the site, "Stern.de", or the publisher its JSON-LD or
``<meta name=publisher>`` names) and its byline names people, the people are the authors (a
desk by its word alone, "red", "Redaktion", is no person); a byline part naming the
publisher's desk beside people ("von David Straub, MDR THÜRINGEN") is left out. A credit
that joins the publisher and an agency in one name ("Le Figaro et AFP") is one newsroom
credit and stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from crawler.extract.byline import (
    clean_name,
    credit_parts,
    is_label,
    name_key,
    part_names,
    split_names,
)
from crawler.extract.meta import MetaTags
from crawler.extract.sitename import site_keys
from crawler.html.jsonld import as_text, types_of

_BYLINE = re.compile(r"author|byline|autor|creator|verfasser|firma", re.IGNORECASE)
_NOT_BYLINE = re.compile(r"comment|quote|credit|caption|image|photo|foto|media|figure|avatar|"
                         r"teaser|related|bio\b|box__author|menu", re.IGNORECASE)
_META_NAMES = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
               "dcterms.creator", "byl", "cxenseparse:author")
# Around a byline of the article these never are (a big box named "hasMediaFull" may be)
_NOT_AROUND = re.compile(r"comment|caption|credit|quote", re.IGNORECASE)
_SKIP_TAGS = ("meta", "link", "script", "style", "noscript", "template")
_HOST = re.compile(r"\w\.[a-z]{2,}\b", re.IGNORECASE)  # "TIMESOFINDIA.COM", "Phys.org"
# A newsroom's desk by its word alone ("red", "Redaktion"): no person to prefer to the
# publisher's own credit
_DESK = re.compile(r"^(?:red|redaktion|rédaction|redacción|redazione|redactie|redakcja|"
                   r"toimitus|newsroom|staff|desk|news desk)\.?$", re.IGNORECASE)
MAX_AUTHORS = 10
MAX_BYLINE = 300
MAX_LABEL = 30
NEAR_HEADLINE = 300  # elements after the h1 read for a byline completing a single credit
_LABEL_TAGS = ("strong", "b", "dt", "th", "label", "em", "span")
NAME_WORDS_APART = 4  # words of a name a byline prints in an element of its own


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
    if not el.attrib:  # most elements: nothing to read
        return False
    if el.get("itemprop") == "author" or "author" in (el.get("rel") or "").split():
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    low = names.lower()  # plain substring tests first: they rule out nearly every element
    if not ("aut" in low or "byl" in low or "creator" in low or "verfass" in low
            or "firma" in low):
        return False
    return bool(_BYLINE.search(names)) and not _NOT_BYLINE.search(names)


def _byline(tree: etree._Element, language: str | None) -> list[str]:
    """The names of the first byline element of the page (a credit of the article, not of a
    photo, a quote or a comment); with none, those of a labelled credit."""
    body = tree.find("body")
    root = body if body is not None else tree
    return _first_byline(root.iter(), language) or _labelled(root, language)


def _first_byline(elements: Iterable[etree._Element], language: str | None) -> list[str]:
    for el in elements:
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or not _is_byline(el):
            continue
        if any(a.tag in ("figure", "figcaption", "blockquote", "nav") or _NOT_AROUND.search(
                f"{a.get('class') or ''} {a.get('id') or ''}") for a in el.iterancestors()):
            continue
        text = _byline_text(el)
        if not text or len(text) > MAX_BYLINE:
            continue
        found = split_names(text, language)
        if len(found) <= 1 and (apart := _names_apart(el)):
            # the names ran into one ("Ingrid Treborg Marlene Lundberg Holm"), or into none
            names = [n for part in apart for n in split_names(part, language)]
            if len(names) > 1 and (not found or name_key(found[0]) == name_key("".join(names))):
                found = names
        if found:
            return found
    return []


def _after_headline(h1: etree._Element) -> Iterator[etree._Element]:
    """The elements after the headline, in document order, up to NEAR_HEADLINE of them: where
    an article prints its byline (nine in ten bylines of both benchmarks stand within 300
    elements of the first h1). Reading only these keeps the check of a signed article cheap."""
    count = 0
    node: etree._Element | None = h1
    while node is not None:
        for sib in node.itersiblings():
            for el in sib.iter():
                yield el
                count += 1
                if count >= NEAR_HEADLINE:
                    return
        node = node.getparent()


def _labelled(root: etree._Element, language: str | None) -> list[str]:
    """The names after the first label of a credit printed in an element of its own
    ("<strong>Autorin/Autor</strong> Roman Goncharenko", "<dt>By</dt><dd>…</dd>")."""
    for el in root.iter(*_LABEL_TAGS):
        text = el.text_content()
        if len(text) > MAX_LABEL or not text.strip() or not is_label(text):
            continue
        after = el.tail or ""
        if not after.strip() and (nxt := el.getnext()) is not None:
            after = _byline_text(nxt)
        if (after := " ".join(after.split())) and len(after) <= MAX_BYLINE:
            # names, not the sentence a label word may open ("Texte auf dieser Webseite …")
            return [n for n in split_names(after, language)
                    if len(n.split()) <= NAME_WORDS_APART]
    return []


def _names_apart(el: etree._Element) -> list[str] | None:
    """The texts of a byline's parts when it lists each name in an element of its own, with
    nothing between them ("<span>Birgit Baumann</span><span>Anna Giulia Fink</span>", one
    person box after the other): read together they would run into one name."""
    node = el
    while True:
        kids = [c for c in node if isinstance(c.tag, str) and c.tag not in _SKIP_TAGS]
        loose = (node.text or "") + "".join(c.tail or "" for c in node)
        if loose.strip(" \n\t\r,;|·•/&"):
            return None  # words between the parts ("Von", "und"): read as one credit
        if len(kids) != 1:
            break
        node = kids[0]
    texts = [" ".join(t.split()) for t in (" ".join(_texts(k)) for k in kids)]
    texts = [t for t in texts if t]
    if len(texts) < 2 or not all(2 <= len(t.split()) <= NAME_WORDS_APART for t in texts):
        return None
    return texts


def _completed(name: str, printed: list[str], keys: set[str]) -> list[str]:
    """The markup's one credit, or the byline that prints it among other full names (two
    words or more, not the publisher or a host name: "Ingrid Treborg" beside "Marlene
    Lundberg Holm")."""
    key = name_key(name)
    others = [n for n in printed if name_key(n) != key]
    if len(others) == len(printed) or not others or any(
            len(n.split()) < 2 or _is_publisher(n, keys) or _HOST.search(n) for n in others):
        return [name]
    return printed


def authors(tree: etree._Element, meta: MetaTags, node: dict[str, Any] | None,
            site: str | None = None, *, nodes: list[dict[str, Any]] | None = None,
            url: str | None = None, language: str | None = None,
            headline: etree._Element | None = None) -> list[str]:
    """Author names, deduplicated, from the most structured source that has any;
    ``headline``: the h1 printed as the headline, after which a byline may complete a single
    credit."""
    publisher = as_text(node.get("publisher")) if node else None
    keys = site_keys(site, publisher, url,
                     [n for p in meta.all("publisher") for n in split_names(p)])
    found = _jsonld(node, nodes or ([node] if node else []), keys, language)
    if not found:  # meta values are credit strings, as printed: the publisher's desk goes
        found = _meta(meta, language)
        found = [n for n in found if not _is_publisher(n, keys)] or found
    if not found:
        found = _byline(tree, language)
        found = [n for n in found if not _is_publisher(n, keys)] or found
    elif all(_is_publisher(n, keys) for n in found):
        people = [n for n in _byline(tree, language)
                  if not _is_publisher(n, keys) and not _DESK.match(n)]
        found = people or found
    elif len(found) == 1 and headline is not None:  # one credit in markup may be the first
        found = _completed(found[0], _first_byline(_after_headline(headline), language), keys)
    seen: set[str] = set()
    out = []
    for name in found:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out[:MAX_AUTHORS]
