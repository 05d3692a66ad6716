"""The crawl logic every news spider shares.

robots.txt → sitemaps (index, urlset, news) and feeds → articles (``spiders.discovery``); home
and section pages → in-scope links. Every link is canonicalised (tracking parameters stripped)
before it becomes a request, articles are yielded once per canonical URL, and link-following
stops in traps: a depth limit, a budget per path shape, and a stop after several pages in a row
found no new article.
An HTML page is parsed once, in an extraction worker that scans it (``crawler.pages.pagescan``) and
extracts it when it is an article; the spider only awaits the scan and decides what to follow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.crawl.context import CrawlContext
from crawler.dates import server_clock
from crawler.engine.seen import SeenKeys
from crawler.items import ArticlePage
from crawler.pages.pagescan import PageScan, ScanScope, scan_html
from crawler.pages.profiles import PROFILES, SiteProfile
from crawler.pages.requisites import RequisitePolicy
from crawler.pages.site import Site, site_for
from crawler.pages.urls import BadURL, canonical_url, path_shape, validate_start_url
from crawler.pageworkers.page_workers import PageWorkers
from crawler.render.render_extension import META_RENDERED, Renderer
from crawler.scope.shape_budget import ShapeCounter, shape_counter
from crawler.state.session import CrawlState
from crawler.typed_settings import SettingsReader
from spiders.discovery import PRIO_ARTICLE, PRIO_DISCOVERY, PRIO_LISTING, DiscoveryDocuments

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def _body_text(response: Response) -> str:
    """The text of a response: decoded as Scrapy's TextResponse decodes it, else as UTF-8."""
    if isinstance(response, TextResponse):
        return response.text
    return response.body.decode("utf-8", "replace")


def _content_type(response: Response) -> tuple[str, str | None]:
    """The media type of a response and the charset its Content-Type names, if any."""
    value = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    match = _CHARSET.search(value)
    return value.split(";")[0].strip(), match.group(1) if match else None


def server_date(response: Response) -> str | None:
    """The response's ``Date`` header (when the server rendered the page) as ISO 8601, or None
    when it is missing or unreadable (extraction then counts from the fetch time)."""
    return server_clock(response.headers.get(b"Date"))


