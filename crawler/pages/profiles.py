"""Site profiles: what a spider and the extractor know about one news site.

A profile is plain data. The generic ``news`` spider builds one from ``--url``; site spiders such as
``vsedelo`` ship their own. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteProfile:
    """What is known about one site: scope, URL shapes, languages, time zone, boilerplate."""

    name: str
    domains: tuple[str, ...]
    start_paths: tuple[str, ...] = ("/",)
    languages: tuple[str, ...] = ("en",)
    # The site's IANA zone when the profile knows it; None: learned from the site's evidence.
    timezone: str | None = None
    # Article pages: a URL path matching this is an article (None: decide from the page).
    article_path: re.Pattern[str] | None = None
    # Listing pages worth following for discovery (section fronts, pagination).
    listing_path: re.Pattern[str] | None = None
    # Paths never to follow even when robots.txt allows them (calendar traps, search, print).
    deny_path: re.Pattern[str] | None = None
    # Suffixes the site appends to <title>/og:title, stripped from titles.
    title_suffixes: tuple[str, ...] = ()
    # XPath expressions of page parts that are never article text (removed before extraction).
    boilerplate_xpaths: tuple[str, ...] = ()
    # XPath expressions whose text holds the printed publication / update date.
    published_xpaths: tuple[str, ...] = ()
    modified_xpaths: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    # The profile's own site: its origin (``https://vsedelo.com``); crawls of it are kept under
    # the profile's name (crawler.pages.site). Empty for the generic profile.
    site: str = ""

    def with_start_url(self, url: str) -> SiteProfile:
        """The same profile pointed at another host (a fixture copy or a mirror)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        domains = (host,) if host else self.domains
        return replace(self, domains=domains, extra={**self.extra, "base_url": _base(url)})

    def is_article_path(self, path: str) -> bool | None:
        """True/False when the URL shape decides it, None when only the page can tell."""
        if self.article_path is None:
            return None
        return bool(self.article_path.search(path))


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


GENERIC = SiteProfile(name="generic", domains=(), languages=("uk", "ru", "en"))

_CATEGORIES = r"(?:politics|economy|world|society|sport|tech)"

VSEDELO = SiteProfile(
    name="vsedelo",
    domains=("vsedelo.com", "www.vsedelo.com"),
    site="https://vsedelo.com",
    start_paths=("/", "/ru/"),
    languages=("uk", "ru"),
    timezone="Europe/Kyiv",
    article_path=re.compile(rf"^/(?:ru/)?news/{_CATEGORIES}/\d+-[\w-]+\.html$"),
    listing_path=re.compile(rf"^/(?:ru/)?(?:news/{_CATEGORIES}/(?:page/\d+/)?)?$"),
    deny_path=re.compile(r"^/(?:ru/)?(?:archive|search|print|admin)(?:/|$)"),
    title_suffixes=(" | Все Дело", " - Все Дело", " | Всё Дело", " - Всё Дело", " | vsedelo.com"),
    # One pass over the tree: an element whose class attribute is one of these names.
    boilerplate_xpaths=(
        "//*[@class and contains(' cookie-banner breadcrumbs adv announce news-source lang-teaser"
        " subtitle author read-also inline-related attachments share tags print related comments ',"
        " concat(' ', normalize-space(@class), ' '))]",
    ),
    published_xpaths=("//article//div[@class='news-date']",),
    modified_xpaths=("//article//div[@class='news-updated']",),
)

PROFILES: dict[str, SiteProfile] = {p.name: p for p in (GENERIC, VSEDELO)}


class ProfiledSpider(Protocol):
    """What crawler components use of the project's spiders (``spiders.base.NewsSiteSpider``)."""

    name: str
    profile: SiteProfile

    def start_requests(self) -> Iterable[Any]: ...
