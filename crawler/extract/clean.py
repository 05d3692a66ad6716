"""Remove page parts that are never article text, before the text extractor sees the tree.

Five kinds of removal, all guarded so that a wrapper holding the article itself is never
dropped: the site profile's XPaths; generic widgets named by class/id (share, comments,
related, ads, cookie banners, newsletter boxes); on a WordPress post page, the containers of
other posts; blocks labelled by their first words ("Читайте також", "Читайте также",
"Read also", "Реклама", "Поділитися", ...); and lists of other articles with their dates
(``crawler.extract.teasers``). Then ``crawler.extract.structure`` reshapes what is
left (split bodies joined, embedded posts unwrapped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from lxml import etree

from crawler.extract.structure import (
    join_split_bodies,
    unwrap_embedded_posts,
    wrap_leading_text,
)
from crawler.extract.teasers import drop_teaser_lists
from crawler.html.tree import remove, text_of

# Scripts, styles and <noscript> stay: trafilatura reads some pages' text from them.
ALWAYS_DROP = ("iframe", "svg", "canvas", "figcaption")
# Widget names, matched against the block part of each class token (BEM: ``block__elem--mod``)
# and against ids. "Strong" names are removed whatever they hold; the others are kept when they
# hold a long run of unlinked text (live blogs call their posts "comments", for instance).
# Names are lower-cased before matching: a case-insensitive search is several times slower,
# and this runs on every named element of every page.
_STRONG = re.compile(
    r"(?:^|[-_])(?:share|sharing|social|socials|sharethis|addthis|adv|adverts?|advertising|"
    r"advertisement|ads|adsbygoogle|adslot|sponsored|promo|cookies?|consent|gdpr|newsletter|"
    r"subscribe|outbrain|taboola|breadcrumbs?|read-?also|read-?more|see-?also)(?:$|[-_])")
_WEAK = re.compile(
    r"(?:^|[-_])(?:comments?|commentlist|disqus|related|recommend(?:ed|ations?)?|most-?read|"
    r"popular|trending|banner|attachments?|print-link|ad)(?:$|[-_])")
# Cheap pre-filter: any widget word anywhere in class/id (the exact rules follow).
_ANY_WIDGET = re.compile(
    r"share|sharing|social|addthis|adv|ads|sponsor|promo|cookie|consent|gdpr|newsletter|"
    r"subscribe|outbrain|taboola|breadcrumb|read-?also|read-?more|see-?also|comment|disqus|"
    r"related|recommend|most-?read|popular|trending|banner|attachment|print-link|ad")
_NAMED = etree.XPath(".//*[@class or @id]")
# WordPress marks the page of one post with ``postid-N`` on <body> and every post's container
# with ``post-N``: a container of another post is a teaser, a related or next post.
_POST_ID = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")
_OTHER_POSTS = etree.XPath(".//*[contains(@class, 'post-')]")
_POST_CLASS = re.compile(r"(?:^|\s)post-(\d+)(?:\s|$)")
_WITH_LANG = etree.XPath(".//*[@lang]")
LABEL = re.compile(
    r"(?:читайте (?:також|также|ще|еще|ещё|більше|больше)|дивіться також|смотрите также|"
    r"по темі|по теме|на тему|більше новин|больше новостей|read (?:also|more)|also read|"
    r"see (?:also|more)|don[’']?t miss|не пропустіть|не пропустите|"
    r"related(?: articles| stories| news)?|more on this|recommended|реклама|"
    r"advertisement|anzeige|sponsored|поділитися|поделиться|share(?: this)?|teilen|partager|"
    r"теги|tags|мітки|метки|коментарі|комментарии|comments|залишити коментар|"
    r"оставить комментарий|лучшие материалы|популярне|популярное|вибір редакції|выбор редакции)"
    r"(?!\w)\s*[:.!»\-–—]*\s*", re.IGNORECASE)
_PROTECTED = ("html", "body", "main", "article", "h1")
_LAYOUT_CELL = etree.XPath(
    "boolean(.//td[.//h1 or .//h2 or .//p or .//div or .//table] | .//th[.//h1 or .//p])")
_INLINE = ("strong", "b", "span", "em", "i", "u", "font", "small")
_LABEL_TAGS = ("p", "div", "span", "strong", "b", "h2", "h3", "h4", "h5", "h6", "li", "em",
               "header", "section", "aside", "dt")
MAX_BLOCK = 400  # a labelled block longer than this is article text that starts with the words


def link_ratio(el: etree._Element, skip: int = 0) -> float:
    """Share of the element's text (after the first ``skip`` characters) inside links."""
    total = max(0, len(text_of(el)) - skip)
    if total == 0:
        return 1.0
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    return min(1.0, linked / total)


