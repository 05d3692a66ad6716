"""One page fetched politely, outside a crawl (``crawler extract URL``).

robots.txt is read first and obeyed (``ROBOTSTXT_OBEY``; a robots.txt that is missing or cannot
be fetched allows everything, as in a crawl); the request carries the crawl's ``User-Agent`` and
default headers, waits at most ``timeout`` seconds and reads at most ``max_bytes``; redirects are
followed (each target checked against its own site's robots.txt). Only the stdlib's HTTP client:
no Scrapy, no Twisted.
"""

from __future__ import annotations

import datetime as dt
import gzip
import socket
import urllib.error
import urllib.request
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urljoin, urlsplit

from protego import Protego

from crawler.typed_settings import SettingsReader

REDIRECTS = (301, 302, 303, 307, 308)
HTML_TYPES = ("text/html", "application/xhtml+xml")


class FetchError(Exception):
    """The page cannot be fetched as asked; the message says why (one line)."""


@dataclass
class Fetched:
    """A response: the final URL (after redirects), its status, headers and decoded body."""

    url: str
    status: int
    headers: Message
    body: bytes
    fetched_at: dt.datetime
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    @property
    def charset(self) -> str | None:
        return self.headers.get_content_charset()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the caller follows redirects itself, robots.txt checked at each hop


@dataclass
class PoliteFetcher:
    """Fetches pages with one identity, obeying robots.txt (read once per site)."""

    user_agent: str
    timeout: float = 30.0
    max_bytes: int = 64 * 1024 * 1024
    obey_robots: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    robots_agent: str | None = None
    _robots: dict[str, Protego | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect)

    @classmethod
    def from_settings(cls, settings: Any, timeout: float | None = None) -> PoliteFetcher:
        """A fetcher with the crawl's identity and limits: ``USER_AGENT``, ``DOWNLOAD_TIMEOUT``
        (or ``timeout``), ``DOWNLOAD_MAXSIZE``, ``ROBOTSTXT_OBEY``, ``DEFAULT_REQUEST_HEADERS``
        and ``ROBOTSTXT_USER_AGENT``."""
        read = SettingsReader(settings)
        return cls(user_agent=read.str("USER_AGENT"),
                   timeout=timeout or read.float("DOWNLOAD_TIMEOUT"),
                   max_bytes=read.int("DOWNLOAD_MAXSIZE"), obey_robots=read.bool("ROBOTSTXT_OBEY"),
                   headers=read.dict("DEFAULT_REQUEST_HEADERS"),
                   robots_agent=read.optional("ROBOTSTXT_USER_AGENT"))

    def _get(self, url: str) -> tuple[int, Message, bytes]:
        headers = {**self.headers, "User-Agent": self.user_agent,
                   "Accept-Encoding": "gzip, deflate"}
        request = urllib.request.Request(url, headers=headers)
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            response = exc  # a status to look at, not a failure of the fetch
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, socket.timeout | TimeoutError):
                raise FetchError(f"cannot fetch {url}: no answer within {self.timeout:g}s") \
                    from exc
            raise FetchError(f"cannot fetch {url}: {reason}") from exc
        with response:
            try:
                raw = response.read(self.max_bytes + 1)
            except (OSError, ValueError) as exc:
                raise FetchError(f"cannot read {url}: {exc}") from exc
        if len(raw) > self.max_bytes:
            raise FetchError(f"{url} is larger than {self.max_bytes} bytes (DOWNLOAD_MAXSIZE)")
        return response.status, response.headers, _decoded(raw, response.headers, url)

    def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets this user agent fetch ``url``."""
        if not self.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        return rules is None or rules.can_fetch(url, self.robots_agent or self.user_agent)

    def _read_robots(self, origin: str) -> Protego | None:
        try:
            status, _headers, body = self._get(origin + "/robots.txt")
        except FetchError:
            return None  # unreachable: as a crawl does, everything is allowed
        if status != 200:
            return None
        return Protego.parse(body.decode("utf-8", "replace"))

    def fetch(self, url: str, max_redirects: int = 10) -> Fetched:
        """GET ``url`` (following redirects); :class:`FetchError` for anything but a 2xx."""
        seen: list[str] = []
        for _ in range(max_redirects + 1):
            if not self.allowed(url):
                raise FetchError(f"robots.txt of {urlsplit(url).netloc} does not allow "
                                 f"{url} for {self.robots_agent or self.user_agent!r}")
            status, headers, body = self._get(url)
            if status in REDIRECTS and headers.get("Location"):
                seen.append(url)
                url = urljoin(url, headers["Location"])
                continue
            if not 200 <= status < 300:
                raise FetchError(f"{url} answered HTTP {status}")
            return Fetched(url, status, headers, body, dt.datetime.now(dt.UTC), seen)
        raise FetchError(f"{seen[0]} redirects more than {max_redirects} times")


def _decoded(raw: bytes, headers: Message, url: str) -> bytes:
    encoding = (headers.get("Content-Encoding") or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(raw)
        if encoding == "deflate":
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error) as exc:
        raise FetchError(f"{url}: its {encoding} body cannot be decoded: {exc}") from exc
    return raw
