"""What a crawl needs from an HTML page besides its text: canonical URL, kind, links, feeds and
requisites, read from one lxml tree.

Pure: no Scrapy, no Twisted. The page workers (``crawler.pageworkers.page_workers``) run
:func:`scan_tree` on the tree they parse for extraction anyway, so the crawl's main process never
parses a page; with the pool off (``EXTRACTION_WORKERS = -1``) the spider calls :func:`scan_html`
itself. Links come back canonical (``crawler.pages.urls.canonical_url``), in scope and not
obviously files, each flagged when it looks like an article; the spider keeps the decisions that
need crawl state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from crawler.html.decode import Decoded, decode_html
from crawler.html.tree import base_url, parse_html
from crawler.pages.pagetype import NON_PAGE_EXT, is_article_page, looks_like_article_url
from crawler.pages.profiles import SiteProfile
from crawler.pages.render_signals import RenderSignals, page_signals
from crawler.pages.requisites import RequisitePolicy, page_references
from crawler.pages.site import Site
from crawler.pages.urls import BadURL, canonical_url, host_in, in_scope, quick_absolute, url_origin

_FEED_TYPES = re.compile(r"application/(?:rss|atom)\+xml", re.IGNORECASE)
_LINKS = etree.XPath("//a/@href | //link[@rel='alternate'][@hreflang]/@href")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
_FEEDS = etree.XPath("//link[@rel='alternate'][@type][@href]")


@dataclass
class PageScan:
    """One page as the crawl sees it. ``links``: (canonical URL, looks like an article)."""

    canonical: str | None = None  # the page's rel=canonical, canonicalised, when in scope
    is_article: bool = False
    links: list[tuple[str, bool]] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    requisites: list[str] = field(default_factory=list)  # only scanned on article pages
    scan_error: str | None = None  # why a page yielded an empty scan
    # what the render decision needs (crawler.render), measured only when it may be needed
    render: RenderSignals | None = None


@dataclass(frozen=True)
class ScanScope:
    """What decides which links count: the site profile, its hosts, the requisite policy."""

    profile: SiteProfile
    domains: tuple[str, ...]
    requisites: RequisitePolicy = RequisitePolicy(enabled=False)
    site: Site | None = None  # when set, in scope means on the site's hosts and port
    # RENDER_THIN_TEXT when the crawl renders in auto mode: pages that may need rendering are
    # measured (crawler.pages.render_signals); 0: never
    render_probe: int = 0

    def contains(self, url: str) -> bool:
        """True for a URL of the crawl's site (its hosts, and its port when the site is set)."""
        return self.site.contains(url) if self.site is not None else in_scope(url, self.domains)

    def allows(self, url: str) -> bool:
        """A canonical URL (``canonical_url``) in scope, not a file by its extension, not
        denied by the profile."""
        scheme, _, rest = url.partition("://")
        netloc, _, tail = rest.partition("/")
        if self.site is not None:
            if not self.site.contains_netloc(scheme, netloc):
                return False
        elif not host_in(_hostname(netloc), self.domains):
            return False
        path = "/" + tail.partition("?")[0]
        if NON_PAGE_EXT.search(path):
            return False
        deny = self.profile.deny_path
        return not (deny and deny.search(path))


def parse_page(body: bytes, http_charset: str | None = None) -> tuple[Decoded, Any]:
    """Decode and parse a fetched page, whatever its size (links are followed on pages too big
    to extract); the tree is None when no document can be built from the bytes."""
    decoded = decode_html(body, http_charset, max_bytes=max(len(body), 1))
    return decoded, parse_html(decoded.text) if decoded.text else None


def scan_html(body: bytes, url: str, scope: ScanScope, http_charset: str | None = None) -> PageScan:
    """Decode and parse ``body`` (fetched from ``url``) and scan it; an empty scan when no
    document can be built from it."""
    tree = parse_page(body, http_charset)[1]
    return scan_tree(tree, url, scope, probe_articles=True) if tree is not None else PageScan()