@lru_cache(maxsize=64)
def compiled_union(expressions: tuple[str, ...]) -> etree.XPath | None:
    """One compiled XPath selecting what any of ``expressions`` selects (invalid ones skipped)."""
    valid = []
    for expr in expressions:
        try:
            etree.XPath(expr)
        except etree.XPathSyntaxError:
            continue
        valid.append(expr)
    return etree.XPath(" | ".join(valid)) if valid else None


def widget_kind(el: etree._Element) -> str | None:
    """``"strong"``/``"weak"`` when a class token's block part or the id names a widget."""
    names = [token.split("__")[0].split("--")[0]
             for token in (el.get("class") or "").lower().split()]
    names.append((el.get("id") or "").lower())
    kind = None
    for name in names:
        if not name:
            continue
        if _STRONG.search(name):
            return "strong"
        if _WEAK.search(name):
            kind = "weak"
    return kind


class Cleaner:
    """Boilerplate removal on one tree; remembers how much text the page's paragraphs hold."""

    def __init__(self, tree: etree._Element, lang: str | None = None):
        self.tree = tree
        self.lang = lang
        self.removed = 0
        body = tree.find("body")
        self.body = body if body is not None else tree
        self.page_text = sum(len(text_of(p)) for p in self.body.iter("p"))

    def _holds_article(self, el: etree._Element) -> bool:
        """True when removing ``el`` would take the article with it."""
        if el.tag in _PROTECTED or el.find(".//h1") is not None:
            return True
        if el.tag not in ("div", "section", "aside", "ul", "ol", "span", "form", "table"):
            return False
        inside = sum(len(text_of(p)) for p in el.iter("p"))
        return inside > 600 and inside > 0.3 * self.page_text

    @staticmethod
    def _long_prose(el: etree._Element) -> bool:
        """Much text, few links: content, whatever the class says."""
        return len(text_of(el)) > MAX_BLOCK and link_ratio(el) < 0.25

    def drop(self, el: etree._Element, *, guard: bool = True) -> None:
        """Remove one element unless the guard says it holds the article."""
        if el.getparent() is None or (guard and self._holds_article(el)):
            return
        remove(el)
        self.removed += 1

    def xpaths(self, expressions: Iterable[str]) -> None:
        """Remove what the profile's XPaths select (trusted: no guard)."""
        union = compiled_union(tuple(expressions))
        if union is None:
            return
        try:
            found = union(self.tree)
        except etree.XPathError:
            return
        for el in found if isinstance(found, list) else ():
            if isinstance(el, etree._Element) and el.tag not in ("html", "body"):
                self.drop(el, guard=False)

    def tags(self) -> None:
        """Scripts, styles, embeds, form controls and image captions."""
        for el in list(self.body.iter(*ALWAYS_DROP)):
            self.drop(el, guard=False)

    def widgets(self) -> None:
        """Elements whose class or id names a widget (share, comments, ads, cookie banner...)."""
        kept: set[etree._Element] = set()  # weak-named blocks of prose: content, with all inside
        for el in _NAMED(self.body):
            raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
            if el.tag in ("html", "body") or not _ANY_WIDGET.search(raw):
                continue
            kind = widget_kind(el)
            if kind == "weak" and (self._long_prose(el) or kept.intersection(el.iterancestors())):
                kept.add(el)
            elif kind is not None:
                self.drop(el)
        if self.lang:
            for el in _WITH_LANG(self.body):
                if not el.get("lang", "").lower().startswith(self.lang) and link_ratio(el) > 0.8:
                    self.drop(el)  # a teaser of the other-language version

    def other_posts(self) -> None:
        """On a WordPress post page, the containers of other posts (related, next, popular),
        unless one of them holds the article (theme quirks wrap it in another post's id)."""
        own = _POST_ID.search(self.body.get("class") or "")
        if own is None:
            return
        for el in _OTHER_POSTS(self.body):
            post = _POST_CLASS.search(el.get("class") or "")
            if post is None or post.group(1) == own.group(1) or el.find(".//h1") is not None:
                continue
            inside = sum(len(text_of(p)) for p in el.iter("p"))
            if inside <= 0.3 * self.page_text:
                self.drop(el, guard=False)

    def layout_tables(self) -> None:
        """Tables that lay out the page (cells holding headings, paragraphs, blocks) become
        plain blocks: the text extractor would read a whole column as one table cell."""
        for table in list(self.body.iter("table")):
            if not _LAYOUT_CELL(table):
                continue
            for row in table.iter("tr"):
                self._drop_side_columns(row)
            for el in (table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th",
                                          "caption")):
                if el.getparent() is not None or el is table:
                    el.tag = "div"
                    for attr in ("width", "valign", "cellpadding", "cellspacing", "colspan"):
                        el.attrib.pop(attr, None)

    def _drop_side_columns(self, row: etree._Element) -> None:
        """In a layout row whose cell holds the headline, the other cells are side columns
        (menus, popular lists, rates) unless they hold much of the text themselves."""
        cells = [c for c in row if c.tag in ("td", "th")]
        main = next((c for c in cells if c.find(".//h1") is not None), None)
        if main is None or len(cells) < 2:
            return
        main_text = sum(len(text_of(p)) for p in main.iter("p")) + len(text_of(main)) // 4
        for cell in cells:
            if cell is not main and sum(len(text_of(p)) for p in cell.iter("p")) \
                    < 0.3 * main_text:
                self.drop(cell)

    def labelled_blocks(self) -> None:
        """Blocks introduced by a label: "Читайте також" + links, "Реклама", "Теги:", ..."""
        for el in list(self.body.iter(*_LABEL_TAGS)):
            head = (el.text or "").lstrip()
            if not head or not LABEL.match(head) or el.getparent() is None:
                continue
            block = el
            while block.tag in _INLINE and block.getparent() is not None \
                    and block.getprevious() is None and not (block.getparent().text or "").strip():
                block = block.getparent()
            text = text_of(block)
            if len(text) > MAX_BLOCK:
                continue
            label = LABEL.match(text)
            label_len = label.end() if label else 0
            if label_len >= len(text):  # the label alone: its list is next to it
                self._drop_label_only(block)
            elif link_ratio(block, label_len) >= 0.5:
                self.drop(block)

    def _drop_label_only(self, block: etree._Element) -> None:
        parent = block.getparent()
        if parent is not None and parent.tag not in _PROTECTED and len(text_of(parent)) <= \
                MAX_BLOCK and link_ratio(parent, len(text_of(block))) >= 0.5:
            self.drop(parent)
            return
        nxt = block.getnext()
        if nxt is not None and len(text_of(nxt)) <= MAX_BLOCK and link_ratio(nxt) >= 0.6:
            self.drop(nxt)
        self.drop(block)


def clean_tree(tree: etree._Element, *, boilerplate_xpaths: Iterable[str] = (),
               lang: str | None = None, generic: bool = True) -> int:
    """Remove boilerplate in place; returns how many elements went."""
    cleaner = Cleaner(tree, lang)
    cleaner.xpaths(boilerplate_xpaths)
    cleaner.tags()
    unwrap_embedded_posts(cleaner.body)
    cleaner.layout_tables()
    if generic:
        cleaner.other_posts()
        cleaner.widgets()
        cleaner.labelled_blocks()
        drop_teaser_lists(cleaner.body, cleaner.drop)
    join_split_bodies(cleaner.body)
    wrap_leading_text(cleaner.body)
    return cleaner.removed
