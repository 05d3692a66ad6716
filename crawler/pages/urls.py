"""URL canonicalisation and scope: one spelling per page, tracking parameters stripped.

Pure functions; the spiders call them on every link before it becomes a request, so the
duplicate filter sees one URL per page whatever decoration a link carried.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Parameters that only say where a click came from (Google, Meta, Yandex, Microsoft, mail tools).
TRACKING_PARAM = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|yclid|ysclid|msclkid|twclid|igshid"
    r"|_ga|_gl|_hsenc|_hsmi|mc_cid|mc_eid|mkt_tok|oly_anon_id|oly_enc_id|vero_id|rb_clickid"
    r"|s_cid|ref_src|__twitter_impression|_openstat)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Distinct URLs whose canonical form is remembered: a page's menus, footers and teasers repeat
# on every page, so most links are answered from here; the bound keeps memory flat.
CANONICAL_CACHE_SIZE = 8192


class BadURL(ValueError):
    """A URL that cannot be crawled (no http(s) scheme or no host)."""


# Already canonical: lower-case http(s) host, no port or a non-default one, a path of unreserved
# characters only and no dot segment, no query, fragment or percent-escape; the full treatment
# returns it as it is.
_PLAIN = re.compile(
    r"(https?)://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::([1-9][0-9]{0,4}))?(/[A-Za-z0-9._~/-]*)?"
)


@lru_cache(maxsize=CANONICAL_CACHE_SIZE)
def canonical_url(url: str) -> str:
    """Canonical spelling of ``url``: lower-case host, no default port, no fragment, tracking
    parameters removed, remaining query parameters sorted, percent-encoding normalised.

    >>> canonical_url("HTTP://Example.com:80/a/?utm_source=x&b=2&a=1#top")
    'http://example.com/a/?a=1&b=2'
    """
    plain = _PLAIN.fullmatch(url) if "/." not in url else None
    if plain and (not plain[2] or _DEFAULT_PORTS[plain[1]] != int(plain[2]) < 65536):
        return url if plain[3] else url + "/"
    parts = urlsplit(safe_url_string(url.strip()))
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise BadURL(f"not an http(s) URL with a host: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if parts.port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{parts.port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
         if not TRACKING_PARAM.match(k)]
    )
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def url_origin(base: str) -> str:
    """``scheme://host[:port]`` of a base URL."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def quick_absolute(href: str, origin: str) -> str | None:
    """The absolute URL of an absolute or root-relative link without dot segments (most links
    on news sites), without the cost of ``urljoin``; None for the others."""
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("/") and not href.startswith("//") and "/." not in href:
        return origin + href
    return None


def validate_start_url(url: str) -> str:
    """Check a user-given start URL; returns it canonicalised or raises :class:`BadURL`."""
    if not url or "://" not in url or not urlsplit(url.strip()).netloc:
        # checked here, before w3lib (2.6 reads http:///x as http://x/)
        raise BadURL(f"start URL must look like http://host/ or https://host/, got {url!r}")
    return canonical_url(url)


def host_of(url: str) -> str:
    """Lower-case host name of ``url`` (no port)."""
    return (urlsplit(url).hostname or "").lower()


def in_scope(url: str, domains: tuple[str, ...] | list[str]) -> bool:
    """True when ``url``'s host is one of ``domains`` or a subdomain of one."""
    return host_in(host_of(url), tuple(domains))


@lru_cache(maxsize=1024)
def host_in(host: str, domains: tuple[str, ...]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one."""
    return any(host == d or host.endswith("." + d) for d in domains)


def path_shape(url: str) -> str:
    """The URL path with digit runs folded: ``/archive/2025/03/01/`` → ``/archive/N/N/N/``.

    Used to budget how many pages of one shape a crawl follows (calendar and faceted traps).
    """
    return re.sub(r"\d+", "N", urlsplit(url).path)
