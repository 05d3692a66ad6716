"""Lists of other articles ("Other news of the section", "Mehr zum Thema", "Latest"): never
article text, whatever the site calls them.

A list is one when each of its items is another article's headline link with, at most, its
date ("30.03.2025 02:55", "3 hours ago") beside it, and most items carry that date: the shape
of a teaser list, which the text of an article does not take (its points are sentences, its
links to documents carry no dates). The dates module refuses the same teasers as date sources
(:func:`crawler.dates.regions.in_teaser`). Pure: lxml trees only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from crawler.dates.parse import is_date_line
from crawler.dates.regions import headline_link, text_of_el

MIN_ITEMS = 2
MAX_BESIDE = 60  # characters of an item's text outside its link: a date, a label and a date
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _dated_teaser(item: etree._Element) -> bool | None:
    """True: a headline link and its date; False: a headline link alone; None: not a teaser
    (no headline link, several, or more text than a date beside it)."""
    links = [a for a in item.iter("a") if headline_link(a)]
    if len(links) != 1 or any(a is not links[0] and text_of_el(a) for a in item.iter("a")):
        return None
    beside = text_of_el(item).replace(text_of_el(links[0]), " ", 1)
    beside = " ".join(beside.split()).strip(" ,.|·•—–-")
    if not beside:
        return False
    if len(beside) > MAX_BESIDE or not is_date_line(beside):
        return None
    return True


def teaser_lists(body: etree._Element) -> Iterator[etree._Element]:
    """The lists of ``body`` that list other articles with their dates."""
    for found in body.iter("ul", "ol"):
        items = [child for child in found if child.tag == "li"]
        if len(items) < MIN_ITEMS or len(items) != len(found):
            continue
        kinds = [_dated_teaser(item) for item in items]
        if None not in kinds and 2 * sum(bool(k) for k in kinds) >= len(kinds):
            yield found


def drop_teaser_lists(body: etree._Element, drop: Callable[[etree._Element], None]) -> None:
    """Remove the teaser lists of ``body`` with ``drop``, each with the heading that names it
    (the heading right before it, or the list's box when it holds nothing else)."""
    for found in list(teaser_lists(body)):
        parent = found.getparent()
        if parent is None:
            continue
        heading = found.getprevious()
        if heading is not None and (heading.tag not in _HEADINGS
                                    or len(text_of_el(heading)) > MAX_BESIDE):
            heading = None
        rest = [c for c in parent if c is not found and c is not heading]
        if heading is not None and not rest and not (parent.text or "").strip() \
                and parent.tag in ("div", "section", "aside", "nav"):
            drop(parent)
            continue
        if heading is not None:
            drop(heading)
        drop(found)
