"""``FixtureSite``: a deterministic imitation of vsedelo.com answering HTTP requests in-process.

``render()`` is pure apart from the per-state memory of ``/special/busy.html`` (503 once, then
200); servers pass their own :class:`SiteState`. Every page is built on demand from the seed.
With ``generation=N`` the site evolves (``fixture_site.evolve``): newer articles appear and
some older ones are edited. Every 200 page carries validators (ETag; articles also
Last-Modified) and conditional requests get 304, unless ``all_validators=False`` (articles only).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fixture_site import assets
from fixture_site import lexicon as lx
from fixture_site.article_page import image_path, render_article, render_print
from fixture_site.chrome import SITE_NAME, Ctx
from fixture_site.evolve import evolve
from fixture_site.feeds import (
    article_sitemap,
    atom,
    news_sitemap,
    robots_txt,
    rss,
    sections_sitemap,
    sitemap_index,
)
from fixture_site.kyiv import WINTER, iso_minute, to_kyiv
from fixture_site.listing_pages import (
    archive_path,
    category_pages,
    render_archive,
    render_category,
    render_error,
    render_home,
    render_search,
    render_special,
)
from fixture_site.model import Article, Catalogue
from fixture_site.responses import (
    Response,
    get_header,
    html,
    make,
    negotiate,
    not_modified,
    redirect,
    strong_etag,
    with_validators,
)

DEFAULT_NOW = datetime(2025, 11, 23, 12, 0, tzinfo=WINTER)
DEFAULT_HOST = "127.0.0.1:8000"
XML = "application/xml; charset=utf-8"
_CATS = "|".join(lx.CATEGORIES)
_ARTICLE = re.compile(rf"^(/ru)?/news/({_CATS})/(\d+)-([a-z0-9-]+)\.html$")
_CATEGORY = re.compile(rf"^(/ru)?/news/({_CATS})/(?:page/(\d+)/)?$")
_ARCHIVE = re.compile(r"^/archive/(\d{4})/(\d{2})/(\d{2})/$")


class SiteState:
    """Mutable per-server memory: which one-time failures were already served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._busy_served = False

    def first_busy(self) -> bool:
        """True exactly once: the first request of ``/special/busy.html`` gets a 503."""
        with self._lock:
            first, self._busy_served = not self._busy_served, True
            return first


