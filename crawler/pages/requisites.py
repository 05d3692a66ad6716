"""Page requisites: the images, stylesheets, scripts and fonts an archived page needs to replay.

Article pages list their requisites (``<img src/srcset>``, ``<picture><source srcset>``,
stylesheets, icons and preloads, ``<script src>``, ``<video poster>``, and ``url()`` in
``<style>`` blocks and ``style`` attributes); stylesheets fetched as requisites list theirs
(``url()`` and ``@import``) for ``REQUISITES_DEPTH`` more levels. Only the page's own site (its
hosts on its port, ``crawler.pages.site``) and the ``REQUISITES_HOSTS`` (CDN hosts; a leading dot
or a parent domain also matches subdomains; ``host:port`` matches that port only) are fetched. The
requests carry no extraction: the WARC middleware archives their responses, and Scrapy's
duplicate filter fetches each URL once per crawl.

Settings: ``REQUISITES_ENABLED`` (default True), ``REQUISITES_HOSTS`` (list or comma-separated),
``REQUISITES_DEPTH`` (default 1: follow one level of CSS references).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.pages.site import DEFAULT_PORTS, Site
from crawler.typed_settings import SettingsReader

# url(...) with or without quotes, and @import "..." (the url() form is caught by the first)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]+)"|'([^']+)')""", re.IGNORECASE)
_CSS_TYPE = re.compile(r"text/css", re.IGNORECASE)

PAGE_XPATHS = ("//img/@src", "//input[@type='image']/@src", "//video/@poster", "//script/@src")
LINK_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "preload", "modulepreload"})
SRCSET_XPATHS = ("//img/@srcset", "//picture/source/@srcset")
_PAGE_REFS = etree.XPath(" | ".join(PAGE_XPATHS))  # one pass over the tree, in document order
_LINKS = etree.XPath("//link[@rel][@href]")
_SRCSETS = etree.XPath(" | ".join(SRCSET_XPATHS))
_STYLES = etree.XPath("//style/text() | //@style")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` value (``a.jpg 1x, b.jpg 2x``)."""
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def css_references(text: str) -> list[str]:
    """URLs a stylesheet (or ``style`` attribute) refers to, in order, without ``data:``."""
    found = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(text)]
    found += [m.group(1) or m.group(2) for m in _CSS_IMPORT.finditer(text)]
    return [u.strip() for u in found if u.strip() and not u.strip().startswith(("data:", "#"))]


def page_references(tree: etree._Element) -> list[str]:
    """Raw (unjoined) requisite references of a parsed HTML page."""
    refs = [str(ref) for ref in _PAGE_REFS(tree)]
    for link in _LINKS(tree):
        if LINK_RELS & set(link.get("rel", "").lower().split()):
            refs.append(link.get("href", ""))
    refs += [u for v in _SRCSETS(tree) for u in srcset_urls(v)]
    for css in _STYLES(tree):
        refs += css_references(css)
    return refs


def is_stylesheet(content_type: str, url: str) -> bool:
    """True for a CSS response (by its Content-Type, else by the ``.css`` path of its URL)."""
    return bool(_CSS_TYPE.search(content_type)) or urlsplit(url).path.endswith(".css")


def host_matches(host: str, port: int | None, patterns: Iterable[str]) -> bool:
    """True when ``host`` (on ``port``) matches one of ``patterns``: a host name, which also
    matches its subdomains (a leading dot is allowed), on any port, or ``host:port``."""
    for pattern in patterns:
        pattern = pattern.lower().strip()
        name, _, want_port = pattern.rpartition(":") if ":" in pattern else (pattern, "", "")
        bare = name.lstrip(".")
        if want_port and (not want_port.isdigit() or int(want_port) != port):
            continue
        if bare and (host == bare or host.endswith("." + bare)):
            return True
    return False


@dataclass(frozen=True)
class RequisitePolicy:
    """Which requisites to fetch: on/off, the site (its hosts on its port) plus CDN hosts,
    CSS depth."""

    enabled: bool = True
    site_hosts: tuple[str, ...] = ()
    extra_hosts: tuple[str, ...] = ()
    depth: int = 1
    site: Site | None = None  # when set, the site's own URLs are those it contains

    @classmethod
    def from_settings(cls, settings: Any, site_hosts: Iterable[str],
                      site: Site | None = None) -> RequisitePolicy:
        """``REQUISITES_ENABLED``, ``REQUISITES_HOSTS`` and ``REQUISITES_DEPTH``."""
        read = SettingsReader(settings)
        hosts = read.list("REQUISITES_HOSTS")
        return cls(enabled=read.bool("REQUISITES_ENABLED"),
                   site_hosts=tuple(h for h in site_hosts if h),
                   extra_hosts=tuple(h for h in hosts if h.strip()),
                   depth=max(0, read.int("REQUISITES_DEPTH")), site=site)

    def allows(self, url: str) -> bool:
        """True for an http(s) URL on the site or a configured host."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        host = parts.hostname.lower()
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return False
        if self.site is not None:
            on_site = self.site.contains(url)
        else:
            on_site = host_matches(host, None, self.site_hosts)
        return on_site or host_matches(host, port, self.extra_hosts)

    def select(self, base_url: str, refs: Iterable[str]) -> Iterator[str]:
        """Absolute, allowed, de-duplicated URLs of ``refs`` (fragments dropped)."""
        seen: set[str] = set()
        for ref in refs:
            try:
                url = urljoin(base_url, ref.strip()).split("#", 1)[0]
            except ValueError:
                continue
            if url not in seen and self.allows(url):
                seen.add(url)
                yield url

    def from_stylesheet(self, url: str, content_type: str, level: int,
                        text: Callable[[], str]) -> list[str]:
        """The references of a stylesheet fetched at ``level`` (page requisites are level 0)
        from ``url``; ``text`` decodes its body, called only for a stylesheet to follow."""
        if not self.enabled or level >= self.depth or not is_stylesheet(content_type, url):
            return []
        return list(self.select(url, css_references(text())))
