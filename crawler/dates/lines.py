"""Where an article prints its own date: the lines next to its headline, lines labelled as a
date ("Опубліковано", "Veröffentlicht", a date-ish class), short dated lines of the article's
region — never a teaser of another article (a date beside another article's headline link),
a sidebar, or page chrome. Strings only: parsing and choosing happen in
:mod:`crawler.dates.page`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from crawler.dates.parse import could_be_date
from crawler.dates.regions import article_region, headline_link, in_teaser, skipped
from crawler.dates.sources import (
    DATE_HINT,
    MAX_LINE,
    PUBLISHED_LABEL,
    UPDATE_HINT,
    UPDATE_WORDS,
    Candidate,
    split_update,
)

MAX_LINES = 40
DATED_LINE = 60


def visible_lines(tree: etree._Element) -> Iterator[tuple[str, bool]]:
    """Short texts of date-ish elements (class/id naming a date), with an "is an update" flag."""
    seen = 0
    region = article_region(tree)
    for el in region.iter(etree.Element):
        if el.tag in ("script", "style", "a", "time"):
            continue
        cls, ident = el.get("class"), el.get("id")
        hint = f"{cls or ''} {ident or ''}" if cls or ident else ""
        labelled = not (hint and DATE_HINT.search(hint))
        if labelled and not ((head := el.text) and head.strip() and PUBLISHED_LABEL.match(head)):
            continue
        if labelled and len(el.text_content()) < 16:
            parent = el.getparent()  # "<b>Veröffentlicht:</b> 23.03.2025": the label's line
            el = parent if parent is not None and parent.tag not in ("body", "html") else el
        text = _short_text(el)
        if not text or len(text) > MAX_LINE or not could_be_date(text.lower()):
            continue
        if skipped(el) or in_teaser(el, region):
            continue
        seen += 1
        yield text, bool(UPDATE_WORDS.search(text) or UPDATE_HINT.search(hint))
        if seen >= MAX_LINES:
            return


RAW_LINE = 2000  # characters of source text (indentation included) a date line may span


def _short_text(el: etree._Element) -> str | None:
    """The element's text, whitespace collapsed; None as soon as it is too long to be a date
    line (a big container is not read to its end)."""
    parts, size = [], 0
    for piece in el.itertext():
        size += len(piece)
        if size > RAW_LINE:
            return None
        parts.append(piece)
    return " ".join("".join(parts).split())


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
            if host is None or skipped(el) or in_teaser(host, region):
                continue
            seen += 1
            yield text
            if seen >= MAX_LINES:
                return


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
        if skipped(el):
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
                if el.tag == "a" and event == "start" and headline_link(el):
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
    return published_parts(byline_lines(tree, title))


def published_parts(found: list[Candidate]) -> list[Candidate]:
    """The lines without their "updated …"/"Stand: …" part (lines that are only that go)."""
    out = []
    for cand in found:
        before, after = split_update(cand.text)
        if before.strip(" :|-–—·,"):
            out.append(Candidate(cand.source, before if after is not None else cand.text,
                                 structured=False))
    return out


def update_parts(found: list[Candidate]) -> list[Candidate]:
    """The "updated …"/"Stand: …"/"… 更新" parts of the lines: times for ``modified``."""
    out = []
    for cand in found:
        _, after = split_update(cand.text)
        if after is not None and after.strip(" :|-–—·,"):
            out.append(Candidate(cand.source, after, structured=False))
    return out


def byline_lines(tree: etree._Element, title: str | None) -> list[Candidate]:
    """The lines next to the headline as printed (updates included), without image
    captions: a line that repeats an image's ``alt`` or ``title`` says when the photo was
    taken ("… bei den Kämpfen um Bachmut, 24. April 2023"), not when the article appeared."""
    found = _byline_lines(tree, title)
    if not found:
        return found
    captions = {" ".join(value.split()) for img in tree.iter("img")
                for value in (img.get("alt"), img.get("title")) if value and len(value) > 10}
    return [c for c in found if c.text not in captions] if captions else found


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
                    headline_link(a) for a in before.iter("a")):
                out.append(Candidate("byline", text, structured=False))
            before = before.getprevious()
        node = node.getparent()
    return out