def parse_since(value: str | dt.datetime | None) -> dt.datetime | None:
    """``--since`` as an aware datetime (a bare date means its start, UTC)."""
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"--since must be an ISO date like 2025-03-01, got {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class NewsSiteSpider(DiscoveryDocuments, scrapy.Spider):
    """Base class: subclasses set ``name`` and ``profile``; ``-a url=`` points it at a host."""

    profile: SiteProfile
    default_url: str | None = None
    barren_limit: int  # set in from_crawler (BARREN_PAGES_LIMIT)
    shape_budget: int  # PATH_SHAPE_BUDGET
    requisites: RequisitePolicy  # REQUISITES_*

    def __init__(self, url: str | None = None, since: str | None = None,
                 more_urls: str | None = None, **kwargs: Any):
        if "seeds" in kwargs:
            raise ValueError("a seed list is crawled one Scrapy crawler per site: run `crawler "
                             f"crawl {self.name} --seeds FILE` (or -a seeds=FILE there)")
        super().__init__(**kwargs)
        url = url or self.default_url
        if not url:
            raise ValueError(f"spider {self.name!r} needs a start URL: -a url=https://site/")
        self.start_url = validate_start_url(url)
        # the crawl's identity and scope (crawler.pages.site)
        self.site = self.site_of(self.start_url)
        if self.site.key != self.profile.name:  # not the profile's own site: a copy, or news
            self.profile = self.profile.with_start_url(self.start_url)
        self.base_url = f"{urlsplit(self.start_url).scheme}://{urlsplit(self.start_url).netloc}/"
        self.allowed_domains = list(self.site.hosts)
        self.since = parse_since(since)
        # further start URLs on the same site (a seed list naming the site twice), comma-separated
        self.more_urls = [validate_start_url(u) for u in (more_urls or "").split(",") if u]
        # URL hashes (``hash(url)``, fixed within a process) in seen-sets of about 10 bytes a
        # key (crawler.engine.seen), so they stay small in big crawls.
        self.articles_seen = SeenKeys()  # canonical URLs yielded as items
        self.article_links = SeenKeys()  # article-shaped URLs seen in links
        # Canonical URLs already requested: the duplicate filter would drop them again, so
        # they are not turned into requests a second time (menus repeat on every page).
        self.requested = SeenKeys()
        self._shape_counter: ShapeCounter | None = None  # PATH_SHAPE_COUNTER, on first use
        self._scope: ScanScope | None = None
        self._context: CrawlContext | None = None

    @classmethod
    def site_of(cls, url: str | None = None) -> Site:
        """The site a crawl of this spider starting at ``url`` (default: its own) belongs to;
        raises ``BadURL`` for a URL that is not http(s)."""
        start = url or cls.default_url
        if not start:
            raise BadURL(f"spider {cls.name!r} needs a start URL: -a url=https://site/")
        return site_for(start, cls.profile, PROFILES.values())

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSiteSpider:
        read = SettingsReader(crawler.settings)
        kwargs.setdefault("since", read.str("SINCE") or None)
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.barren_limit = read.int("BARREN_PAGES_LIMIT")
        spider.shape_budget = read.int("PATH_SHAPE_BUDGET")
        spider.obey_crawl_delay = read.bool("ROBOTSTXT_CRAWL_DELAY")
        spider.requisites = RequisitePolicy.from_settings(crawler.settings, spider.allowed_domains,
                                                          site=spider.site)
        crawler.signals.connect(spider._scheduled, signal=signals.request_scheduled)
        return spider

    @property
    def context(self) -> CrawlContext:
        """The crawl's context (``crawler.crawl.context``): Scrapy builds the spider first, so
        it is looked up when the crawl first needs it."""
        if self._context is None:
            self._context = CrawlContext.of(self.crawler)
        return self._context

    # --- start -----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        yield scrapy.Request(
            urljoin(self.base_url, "/robots.txt"), callback=self.parse_robots,
            errback=self.robots_failed, priority=PRIO_DISCOVERY + 10,
            meta={"dont_obey_robotstxt": True, "handle_httpstatus_all": True},
        )
        starts = [self.start_url, *self.more_urls,
                  *(urljoin(self.base_url, p) for p in self.profile.start_paths)]
        for url in dict.fromkeys(canonical_url(u) for u in starts):
            yield scrapy.Request(url, callback=self.parse_page, priority=PRIO_LISTING + 5)
        yield from self._state_requests()

    # --- pages -----------------------------------------------------------------------------
    async def parse_page(self, response: Response,
                         hints: dict[str, str] | None = None) -> AsyncIterator[Any]:
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("pages/not_html")
            return
        url = canonical_url(response.url)
        scan, extracted = await self._scan(response, url)
        renderer = self.context.parts.get(Renderer)  # pages built by JavaScript (crawler.render)
        if renderer is not None and not (scan.is_article and self._written(scan, url)):
            response, scan, extracted = await renderer.after_scan(response, url, scan, extracted,
                                                                  self._scan)
        canonical = scan.canonical or url
        if scan.is_article and hash(canonical) not in self.articles_seen:
            self.articles_seen.add(hash(canonical))
            self.articles_seen.add(hash(url))
            yield self._article_item(response, url, canonical, hints or {}, extracted)
            for request in self._requisite_requests(scan.requisites, 0):
                yield request
        for request in self._follow_links(scan.links, scan.is_article,
                                          response.meta.get("barren", 0)):
            yield request
        for feed in scan.feeds:
            for request in self._follow(feed, self.parse_feed, PRIO_DISCOVERY):
                yield request

    def scan_scope(self) -> ScanScope:
        """What page scans need to know of this crawl (``crawler.pages.pagescan``)."""
        renderer = self.context.parts.get(Renderer)
        return ScanScope(self.profile, tuple(self.allowed_domains), self.requisites, self.site,
                         render_probe=renderer.probe if renderer is not None else 0)

    def _written(self, scan: PageScan, url: str) -> bool:
        """True for an article page whose record this crawl yielded already."""
        return hash(scan.canonical or url) in self.articles_seen

    async def _scan(self, response: HtmlResponse, url: str) -> tuple[PageScan, dict | None]:
        """Scan the page in a page worker (``crawler.pageworkers.page_workers``), extracting it
        there too when it is an article not written yet; in this process when the pool is off."""
        charset = _content_type(response)[1]
        workers = self.context.parts.get(PageWorkers)
        if workers is None:
            if self._scope is None:
                self._scope = self.scan_scope()
            scan, extracted = scan_html(response.body, response.url, self._scope, charset), None
        else:
            scan, extracted = await workers.scan(
                response.body, response.url, url, self._fetched_at(response), charset,
                extract=hash(url) not in self.articles_seen,
                server_date=server_date(response))
        if scan.scan_error:
            self.crawler.stats.inc_value("pages/scan_error")
            self.logger.warning("could not scan %s: %s", response.url, scan.scan_error)
        return scan, extracted

    @staticmethod
    def _fetched_at(response: Response) -> str:
        """When the response arrived (its WARC date), ISO 8601."""
        warc = response.meta.get("warc")
        return (warc or {}).get("date") or dt.datetime.now(dt.UTC).isoformat()

    def _article_item(self, response: HtmlResponse, url: str, canonical: str,
                      hints: dict[str, str], extracted: dict | None) -> ArticlePage:
        content_type, charset = _content_type(response)
        return ArticlePage(
            url=url, canonical_url=canonical, site=self.site.name, body=response.body,
            status=response.status, content_type=content_type, http_charset=charset,
            fetched_at=self._fetched_at(response), warc=response.meta.get("warc"),
            hints=hints, extracted=extracted, server_date=server_date(response),
            rendered=response.meta.get(META_RENDERED),
        )

    def _follow_links(self, links: list[tuple[str, bool]], from_article: bool,
                      barren_before: int) -> Iterator[Any]:
        """Requests for a page's links (canonical and in scope, from its scan): articles
        always, other pages until too many pages in a row found no new article, and while
        their URL shape is within ``PATH_SHAPE_BUDGET``."""
        found: list[tuple[str, bool]] = []
        new_articles = 0
        for url, is_article in links:
            if not self._wants(url, is_article, from_article=from_article):
                continue  # written already, or known and unchanged: not new, not requested
            if is_article and hash(url) not in self.article_links:
                self.article_links.add(hash(url))
                new_articles += 1
            found.append((url, is_article))
        barren = 0 if new_articles else barren_before + 1
        self.crawler.stats.max_value("discovery/max_barren_streak", barren)
        listings: list[str] = []
        for url, is_article in found:
            if is_article:
                yield from self._follow(url, self.parse_page, PRIO_ARTICLE)
            elif barren <= self.barren_limit:
                listings.append(url)
            else:
                self.crawler.stats.inc_value("discovery/pruned_links")
        for url in self._within_budget(listings):
            yield from self._follow(url, self.parse_page, PRIO_LISTING, barren=barren)

    def _within_budget(self, urls: list[str]) -> list[str]:
        """The listing links to follow: each new one counts against its path shape's budget
        (counted for the whole crawl in a distributed one, ``PATH_SHAPE_COUNTER``); links
        requested before cost nothing (menus repeat on every page)."""
        fresh = [url for url in dict.fromkeys(urls) if not self._requested_before(url)]
        if not fresh:
            return []
        if self._shape_counter is None:
            self._shape_counter = shape_counter(self.crawler)
        counts = self._shape_counter.add([path_shape(url) for url in fresh])
        within = [url for url, count in zip(fresh, counts, strict=True)
                  if count <= self.shape_budget]
        if len(within) < len(fresh):
            self.crawler.stats.inc_value("discovery/pruned_links", len(fresh) - len(within))
            self.crawler.stats.inc_value("discovery/over_shape_budget", len(fresh) - len(within))
        return within

    # --- page requisites (crawler.pages.requisites) ----------------------------------------
    def _requisite_requests(self, urls: list[str], level: int) -> Iterator[scrapy.Request]:
        for url in urls:
            if self._requested_before(url):
                continue  # the site's stylesheet, logo and scripts: once per crawl
            self.crawler.stats.inc_value("requisites/requested")
            yield scrapy.Request(url, callback=self.parse_requisite, priority=PRIO_ARTICLE + 1,
                                 meta={"requisite": level, "allow_offsite": True})

    def parse_requisite(self, response: Response) -> Iterator[scrapy.Request]:
        """Nothing to extract (the WARC middleware has archived the response); a stylesheet
        yields the requisites it refers to, up to ``REQUISITES_DEPTH`` levels."""
        level = response.meta.get("requisite", 0)
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        refs = self.requisites.from_stylesheet(response.url, ctype, level,
                                               lambda: _body_text(response))
        yield from self._requisite_requests(refs, level + 1)

    # --- crawl state hooks (crawler.state: incremental crawls and resume) --------------------
    def _wants(self, url: str, is_article: bool, hints: dict[str, str] | None = None,
               from_article: bool = False) -> bool:
        """False when the crawl state says this link needs no request (an article written
        already in a resumed crawl, or known, outside the recheck window and unchanged; in an
        incremental crawl, a non-article link out of an article page)."""
        state = self.context.parts.get(CrawlState)
        return state is None or state.wants(url, is_article, hints, from_article=from_article)

    def _state_requests(self) -> Iterator[scrapy.Request]:
        """Incremental crawls: fewer barren listing pages, and recent articles rechecked."""
        state = self.context.parts.get(CrawlState)
        if state is None:
            return
        self.barren_limit = state.barren_limit(self.barren_limit)
        for url in state.recheck_urls():
            yield from self._follow(url, self.parse_page, PRIO_ARTICLE)

    def _follow(self, url: str, callback: Any, priority: int, *, hints: dict | None = None,
                barren: int = 0) -> Iterator[scrapy.Request]:
        try:
            url = canonical_url(url)
        except BadURL:
            return
        if self._requested_before(url):
            return  # whether it is in scope is the scope gate's call (crawler.scope.gate)
        yield scrapy.Request(url, callback=callback, priority=priority,
                             cb_kwargs={"hints": hints} if hints else {},
                             meta={"barren": barren})

    def _requested_before(self, url: str) -> bool:
        """True when ``url`` was scheduled already: the duplicate filter would drop it, so the
        request, its fingerprint and its trip through the middlewares are saved (no request
        of the spider is ``dont_filter``)."""
        return hash(url) in self.requested

    def _scheduled(self, request: scrapy.Request, spider: Spider | None = None) -> None:
        """``request_scheduled``: the request passed the spider middlewares (depth, offsite)
        and reached the scheduler, whose duplicate filter now knows its URL: asking for it
        again is pointless."""
        self.requested.add(hash(request.url))

