"""The parts of a page that belong to its article: the article's region, and what is not the
article's (page chrome, teasers of other articles). Shared by :mod:`crawler.dates.sources` and
:mod:`crawler.dates.lines`.
"""

from __future__ import annotations

from lxml import etree

_SKIP_ANCESTORS = ("nav", "footer", "aside", "select", "option")


def skipped(el: etree._Element) -> bool:
    """Inside page chrome: nav, footer, aside, a form (not one wrapping the whole page, as
    ASP.NET pages have)."""
    for anc in el.iterancestors():
        if anc.tag in _SKIP_ANCESTORS:
            return True
        if anc.tag == "form" and anc.find(".//h1") is None and anc.find(".//article") is None:
            return True
    return False


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
            if headline_link(link) and el not in link.iterancestors() and link is not el \
                    and not any(a.tag == "h1" for a in link.iterancestors()):
                return True
    return False


def main_node(el: etree._Element) -> etree._Element | None:
    """The microdata item ``el`` belongs to when that item is an article (its own dates)."""
    for anc in el.iterancestors():
        if anc.get("itemscope") is not None and "article" in (anc.get("itemtype") or "").lower():
            return anc
        if anc.get("itemscope") is not None and "posting" in (anc.get("itemtype") or "").lower():
            return anc
    return None


def text_of_el(el: etree._Element) -> str:
    return " ".join(el.text_content().split()) if isinstance(el.tag, str) else ""


def headline_link(link: etree._Element) -> bool:
    """A link whose text reads like another article's headline."""
    words = text_of_el(link)
    return len(words) >= HEADLINE_LINK and len(words.split()) >= 4
