"""The page requisites (images, scripts, stylesheets) an HTML page references."""

from __future__ import annotations

from urllib.parse import urljoin

from parsel import Selector


def requisites_of(html: str, base: str) -> set[str]:
    """Absolute URLs of the page's images, scripts and stylesheets."""
    sel = Selector(text=html)
    refs = sel.xpath("//img/@src | //script/@src | //link[@rel='stylesheet']/@href").getall()
    return {urljoin(base, r) for r in refs}
