"""The articles of the JavaScript fixture site and their ground truth (deterministic per seed).

Two kinds of article: **app** articles, whose pages are an empty application shell filled from
the site's JSON API by its script, and **print** articles (the static section), whose pages are
rendered on the server like any news site's. Both carry a title, a publication instant with its
UTC offset (Europe/Berlin, daylight saving included), an author, paragraphs, an image and three
related articles.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fixture_site.unseen.copy_en import PEOPLE as _PEOPLE
from fixture_site.unseen.copy_en import compose_en

ZONE = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 10  # items per page of the listing API
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Article:
    """One article; ``kind`` is ``app`` (built by script) or ``print`` (server-rendered)."""

    id: int
    kind: str
    title: str
    teaser: str
    author: str
    published: datetime  # aware, Europe/Berlin
    paragraphs: tuple[str, ...]
    related: tuple[int, ...]

    @property
    def slug(self) -> str:
        return _SLUG.sub("-", self.title.lower()).strip("-")[:60].rstrip("-")

    @property
    def path(self) -> str:
        if self.kind == "app":
            return f"/news/{self.id}-{self.slug}"
        return f"/print/{self.id}-{self.slug}.html"

    @property
    def image(self) -> str:
        return f"/media/{self.id}.png"

    @property
    def text(self) -> str:
        """The article's text as a reader sees it: paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    def api(self, by_id: dict[int, Article]) -> dict[str, object]:
        """The article as the JSON API serves it."""
        return {"id": self.id, "title": self.title, "author": self.author,
                "published": self.published.isoformat(), "image": self.image,
                "paragraphs": list(self.paragraphs),
                "related": [{"title": by_id[r].title, "url": by_id[r].path}
                            for r in self.related if r in by_id]}


def build_articles(app: int, printed: int, seed: int = 7) -> list[Article]:
    """``app`` script-built and ``printed`` server-rendered articles, newest first."""
    rng = random.Random(seed)
    total = app + printed
    start = datetime(2025, 11, 28, 18, 0, tzinfo=ZONE)
    out: list[Article] = []
    used: set[str] = set()
    for n in range(total):
        title, _alt, dek, lead, prose = compose_en(rng)
        paragraphs = _unique([lead, *prose], used)
        published = (start - timedelta(hours=7 * n, minutes=rng.randint(0, 59))).astimezone(ZONE)
        if n % 9 == 4:  # some in summer time (+02:00)
            published = published.replace(month=7).astimezone(ZONE)
        ident = 1000 + n
        kind = "app" if n < app else "print"
        group = range(1000, 1000 + app) if kind == "app" else range(1000 + app, 1000 + total)
        related = tuple(i for i in (ident + 1, ident + 2, ident + 3) if i in group)
        name, _role = rng.choice(_PEOPLE)
        out.append(Article(ident, kind, title, dek, name, published, paragraphs, related))
    return out


def _unique(paragraphs: list[str], used: set[str]) -> tuple[str, ...]:
    """The paragraphs, each one the site printed before joined to a neighbour: a paragraph
    repeated across articles is the site's boilerplate, which a crawl rightly strips."""
    out = list(paragraphs)
    while len(out) > 1:
        repeated = next((i for i, p in enumerate(out) if p in used or out.count(p) > 1), None)
        if repeated is None:
            break
        first = max(0, repeated - 1)
        out[first:first + 2] = [f"{out[first]} {out[first + 1]}"]
    used.update(out)
    return tuple(out)


def listing_page(articles: list[Article], page: int) -> dict[str, object]:
    """One page of the listing API (``/api/list?page=N``, from 1)."""
    app = [a for a in articles if a.kind == "app"]
    chunk = app[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    more = page * PAGE_SIZE < len(app)
    return {"page": page, "next": f"/api/list?page={page + 1}" if more else None,
            "items": [{"id": a.id, "title": a.title, "teaser": a.teaser, "url": a.path,
                       "published": a.published.isoformat()} for a in chunk]}


def truth(articles: list[Article], base: str) -> list[dict[str, object]]:
    """What a crawl must write: one record per article, with absolute URLs on ``base``."""
    return [{"url": base.rstrip("/") + a.path, "kind": a.kind, "title": a.title,
             "published": a.published.isoformat(), "authors": [a.author], "text": a.text}
            for a in articles]
