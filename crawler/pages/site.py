"""A crawl's site: who it is (origin, folder key, publisher name) and which URLs are inside it.

Every crawl belongs to one site. A site profile names its own site (``SiteProfile.site``, e.g.
``https://vsedelo.com`` for ``vsedelo``); a crawl whose start URL is on that site's domains and
port crawls it. Otherwise (the generic ``news`` spider, or a profile pointed at a copy
elsewhere) the site is the origin of the start URL: scheme, host, and the port when it is not
the scheme's default. The site decides

* where the crawl's files, state, lock and spool live: ``<out>/<key>/``, where ``key`` is the
  profile's name for a profile's own site (``vsedelo``), else the host and a non-default port
  (``example.com``, ``127.0.0.1_8001``);
* the ``site`` of its article records (:attr:`Site.name`: the profile's name, else the origin);
* which URLs the crawl may request (:meth:`Site.contains`): its hosts and their subdomains, on
  its port. ``http`` on port 80 and ``https`` on port 443 of one host are one site (sites
  redirect one to the other); any other port is another site.

Pure: no Scrapy, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.pages.urls import canonical_url, host_in

if TYPE_CHECKING:
    from crawler.pages.profiles import SiteProfile

DEFAULT_PORTS = {"http": 80, "https": 443}
_KEY_UNSAFE = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class Site:
    """One site: ``origin`` (``https://example.com``, ``http://127.0.0.1:8001``), its folder
    ``key``, the ``name`` its records carry, the ``hosts`` in scope (subdomains included) and
    its ``port``."""

    origin: str
    key: str
    name: str
    hosts: tuple[str, ...]
    port: int

    @property
    def scheme(self) -> str:
        return self.origin.partition("://")[0]

    def contains(self, url: str) -> bool:
        """True when ``url`` (http or https) is on one of the site's hosts and on its port."""
        scheme, sep, rest = url.partition("://")
        if not sep:
            return False
        return _netloc_in(self, scheme.lower(), rest.partition("/")[0].partition("?")[0])

    def contains_netloc(self, scheme: str, netloc: str) -> bool:
        """:meth:`contains` for a URL's scheme and ``host[:port]`` (no user info)."""
        return _netloc_in(self, scheme.lower(), netloc)


@lru_cache(maxsize=4096)
def _netloc_in(site: Site, scheme: str, netloc: str) -> bool:
    default = DEFAULT_PORTS.get(scheme)
    if default is None:
        return False
    try:
        parts = urlsplit(f"{scheme}://{netloc}/")
        host, port = (parts.hostname or "").rstrip("."), parts.port or default
    except ValueError:  # a port out of range or not a number
        return False
    if not host_in(host, site.hosts):
        return False
    if port == site.port:
        return True
    return port == default and site.port == DEFAULT_PORTS[site.scheme]


def site_key(host: str, port: int, scheme: str) -> str:
    """A folder name for a site that no profile names: ``example.com``, ``127.0.0.1_8001``."""
    host = host.lower().strip("[]")
    if ":" in host:  # an IPv6 address
        host = "ipv6-" + host.replace(":", "-")
    key = _KEY_UNSAFE.sub("_", host).strip("._-") or "site"
    return key if port == DEFAULT_PORTS.get(scheme) else f"{key}_{port}"


def origin_of(url: str) -> tuple[str, str, int]:
    """``(origin, host, port)`` of an http(s) URL, normalised (``crawler.pages.urls.canonical_url``:
    lower-case host, no default port); raises ``BadURL`` for anything else."""
    parts = urlsplit(canonical_url(url))
    host = parts.hostname or ""
    return f"{parts.scheme}://{parts.netloc}", host, parts.port or DEFAULT_PORTS[parts.scheme]


def _profile_site(profile: SiteProfile) -> Site | None:
    if not profile.site:
        return None
    origin, _host, port = origin_of(profile.site)
    return Site(origin=origin, key=profile.name, name=profile.name,
                hosts=tuple(profile.domains), port=port)


def site_for(start_url: str, profile: SiteProfile,
             known: Iterable[SiteProfile] = ()) -> Site:
    """The site a crawl starting at ``start_url`` with ``profile`` belongs to: the profile's own
    site (or that of another ``known`` profile) when the URL is inside it, else the URL's
    origin."""
    origin, host, port = origin_of(start_url)
    for candidate in (profile, *known):
        own = _profile_site(candidate)
        if own is not None and own.contains(start_url):
            return own
    return Site(origin=origin, key=site_key(host, port, origin.partition(":")[0]), name=origin,
                hosts=(host,), port=port)
