"""The article title: the headline the page presents, as its publisher spells it.

A page states its headline up to five times: the ``<h1>`` readers see, JSON-LD ``headline``,
``og:title``, ``twitter:title`` and ``<title>``, the last ones often with the site's name
(`` | Example News``) or a section. The forms are combined:

- the site's name is removed wherever it ends or starts a metadata title (the names the page
  gives itself, ``og:site_name``, JSON-LD ``publisher``, and its host: ``STERN.de``,
  ``Express.co.uk``, ``AP News`` for apnews.com);
- the ``<h1>`` of the article is the headline (not one in the site's header, navigation,
  footer, an aside or a breadcrumb trail); a metadata form with the same words wins over it,
  since it keeps the separator the design replaced with layout ("Ausschuss zur Ahrtal-Flut:
  Zwei Rücktritte" for an h1 of two spans), and so does the longest metadata form that adds a
  kicker the page prints with the headline ("Nach Gaetz-Rückzug: " shown above the h1);
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
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.meta import MetaTags
from crawler.html.jsonld import as_text
from crawler.html.tree import text_of, unescape_text

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|•)\s+")
_KICKER_PUNCTUATION = " :|-–—/»·•"
_WORD = re.compile(r"\w+")
_NOT_WORD = re.compile(r"[\W_]+")
_CHROME = ("nav", "footer", "aside")
_SECOND_LEVEL = frozenset(("co", "com", "org", "net", "gov", "ac", "or", "ne", "go", "edu"))
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
MAX_TITLE = 300
AGREEING_SOURCES = 3  # metadata forms that, agreeing, outvote the h1
NEAR_KICKER = 3  # elements before the h1 (and before its parent) that may print a kicker


def _tokens(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _key(text: str) -> str:
    """Letters and digits only, lower-cased: the same words however they are punctuated."""
    return _NOT_WORD.sub("", text.lower())


def site_keys(site: str | None, publisher: str | None = None, url: str | None = None,
              suffixes: Iterable[str] = ()) -> set[str]:
    """Keys (:func:`_key`) of the names the site goes by: its ``og:site_name``, its JSON-LD
    publisher, its host with and without the public suffix, a profile's suffixes."""
    keys = {_key(name) for name in (site, publisher, *suffixes) if name}
    host = (urlsplit(url).hostname or "") if url else ""
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    labels = host.split(".")
    if len(labels) >= 2:
        keys.add(_key(host))
        name = labels[-3] if labels[-2] in _SECOND_LEVEL and len(labels) >= 3 else labels[-2]
        keys.add(_key(name))
    return {k for k in keys if len(k) >= 2}


def _is_site(part: str, keys: set[str]) -> bool:
    key = _key(part)
    return bool(key) and (key in keys or any(len(k) >= 4 and k in key and len(key) <= len(k) + 8
                                             for k in keys))


def strip_site(title: str, suffixes: Iterable[str] = (), site: str | None = None,
               keys: set[str] | None = None, *, guess: bool = True) -> str:
    """A title without the site's name at its end or start (`` | Все Дело``, ``Site - ``).
    ``guess``: with no known name found, a short last part after a separator is taken for
    it (``<title>`` ends that way)."""
    title = " ".join(title.split())
    for suffix in suffixes:
        if suffix and title.lower().endswith(suffix.lower()) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    keys = keys if keys is not None else site_keys(site)
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    start, end = 0, len(parts)
    while end - start > 1 and _is_site(parts[end - 1], keys):
        end -= 1
    while end - start > 1 and _is_site(parts[start], keys):
        start += 1
    if (start, end) != (0, len(parts)):
        return "".join(p + (seps[i] if i < end - 1 else "")
                       for i, p in enumerate(parts[start:end], start)).strip()
    if guess and len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3:
        return title[: title.rfind(seps[-1])].strip()
    return title


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


def pick_title(
    tree: etree._Element, meta: MetaTags, node: dict | None, suffixes: Iterable[str] = (),
    site: str | None = None, url: str | None = None,
) -> tuple[str | None, str | None]:
    """(title, source): the h1 as the metadata confirm or complete it, else the metadata."""
    title, source, _ = pick_headline(tree, meta, node, suffixes, site, url)
    return title, source


def pick_headline(
    tree: etree._Element, meta: MetaTags, node: dict | None, suffixes: Iterable[str] = (),
    site: str | None = None, url: str | None = None,
) -> tuple[str | None, str | None, str | None]:
    """(title, source, the h1 printed as the headline): :func:`pick_title` and the text of
    the h1 it weighed, which the article text must not repeat. Votes for a metadata form
    count JSON-LD, og and twitter titles; ``<title>`` is too often a shortened SEO line."""
    suffixes = tuple(suffixes)
    publisher = as_text(node.get("publisher")) if node else None
    keys = site_keys(site, publisher, url, suffixes)
    others = _metadata(tree, meta, node, keys, suffixes)
    agreed = Counter(t for s, t in others if s != "title")
    top, votes = agreed.most_common(1)[0] if agreed else ("", 0)
    best = _best_h1(tree, others, keys)
    printed = best[1] if best is not None else None
    if votes >= AGREEING_SOURCES and (best is None or top != best[1]):
        return top, next(s for s, t in others if t == top), printed
    if best is None:
        return (others[0][1], others[0][0], None) if others else (None, None, None)
    h1, text = best
    if any(form == text for _, form in others):
        return text, "h1", printed
    if kicked := _with_kicker(h1, text, others):
        return kicked, next(s for s, t in others if t == kicked), printed
    same = [(s, form) for s, form in others if _key(form) == _key(text)]
    if same:
        return same[0][1], same[0][0], printed
    return text, "h1", printed


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
