"""JSON-LD blocks of a page: parsed leniently, flattened, and the article node picked out."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from crawler.html.tree import unescape_text

_ARTICLE_TYPES = ("article", "posting", "report", "newsarticle")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_NODES = 200
_JS_COMMENT_START = re.compile(r"^(?:\s*(?://|/\*\s*\*/))+\s*")
_JS_COMMENT_END = re.compile(r"\s*(?:(?://|/\*\s*\*/)\s*)+$")


def jsonld_nodes(tree: etree._Element) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (``@graph`` and lists flattened), in document order."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _loads(script.text or "")
        if data is not None:
            _flatten(data, nodes, depth=0)
        if len(nodes) >= _MAX_NODES:
            break
    return nodes


def _loads(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.replace("<![CDATA[", "").replace("]]>", "").strip()
    # ``//<![CDATA[ … //]]>`` and ``/*<![CDATA[*/ … /*]]>*/`` (Rails, older CMSs): the
    # markers went above, the comment marks that hid them from JavaScript go here.
    raw = _JS_COMMENT_END.sub("", _JS_COMMENT_START.sub("", raw))
    if not raw:
        return None
    for candidate in (raw, _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", raw))):
        try:
            return json.loads(candidate, strict=False)
        except ValueError:
            continue
    return None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int) -> None:
    if depth > 4 or len(out) >= _MAX_NODES:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if "@type" in data:
            out.append(data)
        if isinstance(graph, list | dict):
            _flatten(graph, out, depth + 1)
        main = data.get("mainEntity") or data.get("mainEntityOfPage")
        if isinstance(main, dict) and "@type" in main and _is_article(main):
            out.append(main)


def types_of(node: dict[str, Any]) -> list[str]:
    """The node's ``@type`` values, lower-cased."""
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return [v.lower() for v in values if isinstance(v, str)]


def _is_article(node: dict[str, Any]) -> bool:
    return any(any(t.endswith(a) for a in _ARTICLE_TYPES) for t in types_of(node))


def article_node(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The node describing the article: an ``*Article``/``BlogPosting``, else a dated WebPage."""
    for node in nodes:
        if _is_article(node):
            return node
    for node in nodes:
        if "webpage" in types_of(node) and node.get("datePublished"):
            return node
    return None


def has_article_type(nodes: list[dict[str, Any]]) -> bool:
    """True when some node is an article type (NewsArticle, BlogPosting, ...)."""
    return any(_is_article(node) for node in nodes)


def as_text(value: Any) -> str | None:
    """A plain string from a JSON-LD value (a string, a {"name"/"@value"} object or a list)."""
    if isinstance(value, str):
        return unescape_text(value.strip()) or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return as_text(value.get("name") or value.get("@value") or value.get("url"))
    if isinstance(value, list) and value:
        return as_text(value[0])
    return None


def as_list(value: Any) -> list[str]:
    """Strings from a JSON-LD value that may be a string, an object or a list of either."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = as_text(item)
        if text:
            out.append(text)
    return out
