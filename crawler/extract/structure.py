"""Reshape a cleaned tree so the text extractor sees the article as the page shows it.

Text extractors pick one container as the article body and read paragraphs in it. Three
common page shapes defeat that, and are fixed here before extraction:

- a body split into chunks: the same article-body container repeated, with only ads or an
  image between the pieces (``article__body`` ×2 around an ad rail); the extractor would read
  the first piece only. The pieces are joined into the first one.
- an embedded social post (a tweet's ``<blockquote class="twitter-tweet">``) in a wrapper
  named like a widget (``social-media-embed``, ``article-widget``): the post is quoted
  article text, so the wrappers go and the blockquote stays in their place; a piece of a split
  body that holds only the post stays a piece, so the pieces around it are still joined.
- a first paragraph written as the body container's own text, closed by ``<br><br>``, before
  blocks (``<div>Following the.. <em>..</em>.<br><br><img><center>caption</center>..``):
  trafilatura reads ``<p>``s and line-break tails but drops a container's leading text when
  the page has paragraphs. It becomes a ``<p>``; short runs (labels) and containers holding no
  block are left as they are, where extractors read them whole.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

# Class names of an article's body container (BEM and CMS spellings).
_BODY_CLASS = re.compile(
    r"(?:article|story|post|entry)[-_]{0,2}(?:body|content|text)|articlebody|body-?text",
    re.IGNORECASE)
_CONTAINERS = ("div", "section", "article", "main")
_HEADINGS = frozenset(("h1", "h2", "h3"))
_SKIP = frozenset(("script", "style", "noscript", "template"))
# Embed codes of social networks: the blockquote holds the quoted post's text.
_EMBEDDED_POST = etree.XPath(
    ".//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media') "
    "or contains(@class, 'tiktok-embed')]")
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")
_PHRASING = frozenset(("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em",
                       "font", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                       "sub", "sup", "time", "u", "var", "wbr"))
MIN_LOOSE = 150  # characters of leading text that make a paragraph
MAX_BETWEEN = 150  # characters between two body pieces: an ad label, a caption, not a teaser


def _between(a: etree._Element, b: etree._Element) -> tuple[int, bool]:
    """Characters of text after ``a`` and before ``b`` (in document order), and whether a
    heading lies between them. ``a`` precedes ``b`` and neither holds the other."""
    above_b = set(b.iterancestors())
    ancestor = next(x for x in a.iterancestors() if x in above_b)
    chars, heading, inside, skip_depth = 0, False, False, 0
    for event, el in etree.iterwalk(ancestor, events=("start", "end")):
        if el is a and event == "end":
            inside = True
            chars += len((el.tail or "").strip())
            continue
        if el is b and event == "start":
            break
        if not inside or not isinstance(el.tag, str):
            continue
        if el.tag in _SKIP:
            skip_depth += 1 if event == "start" else -1
            if event == "end":
                chars += len((el.tail or "").strip())
            continue
        if skip_depth:
            continue
        if event == "start":
            heading = heading or el.tag in _HEADINGS
            chars += len((el.text or "").strip())
        else:
            chars += len((el.tail or "").strip())
    return chars, heading


def _append_into(target: etree._Element, piece: etree._Element) -> None:
    """Move ``piece``'s content to the end of ``target`` and drop ``piece``."""
    if piece.text and piece.text.strip():
        para = etree.SubElement(target, "p")
        para.text = piece.text
    for child in list(piece):
        target.append(child)
    parent = piece.getparent()
    if parent is not None:
        tail = piece.tail
        previous = piece.getprevious()
        parent.remove(piece)
        if tail and tail.strip():
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


def _body_piece(el: etree._Element) -> bool:
    """A container named as (a piece of) the article's body."""
    cls = el.get("class") or ""
    return el.get("itemprop") == "articleBody" or bool(cls and _BODY_CLASS.search(cls))


def join_split_bodies(body: etree._Element) -> int:
    """Join pieces of one article body: containers with the same tag and body-naming class
    (or ``itemprop=articleBody``) that follow one another with no heading and little text
    between them. Returns how many pieces were joined."""
    groups: dict[tuple[str, str, str], list[etree._Element]] = defaultdict(list)
    for el in body.iter(*_CONTAINERS):
        cls, prop = el.get("class") or "", el.get("itemprop") or ""
        if prop == "articleBody" or (cls and _BODY_CLASS.search(cls)):
            groups[(el.tag, cls, prop)].append(el)
    joined = 0
    for pieces in groups.values():
        if len(pieces) < 2:
            continue
        first = pieces[0]
        for piece in pieces[1:]:
            if first in set(piece.iterancestors()) or piece.find(".//h1") is not None:
                continue
            chars, heading = _between(first, piece)
            if heading or chars > MAX_BETWEEN:
                break
            _append_into(first, piece)
            joined += 1
    return joined


def unwrap_embedded_posts(body: etree._Element) -> int:
    """Put each embedded social post in place of the wrappers around it (elements holding
    nothing but the post); returns how many posts were unwrapped."""
    moved = 0
    for post in _EMBEDDED_POST(body):
        size = len("".join(post.itertext()).strip())
        outer = None
        for wrapper in post.iterancestors():
            if wrapper is body or wrapper.tag in ("body", "html", "article", "main") or \
                    _body_piece(wrapper) or \
                    len("".join(_VISIBLE_TEXT(wrapper)).strip()) > size + 40:
                break  # a piece of the article body holding only the post stays a piece
            outer = wrapper
        if outer is None or outer.getparent() is None:
            continue
        post.tail = outer.tail
        outer.getparent().replace(outer, post)
        moved += 1
    return moved


def wrap_leading_text(body: etree._Element) -> int:
    """Give a ``<p>`` of its own to the leading text of containers that also hold blocks, when
    it is a paragraph (``MIN_LOOSE`` characters or more, closed by a line break); returns how
    many paragraphs were made."""
    made = 0
    for box in body.iter("div", "section", "article"):
        text = box.text
        if not text or len(text.strip()) < MIN_LOOSE or not len(box):
            continue
        run = []
        for child in box:
            if not isinstance(child.tag, str) or child.tag not in _PHRASING:
                break
            run.append(child)
        rest = box[len(run):]
        if not rest or rest[0].tag != "br" or all(
                c.tag in _PHRASING or c.tag in ("br", "img") for c in rest
                if isinstance(c.tag, str)):
            continue  # not a paragraph closed by a line break, or no block after it
        para = etree.Element("p")
        para.text, box.text = text, None
        for child in run:
            para.append(child)
        box.insert(0, para)
        made += 1
    return made