class FixtureSite:
    """A bilingual (uk/ru) news site of ``articles`` articles generated from ``seed``."""

    def __init__(
        self,
        articles: int = 200,
        seed: int = 1,
        now: datetime | None = None,
        latency: float = 0.0,
        crawl_delay: float = 0.0,
        slow_seconds: float = 2.0,
        generation: int | None = None,
        new_per_generation: int = 12,
        edits_per_generation: int = 3,
        all_validators: bool = True,
        busy_retry_after: int = 1,
    ) -> None:
        now = now or DEFAULT_NOW
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.seed = seed
        self.latency = latency
        self.crawl_delay = crawl_delay
        self.slow_seconds = slow_seconds
        self.busy_retry_after = busy_retry_after  # seconds, on the one 503 of /special/busy.html
        self.generation = generation
        self.all_validators = all_validators
        if generation is None:
            self.articles = articles
            self.catalogue = Catalogue(articles, seed, now)
        else:  # ``now`` is the clock of generation 0
            evo = evolve(seed, articles, now, generation, new_per_generation, edits_per_generation)
            self.articles = evo.articles
            self.catalogue = Catalogue(evo.articles, seed, evo.now, evo.hidden, evo.edits)
        self.now = self.catalogue.now
        self.state = SiteState()

    # -- ground truth -----------------------------------------------------------------------
    def article(self, index: int) -> Article:
        """Article ``index`` (0 is the newest)."""
        return self.catalogue.article(index)

    def article_urls(self, base_url: str) -> list[str]:
        """Canonical URLs of all articles, both languages (uk then ru per article)."""
        base = base_url.rstrip("/")
        return [
            base + self.catalogue.path(i, lang)
            for i in range(self.articles)
            for lang in ("uk", "ru")
        ]

    def ground_truth(self, base_url: str = "http://" + DEFAULT_HOST) -> Iterator[dict]:
        """One record per article per language: what a perfect crawler+extractor would find."""
        base = base_url.rstrip("/")
        for i in range(self.articles):
            art = self.article(i)
            img = image_path(art)
            for lang, other in (("uk", "ru"), ("ru", "uk")):
                t = art.texts[lang]
                yield {
                    "id": art.id,
                    "url": base + art.path(lang),
                    "language": lang,
                    "title": t.title,
                    "paragraphs": t.paragraphs,
                    # An unsigned article with JSON-LD credits the newsroom (its author is
                    # the site's Organization): records keep that credit (docs/extraction.md).
                    "authors": [a[lang == "ru"] for a in art.authors] or (
                        [SITE_NAME[lang]] if art.date_style == "jsonld" else []),
                    "published": iso_minute(art.published),
                    "modified": iso_minute(art.modified) if art.modified else None,
                    "translation": base + art.path(other),
                    "category": art.category,
                    "tags": [tag[lang == "ru"] for tag in art.tags],
                    "image": base + img if img else None,
                    "charset": art.charset(lang),
                }

    def write_ground_truth(self, path: str | Path, base_url: str) -> int:
        """Write :meth:`ground_truth` as JSON Lines; returns the number of records."""
        count = 0
        with open(path, "w", encoding="utf-8") as out:
            for record in self.ground_truth(base_url):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count

    # -- HTTP -------------------------------------------------------------------------------
    def render(
        self,
        method: str,
        path_with_query: str,
        headers: Mapping[str, str],
        state: SiteState | None = None,
    ) -> Response:
        """Answer one request. HEAD gets GET's headers without the body."""
        method = method.upper()
        if method not in ("GET", "HEAD"):
            return make(405, b"Method Not Allowed\n", "text/plain", [("Allow", "GET, HEAD")])
        host = get_header(headers, "Host") or DEFAULT_HOST
        if host.split(":")[0].lower() == "localhost":
            port = host.partition(":")[2]
            return redirect(301, f"http://127.0.0.1{':' + port if port else ''}{path_with_query}")
        parts = urlsplit(path_with_query)
        ctx = Ctx(
            base=f"http://{host}",
            host=host,
            lang="ru" if parts.path.startswith("/ru/") else "uk",
            today_path=archive_path(to_kyiv(self.now).date()),
            size=self.articles,
        )
        resp = self._route(ctx, parts.path or "/", parts.query, state or self.state)
        if self.all_validators and resp.status == 200 and resp.header("ETag") is None:
            resp = replace(resp, headers=[*resp.headers, ("ETag", strong_etag(resp.body))])
        resp = not_modified(resp, headers) or resp
        resp = negotiate(resp, headers)
        if method == "HEAD":
            resp = Response(resp.status, resp.headers, b"", resp.delay)
        return resp

    def _route(self, ctx: Ctx, path: str, query: str, state: SiteState) -> Response:
        cat = self.catalogue
        if path in ("/", "/ru/"):
            return html(200, render_home(ctx, cat))
        if m := _ARTICLE.match(path):
            return self._article(ctx, m)
        if m := _CATEGORY.match(path):
            return self._category(ctx, m)
        if _CATEGORY.match(path + "/") or path == "/ru":
            return redirect(301, f"{ctx.base}{path}/")
        if m := _ARCHIVE.match(path):
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return self._error(ctx, 404)
            return html(200, render_archive(ctx, cat, day))
        if m := re.fullmatch(r"/(go|old)/(\d+)", path):
            art = cat.by_id(int(m[2]))
            if art is None:
                return self._error(ctx, 404)
            if m[1] == "old":
                return redirect(302, f"{ctx.base}/go/{art.id}")
            return redirect(301, ctx.base + art.path("uk"))
        if m := re.fullmatch(r"/print/(\d+)/", path):
            art = cat.by_id(int(m[1]))
            return html(200, render_print(ctx, art)) if art else self._error(ctx, 404)
        if path == "/search":
            return html(200, render_search(ctx, cat, parse_qs(query).get("q", [""])[0]))
        if path.startswith("/admin"):
            return html(403, render_error(ctx, 403))
        if path == "/news/broken.html":
            return html(500, render_error(ctx, 500))
        if path == "/special/busy.html":
            if state.first_busy():
                retry_after = ("Retry-After", str(self.busy_retry_after))
                return html(503, render_error(ctx, 503), extra=[retry_after])
            return html(200, render_special(ctx, cat, "Спецпроєкт: як змінюються ціни"))
        if path == "/special/slow.html":
            return html(
                200, render_special(ctx, cat, "Велике інтерв'ю тижня"), delay=self.slow_seconds
            )
        return self._files(ctx, path) or self._error(ctx, 404)

    def _article(self, ctx: Ctx, m: re.Match[str]) -> Response:
        art = self.catalogue.by_id(int(m[3]))
        lang = "ru" if m[1] else "uk"
        if art is None or art.category != m[2] or art.slugs[lang] != m[4]:
            return self._error(ctx, 404)
        charset = art.charset(lang)
        resp = html(
            200,
            render_article(ctx, self.catalogue, art, charset),
            charset,
            art.charset_in_header(lang),
        )
        return with_validators(resp, art.last_change)

    def _category(self, ctx: Ctx, m: re.Match[str]) -> Response:
        page_no = int(m[3]) if m[3] else 1
        if m[3] and page_no == 1:
            return redirect(301, f"{ctx.base}{m[1] or ''}/news/{m[2]}/")
        if not 1 <= page_no <= category_pages(self.catalogue, m[2]):
            return self._error(ctx, 404)
        return html(200, render_category(ctx, self.catalogue, m[2], page_no))

    def _files(self, ctx: Ctx, path: str) -> Response | None:
        cat, base = self.catalogue, ctx.base
        text_files = {
            "/robots.txt": lambda: (
                robots_txt(base, self.crawl_delay),
                "text/plain; charset=utf-8",
            ),
            "/sitemap.xml": lambda: (sitemap_index(base, cat), XML),
            "/sitemaps/sections.xml": lambda: (sections_sitemap(base, cat), XML),
            "/news-sitemap.xml": lambda: (news_sitemap(base, cat), XML),
            "/rss.xml": lambda: (rss(base, cat, "uk"), "application/rss+xml; charset=utf-8"),
            "/ru/rss.xml": lambda: (rss(base, cat, "ru"), "application/rss+xml; charset=utf-8"),
            "/atom.xml": lambda: (atom(base, cat), "application/atom+xml; charset=utf-8"),
            "/static/css/site.css": lambda: (assets.CSS, "text/css; charset=utf-8"),
            "/static/js/app.js": lambda: (assets.JS, "application/javascript; charset=utf-8"),
        }
        if path in text_files:
            text, ctype = text_files[path]()
            return make(200, text.encode(), ctype)
        if path == "/static/img/logo.png":
            return make(200, assets.LOGO, "image/png")
        if path == "/favicon.ico":
            return make(200, assets.favicon(), "image/x-icon")
        if m := re.fullmatch(r"/sitemaps/articles-(\d+)\.xml", path):
            body = article_sitemap(base, cat, int(m[1]))
            return make(200, body.encode(), XML) if body else None
        if m := re.fullmatch(r"/static/img/(\d+)\.jpg", path):
            art = cat.by_id(int(m[1]))
            return make(200, assets.article_image(art.id), "image/jpeg") if art else None
        if m := re.fullmatch(r"/files/report-(\d+)\.pdf", path):
            art = cat.by_id(int(m[1]))
            if art and art.pdf:
                pdf = assets.report_pdf(art.id, iso_minute(art.published))
                return make(200, pdf, "application/pdf")
        return None

    def _error(self, ctx: Ctx, status: int) -> Response:
        return html(status, render_error(ctx, status))
