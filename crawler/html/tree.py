"""Parse page text once with lxml, tolerating broken markup; small tree helpers."""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import urljoin

from lxml import etree, html

_PARSER = html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
)
# Every element an ``HtmlElement``, chosen in C: lxml.html's own lookup is a Python call each
# time an element is touched from Python (hundreds per page, 7-12 % of a page worker's CPU),
# only to give form fields their form classes, which nothing here uses. Measured identical
# extraction on the 1,606 pages of the shared benchmarks and on the fixture site.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(element=html.HtmlElement))


def parse_html(text: str) -> html.HtmlElement | None:
    """The document tree, or None when lxml finds nothing to build a document from."""
    try:
        root = html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


def text_of(el: etree._Element | None) -> str:
    """Whitespace-normalised text content of an element ('' for None)."""
    if el is None:
        return ""
    return " ".join(el.text_content().split()) if hasattr(el, "text_content") else ""


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_text(text: str) -> str:
    """Text with HTML entities decoded: the parser decodes them once, but sites escape their
    titles and JSON-LD twice (``zerst&ouml;ren``, ``&#8217;``). Only complete references
    (with the ``;``) count, so a URL's ``&para=2`` stays as it is."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: htmllib.unescape(m.group(0)), text)


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for empty, script and data links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith(("javascript:", "data:", "mailto:", "#")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def base_url(tree: etree._Element, url: str) -> str:
    """The page URL, or its ``<base href>`` when the page sets one."""
    base = tree.find(".//head/base[@href]")
    return absolute(url, base.get("href")) or url if base is not None else url


def remove(el: etree._Element) -> None:
    """Remove an element but keep its tail text attached to the previous node."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
