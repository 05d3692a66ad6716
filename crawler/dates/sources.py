"""Where a page states its dates: candidate strings, each tagged with its source, best first.

Structured data first (JSON-LD, meta tags, ``<time datetime>``, microdata), then the site
profile's XPaths, then short visible lines in date-ish elements. Strings only: parsing and
choosing happen in :mod:`crawler.dates.page`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.dates.parse import could_be_date
from crawler.extract.jsonld import article_node

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "citation_publication_date",
    "citation_date",
    "dc.date.created",
    "dcterms.created",
    "datecreated",
    "article.published",
    "date",
    "dc.date",
    "dcterms.date",
    "cxenseparse:recs:publishtime",
    "originalpublicationdate",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:modified_time",
    "article:modified",
    "datemodified",
    "modified_time",
    "last-modified",
    "lastmod",
    "dc.date.modified",
    "dcterms.modified",
    "article.updated",
    "parsely-updated",
    "sailthru.lastmodified",
)
_PUB_RANK = {name: i for i, name in enumerate(PUBLISHED_META)}
_MOD_RANK = {name: i for i, name in enumerate(MODIFIED_META)}

_DATE_HINT = re.compile(
    r"date|time|publi|posted|byline|dateline|meta|datum|fecha|data|created|info|stamp|when|"
    r"submitted|author|"
    r"дата|час",
    re.IGNORECASE,
)
_UPDATE_WORDS = re.compile(
    r"оновлено|обновлено|updated|update:|modified|змінено|изменено|aktualisiert|mis à jour|"
    r"actualizado|aggiornato",
    re.IGNORECASE,
)
_UPDATE_HINT = re.compile(r"updat|modif", re.IGNORECASE)
# Words that introduce a publication date in running text ("Veröffentlicht am 16.08.2019")
_PUBLISHED_LABEL = re.compile(
    r"\s*(?:veröffentlicht|publiziert|erschienen|erstellt am|gepostet|published|posted|"
    r"опубліковано|опубликовано|дата публікації|дата публикации|publié|pubblicato|publicado|"
    r"opublikowano|datum|date|дата)\b", re.IGNORECASE)
_PUBLISH_HINT = re.compile(r"publi", re.IGNORECASE)
_RDFA_DATES = ("datepublished", "datecreated", "datemodified", "created", "issued", "date")
_SKIP_ANCESTORS = ("nav", "footer", "aside", "select", "option")
MAX_LINE = 120
MAX_LINES = 40
DATED_LINE = 60


@dataclass(frozen=True)
class Candidate:
    """A date string found on the page and where it was found."""

    source: str
    text: str
    structured: bool = True  # machine-readable (ISO-like) rather than a printed line


def _meta_name(el: etree._Element) -> str:
    for attr in ("property", "name", "itemprop", "http-equiv"):
        value = el.get(attr)
        if value:
            return value.strip().lower()
    return ""


def meta_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """Published and modified candidates from ``<meta>`` tags, most trusted names first."""
    pub: list[tuple[int, int, Candidate]] = []
    mod: list[tuple[int, int, Candidate]] = []
    for pos, el in enumerate(tree.iter("meta")):
        name = _meta_name(el)
        if not name:
            continue
        value = (el.get("content") or el.get("datetime") or el.get("value") or "").strip()
        if not value:
            continue
        if name in _PUB_RANK:
            pub.append((_PUB_RANK[name], pos, Candidate(f"meta:{name}", value)))
        elif name in _MOD_RANK:
            mod.append((_MOD_RANK[name], pos, Candidate(f"meta:{name}", value)))
    return [c for _, _, c in sorted(pub)], [c for _, _, c in sorted(mod)]


def jsonld_candidates(nodes: list[dict[str, Any]]) -> tuple[list[Candidate], list[Candidate]]:
    """datePublished/dateCreated and dateModified of the article's JSON-LD node."""
    node = article_node(nodes)
    if node is None:
        return [], []
    pub = [
        Candidate(f"json-ld:{key}", str(node[key]))
        for key in ("datePublished", "dateCreated")
        if isinstance(node.get(key), str | int) and str(node[key]).strip()
    ]
    mod = (
        [Candidate("json-ld:dateModified", str(node["dateModified"]))]
        if isinstance(node.get("dateModified"), str) and node["dateModified"].strip()
        else []
    )
    return pub, mod


