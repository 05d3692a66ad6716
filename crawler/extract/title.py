"""The article title: the headline the page presents, as its publisher spells it.

A page states its headline up to five times: the ``<h1>`` readers see, JSON-LD ``headline``,
``og:title``, ``twitter:title`` and ``<title>``, the last ones often with the site's name
(`` | Example News``) or a section. The forms are combined:

- the site's name is removed wherever it ends or starts a metadata title (the names the page
  gives itself, ``og:site_name``, JSON-LD ``publisher``, and its host: ``STERN.de``,
  ``Express.co.uk``, ``AP News`` for apnews.com);
- the ``<h1>`` of the article is the headline (not one in the site's header, navigation,
  footer, an aside or a breadcrumb trail); a metadata form with the same words wins over it
  when it punctuates where the h1 does not, since it keeps the separator the design replaced
  with layout ("Ausschuss zur Ahrtal-Flut: Zwei Rücktritte" for an h1 of two spans), but not
  when it only spells quotes, dashes, ellipses or case otherwise (the h1 is as printed); the
  longest metadata form that adds a kicker the page prints with the headline wins too
  ("Nach Gaetz-Rückzug: " shown above the h1);
- an h1 printed in pieces (a kicker, a section label or a date in an element of its own)
  whose headline piece a metadata title gives alone is that piece, when what it leaves out is
  shorter ("Tunesien" + "Große Aufgaben für die neue Regierung", "Politics |" + "…");
- when three metadata sources agree on one form the publisher declared that form, and it wins
  over an h1 that differs;
- a heading that agrees with no metadata title at all and is short is a section name, not
  the headline.
Entities are decoded; quotes and dashes stay as the page has them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree

from crawler.extract.meta import MetaTags
from crawler.extract.sitename import site_keys, strip_site
from crawler.extract.sitename import word_key as _key
from crawler.html.jsonld import as_text
from crawler.html.tree import text_of, unescape_text

_KICKER_PUNCTUATION = " :|-–—/»·•"
_WORD = re.compile(r"\w+")
_AFTER_KICKER = re.compile(r"^[^:|]{2,60}?(?::|\s[-–—|])\s+(.+)$")
# Quotes, dashes, the ellipsis and invisible hyphens, each in one spelling
_VARIANTS = str.maketrans({**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟«»″", '"'),
                           **dict.fromkeys("‐‑‒–—―−", "-"), "…": "...", "\u00ad": None,
                           "\u200b": None})
_CHROME = ("nav", "footer", "aside")
MAX_TITLE = 300
AGREEING_SOURCES = 3  # metadata forms that, agreeing, outvote the h1
NEAR_KICKER = 3  # elements before the h1 (and before its parent) that may print a kicker


def _spelling(text: str) -> str:
    """The text with quotes, dashes, ellipses and case in one spelling each."""
    return " ".join(text.translate(_VARIANTS).casefold().split())


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _in_breadcrumb(el: etree._Element) -> bool:
    for anc in el.iterancestors():
        names = f"{anc.get('class') or ''} {anc.get('itemtype') or ''} {anc.get('id') or ''}"
        if "breadcrumb" in names.lower():
            return True
    return False


def _h1_candidates(tree: etree._Element) -> list[tuple[etree._Element, str, bool]]:
    """(element, text, inside article/main) of the page's ``<h1>`` elements outside the
    site's chrome: nav, footer, aside, breadcrumbs, and a ``<header>`` that is the site's (an
    article's own header, inside ``<article>`` or ``<main>``, holds the headline)."""
    out = []
    for h1 in tree.iter("h1"):
        ancestors = [a.tag for a in h1.iterancestors()]
        in_article = "article" in ancestors or "main" in ancestors
        if any(tag in _CHROME for tag in ancestors) or ("header" in ancestors and not in_article):
            continue
        if _in_breadcrumb(h1):
            continue
        text = unescape_text(text_of(h1))
        if 3 <= len(text) <= MAX_TITLE:
            out.append((h1, text, in_article))
    return out


def _printed_near(h1: etree._Element, kicker: str) -> bool:
    """Whether ``kicker`` is printed with the headline: inside the h1, or as a short element
    just before it (or before the box holding it)."""
    want = _key(kicker)
    if not want:
        return False
    if any(_key(" ".join(t.split())) == want for t in h1.itertext()):
        return True
    node: etree._Element | None = h1
    for _ in range(2):
        if node is None:
            break
        sib = node.getprevious()
        for _ in range(NEAR_KICKER):
            if sib is None:
                break
            if isinstance(sib.tag, str) and _key(text_of(sib)) == want:
                return True
            sib = sib.getprevious()
        node = node.getparent()
    return False


def _with_kicker(h1: etree._Element, text: str, others: list[tuple[str, str]]) -> str | None:
    """The longest metadata form that is the h1's headline after a kicker the page prints
    with it ("Nach Gaetz-Rückzug: Trump-Anwältin …")."""
    best: str | None = None
    for _, form in others:
        if len(form) <= len(text) or not form.endswith(text):
            continue
        kicker = form[: len(form) - len(text)].rstrip(_KICKER_PUNCTUATION)
        if kicker and _printed_near(h1, kicker) and (best is None or len(form) > len(best)):
            best = form
    return best


def _metadata(tree: etree._Element, meta: MetaTags, node: dict | None,
              keys: set[str], suffixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(source, title) of the metadata forms, the site's name removed."""
    out: list[tuple[str, str]] = []
    headline = as_text(node.get("headline")) if node else None
    title_el = tree.find(".//title")
    for source, raw in (("json-ld", headline), ("og:title", meta.first("og:title")),
                        ("twitter:title", meta.first("twitter:title")),
                        ("title", text_of(title_el) if title_el is not None else None)):
        if raw and raw.strip():
            cleaned = strip_site(unescape_text(raw), suffixes, keys=keys,
                                 guess=source == "title")
            if cleaned and len(cleaned) <= MAX_TITLE:
                out.append((source, cleaned))
    return out


class Headline(NamedTuple):
    """The title chosen, its source, and the h1 weighed for it (its text, which the article
    text must not repeat, and the element, near which the byline is printed)."""

    title: str | None
    source: str | None
    printed: str | None
    element: etree._Element | None


def pick_title(
    tree: etree._Element, meta: MetaTags, node: dict | None, suffixes: Iterable[str] = (),
    site: str | None = None, url: str | None = None,
) -> tuple[str | None, str | None]:
    """(title, source): the h1 as the metadata confirm or complete it, else the metadata."""
    found = pick_headline(tree, meta, node, suffixes, site, url)
    return found.title, found.source


def pick_headline(
    tree: etree._Element, meta: MetaTags, node: dict | None, suffixes: Iterable[str] = (),
    site: str | None = None, url: str | None = None,
) -> Headline:
    """:func:`pick_title` with the h1 it weighed. Votes for a metadata form count JSON-LD, og
    and twitter titles; ``<title>`` is too often a shortened SEO line."""
    suffixes = tuple(suffixes)
    publisher = as_text(node.get("publisher")) if node else None
    keys = site_keys(site, publisher, url, suffixes)
    others = _metadata(tree, meta, node, keys, suffixes)
    best = _best_h1(tree, others, keys)
    title, source = _choose(best, others)
    return Headline(title, source, *(best[::-1] if best is not None else (None, None)))


def _choose(best: tuple[etree._Element, str] | None,
            others: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    agreed = Counter(t for s, t in others if s != "title")
    top, votes = agreed.most_common(1)[0] if agreed else ("", 0)
    if votes >= AGREEING_SOURCES and (best is None or top != best[1]):
        return top, next(s for s, t in others if t == top)
    if best is None:
        return (others[0][1], others[0][0]) if others else (None, None)
    h1, text = best
    if any(form == text for _, form in others):
        return text, "h1"
    if kicked := _with_kicker(h1, text, others):
        return kicked, next(s for s, t in others if t == kicked)
    # The same words: a metadata form that punctuates where the h1 does not (its parts set
    # apart by layout) wins; one that differs only in how it spells quotes, dashes or case
    # does not, since the h1 is how the page prints its headline ("d’actions", „…“).
    same = [(s, form) for s, form in others
            if _key(form) == _key(text) and _spelling(form) != _spelling(text)]
    if same:
        return same[0][1], same[0][0]
    if confirmed := _confirmed_part(h1, others):
        return confirmed, "h1"
    return text, "h1"


def _confirmed_part(h1: etree._Element, others: list[tuple[str, str]]) -> str | None:
    """The part of an h1 printed in pieces that a metadata title gives alone, when what it
    leaves out is shorter: a kicker, a section label or a date in an element of its own
    before the headline ("Tunesien" + "Große Aufgaben …"), or a date line after it. No
    metadata title has those pieces, so the publisher does not count them as the headline;
    one with a kicker of its own ("Iranischer Angriff auf Israel: «…»" for an h1 "Eskalation
    im Nahen Osten" + "«…»") confirms the headline after it. Only a cut between elements
    counts: an h1 of one piece is kept whole."""
    pieces = [" ".join(t.split()) for t in h1.itertext() if t.strip()]
    keys = {_key(form) for _, form in others}
    if _key(" ".join(pieces)) in keys:
        return None  # a metadata title has the whole h1
    # a metadata title with a kicker of its own confirms the headline after it
    tails = keys | {_key(m.group(1)) for _, form in others if (m := _AFTER_KICKER.match(form))}
    best: str | None = None
    for cut in range(1, len(pieces)):
        head, tail = " ".join(pieces[:cut]), " ".join(pieces[cut:])
        for kept, left, known in ((tail.lstrip(_KICKER_PUNCTUATION), head, tails),
                                  (head.rstrip(_KICKER_PUNCTUATION), tail, keys)):
            if (_key(kept) in known and len(_key(left)) < len(_key(kept))
                    and (best is None or len(kept) > len(best))):
                best = kept
    return best


def _best_h1(tree: etree._Element, others: list[tuple[str, str]],
             keys: set[str]) -> tuple[etree._Element, str] | None:
    """The h1 that agrees best with the metadata titles (one in the article's own markup
    first); a short one agreeing with none is a logo or a section name."""
    other_tokens = [_tokens(t) for _, t in others]
    best: tuple[float, int, etree._Element, str] | None = None
    for pos, (h1, text, in_article) in enumerate(_h1_candidates(tree)):
        if _key(text) in keys:
            continue
        tokens = _tokens(text)
        score = max((_overlap(tokens, o) for o in other_tokens), default=0.0)
        if other_tokens and score == 0.0 and len(tokens) <= 2:
            continue  # a logo or section name, not the headline
        rank = (score + (0.5 if in_article else 0.0), -pos)
        if best is None or rank > best[:2]:
            best = (*rank, h1, text)
    return (best[2], best[3]) if best is not None else None