def scan_tree(tree: etree._Element, url: str, scope: ScanScope,
              probe_articles: bool = False) -> PageScan:
    """Scan a parsed page (before any cleaning: menus hold links too). ``url`` is the URL the
    page was fetched from; relative links resolve against its ``<base href>`` when it has one.
    Render evidence is measured on pages that are not articles (and on articles with
    ``probe_articles``; the page workers do it after extraction, for thin articles only)."""
    base = base_url(tree, url)
    scan = PageScan(canonical=_canonical_link(tree, base, scope))
    page_url = scan.canonical or _canonical(url) or url
    decided = scope.profile.is_article_path(urlsplit(page_url).path)
    scan.is_article = (decided if decided is not None else
                       is_article_page(page_url, Selector(root=tree, type="html"), scope.profile))
    scan.links = page_links(tree, base, scope)
    for link in _FEEDS(tree):
        if _FEED_TYPES.search(link.get("type", "")):
            feed = _canonical(_join(base, link.get("href", "")))
            if feed and scope.contains(feed):
                scan.feeds.append(feed)
    if scan.is_article and scope.requisites.enabled:
        scan.requisites = list(scope.requisites.select(base, page_references(tree)))
    if scope.render_probe and (probe_articles or not scan.is_article):
        probe_render(scan, tree, page_url, scope)
    return scan


def probe_render(scan: PageScan, tree: etree._Element, page_url: str, scope: ScanScope,
                 scripts: int | None = None) -> None:
    """Measure what the render decision needs (``crawler.pages.render_signals``) into ``scan``;
    ``scripts``: the page's scripts, counted before extraction stripped them from ``tree``."""
    scan.render = page_signals(tree, len(scan.links),
                               looks_like_article_url(page_url, scope.profile), scope.render_probe,
                               scripts=scripts)


def page_links(tree: etree._Element, base: str, scope: ScanScope) -> list[tuple[str, bool]]:
    """Canonical, allowed links of a page in document order, each once."""
    origin = url_origin(base)
    hosts = scope.site.hosts if scope.site is not None else scope.domains
    found: dict[str, bool] = {}
    for href in dict.fromkeys(h.strip() for h in _LINKS(tree)):
        absolute = quick_absolute(href, origin)
        if absolute is not None and _elsewhere(absolute, hosts):
            continue  # share buttons, ads, other sites: not worth canonicalising
        try:
            url = canonical_url(absolute or urljoin(base, href))
        except (BadURL, ValueError):
            continue
        if url not in found and scope.allows(url):
            found[url] = looks_like_article_url(url, scope.profile)
    return list(found.items())


def _elsewhere(url: str, hosts: tuple[str, ...]) -> bool:
    """True for an absolute http(s) URL whose host is surely none of ``hosts`` (nor their
    subdomains), whatever canonicalising would make of it; False when in doubt."""
    netloc = url[url.find("://") + 3:]
    for stop in "/?#":
        cut = netloc.find(stop)
        if cut >= 0:
            netloc = netloc[:cut]
    if not (netloc.isascii() and netloc.isprintable()) or any(c in netloc for c in "%@\\[ "):
        return False  # IDNA, escapes, user info, IPv6, blanks: the canonical form decides
    return not host_in(netloc.partition(":")[0].lower().rstrip("."), hosts)


def _canonical_link(tree: etree._Element, base: str, scope: ScanScope) -> str | None:
    hrefs = _CANONICAL(tree)
    canonical = _canonical(_join(base, hrefs[0].strip())) if hrefs else None
    return canonical if canonical and scope.contains(canonical) else None


def _hostname(netloc: str) -> str:
    """The host of a canonical URL's netloc (no user info there; IPv6 in brackets)."""
    if netloc.startswith("["):
        return netloc[1:netloc.find("]")]
    return netloc.partition(":")[0]


def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:
        return ""


def _canonical(url: str) -> str | None:
    try:
        return canonical_url(url) if url else None
    except (BadURL, ValueError):
        return None