def _skipped(el: etree._Element) -> bool:
    """Inside page chrome: nav, footer, aside, a form (not one wrapping the whole page, as
    ASP.NET pages have)."""
    for anc in el.iterancestors():
        if anc.tag in _SKIP_ANCESTORS:
            return True
        if anc.tag == "form" and anc.find(".//h1") is None and anc.find(".//article") is None:
            return True
    return False


def time_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """``<time datetime>`` and microdata (``itemprop=datePublished``) outside nav/footer/aside.

    Each ``<time>`` also yields its visible text, so that a date-only ``datetime`` can borrow
    the printed time of the same day.
    """
    pub: list[Candidate] = []
    mod: list[Candidate] = []
    for el in tree.xpath(
        "//*[@itemprop='datePublished' or @itemprop='dateModified'"
        " or @itemprop='dateCreated'][not(self::meta)]"
    ):
        if in_teaser(el, _main_node(el)):
            continue
        value = el.get("datetime") or el.get("content") or el.text_content()
        target = mod if el.get("itemprop") == "dateModified" else pub
        if value and value.strip():
            target.append(Candidate(f"itemprop:{el.get('itemprop')}", value.strip()))
    region = article_region(tree)
    for el in region.iter("time"):
        if _skipped(el) or in_teaser(el, region):
            continue
        hints = " ".join(filter(None, (el.get("class"), el.get("itemprop"), el.get("id"))))
        text = " ".join(el.text_content().split())
        updated = _UPDATE_HINT.search(hints) and not _PUBLISH_HINT.search(hints)
        target = mod if updated or _UPDATE_WORDS.search(text) or _labelled_update(el) else pub
        if el.get("datetime"):
            target.append(Candidate("time", el.get("datetime", "").strip()))
        if text and len(text) <= MAX_LINE:
            target.append(Candidate("time-text", text, structured=False))
    return pub, mod


def _labelled_update(el: etree._Element) -> bool:
    """"Updated <time>…</time>": the words just before the element, or a small wrapper named
    for updates, make it the modification date."""
    prev, parent = el.getprevious(), el.getparent()
    before = (prev.tail if prev is not None else parent.text if parent is not None else "") or ""
    if _UPDATE_WORDS.search(before[-40:]):
        return True
    if parent is None or len(text_of_el(parent)) > 80:
        return False
    hint = f"{parent.get('class') or ''} {parent.get('id') or ''}"
    return bool(_UPDATE_HINT.search(hint) and not _PUBLISH_HINT.search(hint))


def rdfa_candidates(tree: etree._Element) -> tuple[list[Candidate], list[Candidate]]:
    """RDFa dates (``<span property="schema:dateCreated" content="…">``), as Drupal prints
    them, outside teasers."""
    pub: list[Candidate] = []
    mod: list[Candidate] = []
    for el in tree.xpath("//*[@property][@content or @datetime][not(self::meta)]"):
        name = (el.get("property") or "").strip().lower().rpartition(":")[2]
        if name not in _RDFA_DATES or in_teaser(el):
            continue
        value = (el.get("content") or el.get("datetime") or "").strip()
        if value:
            target = mod if name == "datemodified" else pub
            target.append(Candidate(f"rdfa:{name}", value))
    return pub, mod


def xpath_candidates(tree: etree._Element, xpaths: Sequence[str], source: str) -> list[Candidate]:
    """Strings the profile's XPaths select (elements give their text or ``datetime``)."""
    out: list[Candidate] = []
    for expr in xpaths:
        try:
            found = tree.xpath(expr)
        except etree.XPathError:
            continue
        for item in found if isinstance(found, list) else [found]:
            if isinstance(item, etree._Element):
                value = item.get("datetime") or " ".join(item.text_content().split())
            else:
                value = " ".join(str(item).split())
            if value:
                out.append(Candidate(source, value, structured=False))
    return out


