"""The scope gate: one check, in the downloader, on every request a crawl would send.

Requests reach the downloader from many places: links found on pages, robots.txt's sitemaps,
sitemap and feed entries, the crawl state's rechecks, a resumed crawl's start, a distributed
crawl's shared queue, page requisites, and redirects (Scrapy's RedirectMiddleware makes a new
request, which comes through here again). :class:`ScopeGate` is a downloader middleware at
order 50, in place of Scrapy's ``OffsiteMiddleware`` (which knows host names, not ports), so
it sees each of them before robots.txt is fetched for it, before any politeness wait and
before anything is archived. It lets through:

* URLs of the crawl's site (the crawl context's, :class:`crawler.pages.site.Site`): its hosts and
  their subdomains on its port;
* the configured requisite hosts (``REQUISITES_HOSTS``, CDN hosts: ``host`` on any port or
  ``host:port``).

Every other request is never sent: it is counted (stat ``scope/refused``), announced with the
signal :data:`request_out_of_scope` (the crawl report lists them with where they came from),
logged once per host and port, and dropped with ``IgnoreRequest``, which the error-rate monitor
does not count as an error. A spider without a ``site`` is not gated.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

from crawler.crawl.context import CrawlContext
from crawler.pages.requisites import host_matches
from crawler.pages.site import DEFAULT_PORTS, Site
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Signal sent for every request the gate refuses: ``request``, ``spider``, ``reason``, ``via``.
request_out_of_scope = object()
REFUSED_STAT = "scope/refused"
MAX_LOGGED = 100  # origins whose first refused request is logged


def came_from(request: Request) -> str:
    """Where a request came from, for the report: a redirect, a page's link, or the start."""
    redirects = request.meta.get("redirect_urls")
    if redirects:
        return f"redirect from {redirects[-1]}"
    referer = request.headers.get(b"Referer")
    if referer:
        return f"link on {referer.decode('latin-1')}"
    return "start of the crawl (start URL, crawl state or queue)"


class ScopeGate:
    """Downloader middleware: only the crawl's site and the requisite hosts are requested."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        hosts = SettingsReader(crawler.settings).list("REQUISITES_HOSTS")
        self.extra_hosts = tuple(h for h in hosts if h.strip())
        self.site: Site | None = CrawlContext.of(crawler).site
        self._logged: set[str] = set()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeGate:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        if self.site is not None:
            logger.info("scope: %s (hosts %s%s)", self.site.origin, ", ".join(self.site.hosts),
                        f"; requisites also from {', '.join(self.extra_hosts)}"
                        if self.extra_hosts else "")

    def allows(self, request: Request) -> bool:
        """True when ``request`` may be sent."""
        if self.site is None or self.site.contains(request.url):
            return True
        parts = urlparse_cached(request)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or not self.extra_hosts:
            return False
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return False
        return host_matches(parts.hostname.lower(), port, self.extra_hosts)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.allows(request):
            return None
        assert self.site is not None
        parts = urlparse_cached(request)
        where = f"{parts.scheme}://{parts.netloc}"
        reason = f"{where} is not {self.site.origin}"
        via = came_from(request)
        self.stats.inc_value(REFUSED_STAT)
        if where not in self._logged and len(self._logged) < MAX_LOGGED:
            self._logged.add(where)
            logger.warning("not sending %s: out of the crawl's scope (%s; %s); further requests "
                           "to %s are only counted (stat %s)", request.url, reason, via, where,
                           REFUSED_STAT)
        self.crawler.signals.send_catch_log(request_out_of_scope, request=request,
                                            spider=spider, reason=reason, via=via)
        raise IgnoreRequest(f"out of scope: {request.url} ({reason})")
