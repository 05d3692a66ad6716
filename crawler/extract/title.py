"""The article title: the page's ``<h1>`` when it is the headline, else cleaned metadata titles.

og:title and ``<title>`` often carry the site name or a shorter paraphrase; the ``<h1>`` is what
readers see, so it wins when it is a plausible headline (not the logo, not a section name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from crawler.extract.meta import MetaTags
from crawler.html.jsonld import as_text
from crawler.html.tree import text_of, unescape_text

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")
_WORD = re.compile(r"\w+")
_CHROME = ("nav", "footer", "aside")
MAX_TITLE = 300


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def strip_site(title: str, suffixes: Iterable[str] = (), site: str | None = None) -> str:
    """A title without the site's suffix/prefix (`` | Все Дело``, ``Site - ``)."""
    title = " ".join(title.split())
    for suffix in suffixes:
        if suffix and title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_l = (site or "").strip().lower()
    if site_l:
        kept = [p for p in parts if p.strip().lower() != site_l and site_l not in p.lower()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # Unknown site name: drop a short trailing part ("... | Example News").
    if len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3:
        return _SEPARATORS.split(title, maxsplit=len(parts) - 2)[0] if len(parts) > 2 else parts[0]
    return title


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _h1_candidates(tree: etree._Element) -> list[tuple[str, bool]]:
    """(text, inside article/main) of the page's ``<h1>`` elements outside the site's chrome:
    nav, footer, aside, and a ``<header>`` that is the site's (an article's own header, inside
    ``<article>`` or ``<main>``, holds the headline)."""
    out = []
    for h1 in tree.iter("h1"):
        ancestors = [a.tag for a in h1.iterancestors()]
        in_article = "article" in ancestors or "main" in ancestors
        if any(tag in _CHROME for tag in ancestors) or ("header" in ancestors and not in_article):
            continue
        text = unescape_text(text_of(h1))
        if 3 <= len(text) <= MAX_TITLE:
            out.append((text, in_article))
    return out


def pick_title(
    tree: etree._Element, meta: MetaTags, node: dict | None, suffixes: Iterable[str] = (),
    site: str | None = None,
) -> tuple[str | None, str | None]:
    """(title, source): the best ``<h1>``, else JSON-LD headline, og:title, ``<title>``."""
    suffixes = tuple(suffixes)
    others: list[tuple[str, str]] = []
    headline = as_text(node.get("headline")) if node else None
    title_el = tree.find(".//title")
    for source, raw in (("json-ld", headline), ("og:title", meta.first("og:title")),
                        ("twitter:title", meta.first("twitter:title")),
                        ("title", text_of(title_el) if title_el is not None else None)):
        if raw and raw.strip():
            cleaned = strip_site(unescape_text(raw), suffixes, site)
            if cleaned and len(cleaned) <= MAX_TITLE:
                others.append((source, cleaned))
    site_l = (site or "").strip().lower()
    other_tokens = [_tokens(t) for _, t in others]
    best: tuple[float, int, str] | None = None
    for pos, (text, in_article) in enumerate(_h1_candidates(tree)):
        if site_l and text.lower() == site_l:
            continue
        tokens = _tokens(text)
        score = max((_overlap(tokens, o) for o in other_tokens), default=0.0)
        if other_tokens and score == 0.0 and len(tokens) <= 2:
            continue  # a logo or section name, not the headline
        rank = (score + (0.5 if in_article else 0.0), -pos, text)
        if best is None or rank[:2] > best[:2]:
            best = rank
    if best is not None:
        return best[2], "h1"
    if others:
        return others[0][1], others[0][0]
    return None, None