def article_region(tree: etree._Element) -> etree._Element:
    """Where the article's own date line is: the ``<article>`` holding the headline (else the
    only one), else ``<main>``, else the body; keeps sidebar and comment dates out."""
    articles = list(tree.iter("article"))
    for art in articles:
        if art.find(".//h1") is not None:
            return art
    if len(articles) == 1:
        return articles[0]
    for candidate in (tree.find(".//main"), tree.find("body")):
        if candidate is not None:
            return candidate
    return tree


HEADLINE_LINK = 30  # characters: a link this long beside a date is another article's headline
TEASER_BLOCK = 400  # characters: a container this big is not one teaser card


def in_teaser(el: etree._Element, region: etree._Element | None = None) -> bool:
    """Whether ``el`` (a date) sits in a teaser of another article: a small container (list
    item, card, related-posts entry) inside ``region`` that also holds a headline-sized link."""
    for depth, anc in enumerate((el, *el.iterancestors())):
        if depth > 4 or anc is region or anc.tag in ("body", "html"):
            return False
        if len(text_of_el(anc)) > TEASER_BLOCK:
            return False
        for link in anc.iter("a"):
            if _headline_link(link) and el not in link.iterancestors() and link is not el \
                    and not any(a.tag == "h1" for a in link.iterancestors()):
                return True
    return False


def _main_node(el: etree._Element) -> etree._Element | None:
    """The microdata item ``el`` belongs to when that item is an article (its own dates)."""
    for anc in el.iterancestors():
        if anc.get("itemscope") is not None and "article" in (anc.get("itemtype") or "").lower():
            return anc
        if anc.get("itemscope") is not None and "posting" in (anc.get("itemtype") or "").lower():
            return anc
    return None


def text_of_el(el: etree._Element) -> str:
    return " ".join(el.text_content().split()) if isinstance(el.tag, str) else ""


def visible_lines(tree: etree._Element) -> Iterator[tuple[str, bool]]:
    """Short texts of date-ish elements (class/id naming a date), with an "is an update" flag."""
    seen = 0
    region = article_region(tree)
    for el in region.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "time"):
            continue
        hint = (el.get("class") or "") + " " + (el.get("id") or "")
        labelled = not _DATE_HINT.search(hint)
        if labelled and not _PUBLISHED_LABEL.match(el.text or ""):
            continue
        if labelled and len(el.text_content()) < 16:
            parent = el.getparent()  # "<b>Veröffentlicht:</b> 23.03.2025": the label's line
            el = parent if parent is not None and parent.tag not in ("body", "html") else el
        text = " ".join(el.text_content().split())
        if not text or len(text) > MAX_LINE or not could_be_date(text.lower()):
            continue
        if _skipped(el) or in_teaser(el, region):
            continue
        seen += 1
        yield text, bool(_UPDATE_WORDS.search(text) or _UPDATE_HINT.search(hint))
        if seen >= MAX_LINES:
            return


def dated_lines(tree: etree._Element) -> Iterator[str]:
    """Short dated lines anywhere in the article's region (a signature date, "Erschienen am …"
    under the text): the last resort, outside teasers, links and page chrome."""
    region = article_region(tree)
    seen = 0
    for el in region.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "time", "h1"):
            continue
        for raw in (el.text, el.tail):
            text = " ".join((raw or "").split())
            if not text or len(text) > DATED_LINE or not could_be_date(text.lower()):
                continue
            if not any(ch.isdigit() for ch in text):
                continue
            host = el if raw is el.text else el.getparent()
            if host is None or _skipped(el) or in_teaser(host, region):
                continue
            seen += 1
            yield text
            if seen >= MAX_LINES:
                return


def split_update(text: str) -> tuple[str, str | None]:
    """``"23 березня 2025, 14:05 Оновлено: 24 березня ..."`` -> (published part, updated part)."""
    m = _UPDATE_WORDS.search(text)
    if not m:
        return text, None
    return text[: m.start()], text[m.end() :]


_BLOCKS = frozenset((
    "p", "div", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "br",
    "header", "footer", "section", "article", "aside", "address", "table", "tr", "td", "th",
    "figure", "blockquote", "hr", "form", "main", "nav",
))
_NOT_TEXT = ("script", "style", "noscript", "template", "button", "select", "figcaption")
BYLINE_CHARS = 600  # text read after the headline, at most
BYLINE_LINES = 12
BODY_LINE = 250  # a line this long is article text: the date line comes before it
DATELINE = 60  # where the article text itself opens with its date ("23.03.2025 – Kyiv ...")
_WORD = re.compile(r"\w+")


