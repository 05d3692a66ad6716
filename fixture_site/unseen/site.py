"""One unseen site: its stories, its routes and its ground truth, rendered in-process.

``UnseenSite.render(path, now)`` answers a request as the site's server would at server time
``now`` (relative dates on pages are computed from it); ``gold()`` is the ground truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from fixture_site.unseen.catalogue import build_stories
from fixture_site.unseen.model import GoldArticle, SiteSpec, Story, gold_published
from fixture_site.unseen.theme import Feed, Page, Theme, esc


@dataclass
class Response:
    """A rendered answer: status, headers (besides Date and Server) and body."""

    status: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def http_date(moment: datetime) -> str:
    """An RFC 9110 IMF-fixdate (``Sun, 23 Mar 2025 12:05:00 GMT``)."""
    return format_datetime(moment, usegmt=True)


class UnseenSite:
    """A generated site; ``base`` is the origin it is served at (set by the server)."""

    def __init__(self, theme: Theme, seed: int = 1, scale: float = 1.0,
                 base: str = "http://127.0.0.1:8000", spec: SiteSpec | None = None) -> None:
        self.theme = theme
        self.spec: SiteSpec = spec or theme.spec  # another zone or name: the theme's own site
        self.seed = seed
        self.base = base.rstrip("/")
        self.stories = build_stories(self.spec, theme, seed, scale)
        self._by_lang = {lang: [s for s in self.stories if s.lang == lang]
                         for lang in self.spec.langs}
        self._articles = {s.path: s for s in self.stories}
        self._pages: dict[str, Page] | None = None
        self._feeds: dict[str, Feed] | None = None

    @property
    def key(self) -> str:
        """The site's short name (``wp``, ``bitrix``…)."""
        return self.spec.key

    def in_lang(self, lang: str) -> list[Story]:
        """The site's article pages in ``lang``, newest first."""
        return self._by_lang.get(lang, [])

    def story(self, lang: str, index: int) -> Story:
        """Article ``index`` (0 = newest) in ``lang``."""
        return self._by_lang[lang][index]

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return self.base + path

    def routes(self) -> tuple[dict[str, Page], dict[str, Feed]]:
        """The HTML pages and the feeds, by path (with query), built once."""
        if self._pages is None or self._feeds is None:
            self._pages = self.theme.pages(self)
            self._feeds = self.theme.feeds(self)
        return self._pages, self._feeds

    def paths(self) -> list[str]:
        """Every path the site answers 200 for."""
        pages, feeds = self.routes()
        return [*self._articles, *pages, *feeds]

    def render(self, target: str, now: datetime) -> Response:
        """Answer a GET for ``target`` (path and query) at server time ``now``."""
        parts = urlsplit(target)
        path = parts.path or "/"
        full = path + (f"?{parts.query}" if parts.query else "")
        pages, feeds = self.routes()
        html_type = f"text/html; charset={self.theme.charset}"
        story = self._articles.get(full) or self._articles.get(path)
        if story is not None:
            changed = min(story.modified or story.published, now)
            return Response(200, html_type, self._encode(self.theme.article(self, story, now)),
                            [("Last-Modified", http_date(changed)), *self.theme.headers])
        if full in pages:
            return Response(200, html_type, self._encode(pages[full](now)),
                            list(self.theme.headers))
        if full in feeds:
            kind, render = feeds[full]
            return Response(200, kind, render(now).encode("utf-8"))
        body = f"<!DOCTYPE html><html><head><title>404</title></head><body><h1>Not Found</h1>" \
               f"<p>{esc(path)}</p></body></html>"
        return Response(404, html_type, self._encode(body))

    def _encode(self, text: str) -> bytes:
        return text.encode(self.theme.charset, errors="xmlcharrefreplace")

    def gold(self) -> list[GoldArticle]:
        """Ground truth of every article page."""
        zone = self.spec.zone
        return [
            GoldArticle(
                url=self.url(s.path),
                title=s.copy.title,
                text="\n\n".join(s.paragraphs),
                published=gold_published(s, zone),
                zone=zone.name,
                language=s.lang,
                site=self.key,
            )
            for s in self.stories
        ]

    def summary(self) -> dict[str, object]:
        """The site's facts and ground truth, JSON-ready."""
        return {
            "site": self.key,
            "name": self.spec.name,
            "theme": self.spec.theme,
            "url": self.base + "/",
            "zone": self.spec.zone.name,
            "languages": list(self.spec.langs),
            "render_at": self.spec.render_at.isoformat(),
            "boilerplate": list(self.spec.boilerplate),
            "articles": [g.as_dict() for g in self.gold()],
        }

    def write_ground_truth(self, path: str | Path) -> int:
        """Write :meth:`summary` as JSON; returns the number of articles."""
        data = self.summary()
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        return len(data["articles"])  # type: ignore[arg-type]