def headline(tree: etree._Element, title: str | None) -> etree._Element | None:
    """The headline element: the ``<h1>`` closest to the title (outside nav/footer/aside),
    else a lower heading that spells the title."""
    want = {w.lower() for w in _WORD.findall(title or "")}
    first_h1, best, best_score = None, None, 0.0
    for el in tree.iter("h1", "h2", "h3"):
        if _skipped(el):
            continue
        if el.tag == "h1" and first_h1 is None:
            first_h1 = el
        words = {w.lower() for w in _WORD.findall(el.text_content())}
        score = len(words & want) / len(words | want) if words and want else 0.0
        if score > best_score + (0.0 if el.tag == "h1" else 0.2):
            best, best_score = el, score
    if best is not None and best_score >= 0.5:
        return best
    return first_h1


def _lines_after(head: etree._Element) -> Iterator[str]:
    """Lines of text that follow ``head`` in document order (block elements break lines),
    up to the first headline-sized link: a list of other articles starts there."""
    line: list[str] = []
    node: etree._Element | None = head
    while node is not None and node.getparent() is not None:
        if node.tail:
            line.append(node.tail)
        for sib in node.itersiblings():
            for event, el in etree.iterwalk(sib, events=("start", "end")):
                if not isinstance(el.tag, str):
                    continue
                if el.tag == "a" and event == "start" and _headline_link(el):
                    yield " ".join(" ".join(line).split())
                    return
                if el.tag in _NOT_TEXT:
                    if event == "end" and el.tail:
                        line.append(el.tail)
                    continue
                if el.tag in _BLOCKS:
                    yield " ".join(" ".join(line).split())
                    line = []
                if event == "start" and el.text and not _inside(el, _NOT_TEXT, sib):
                    line.append(el.text)
                elif event == "end" and el.tail:
                    line.append(el.tail)
        node = node.getparent()
        if node is not None and node.tag in ("body", "html"):
            break
    yield " ".join(" ".join(line).split())


def _headline_link(link: etree._Element) -> bool:
    """A link whose text reads like another article's headline."""
    words = text_of_el(link)
    return len(words) >= HEADLINE_LINK and len(words.split()) >= 4


def _inside(el: etree._Element, tags: tuple[str, ...], stop: etree._Element) -> bool:
    for anc in el.iterancestors():
        if anc.tag in tags:
            return True
        if anc is stop:
            return False
    return False


def byline_candidates(tree: etree._Element, title: str | None) -> list[Candidate]:
    """The date line printed next to the headline: the lines after it until the article text
    starts, and short lines just before it; an "updated" part is left out. Teasers, comments
    and archive links further down the page are never reached."""
    found = _byline_lines(tree, title)
    out = []
    for cand in found:
        before, after = split_update(cand.text)
        if before.strip(" :|-–—·,"):
            out.append(Candidate(cand.source, before if after is not None else cand.text,
                                 structured=False))
    return out


def _byline_lines(tree: etree._Element, title: str | None) -> list[Candidate]:
    head = headline(tree, title)
    if head is None:
        return []
    out: list[Candidate] = []
    read = 0
    for text in _lines_after(head):
        if not text:
            continue
        if len(text) > BODY_LINE:  # the article text starts; a dateline may open it
            out.append(Candidate("byline", text[:DATELINE], structured=False))
            break
        if read > BYLINE_CHARS or len(out) >= BYLINE_LINES:
            break
        read += len(text)
        if len(text) <= MAX_LINE:
            out.append(Candidate("byline", text, structured=False))
    node: etree._Element | None = head
    for level in range(2):  # just above the headline, and above the article's own header
        if node is None or (level and node.tag not in ("header", "hgroup")):
            break
        before = node.getprevious()
        for _ in range(2):
            if before is None or not isinstance(before.tag, str):
                break
            text = " ".join(before.text_content().split())
            if text and len(text) <= MAX_LINE and not any(
                    _headline_link(a) for a in before.iter("a")):
                out.append(Candidate("byline", text, structured=False))
            before = before.getprevious()
        node = node.getparent()
    return out
