"""What an unseen site is made of: its spec, its stories (article pages) and their ground truth.

Ground truth is what a careful reader of the page plus its sitemap/feed entry would say:

* ``published`` is the exact instant (minute, with the zone's offset at that date) when the page
  or its news-sitemap/feed entry states a time; the local day (``YYYY-MM-DD``) when only a day is
  stated anywhere (page, URL); ``None`` when nothing dates the article.
* ``text`` is the lead and body paragraphs joined by a blank line: no headline, dek, date or
  byline lines, captions, CTA lines, read-also blocks, author bios or comments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fixture_site.unseen.zones import ZONES, Zone, iso_local

EVIDENCE = ("time", "day", "relative", "none")


@dataclass(frozen=True)
class Copy:
    """The words of one article page."""

    title: str
    alt_title: str
    dek: str
    lead: str
    body: tuple[str, ...]
    other_lead: str = ""  # the other language's lead, which bilingual portals leak in


@dataclass(frozen=True)
class Section:
    """A site section: its slug and its name in each of the site's languages."""

    slug: str
    names: dict[str, str]
    topic: str = "politics"  # the word bank it draws on (fixture_site.lexicon.CATEGORIES)


@dataclass(frozen=True)
class Author:
    """A staff writer and the bio box printed under their articles."""

    name: str
    bio: str
    lang: str = ""


@dataclass(frozen=True)
class Cta:
    """A site-wide call-to-action line the CMS injects into article bodies.

    ``where``: ``first`` (after the first paragraph), ``middle`` or ``end`` of the body;
    ``share``: the fraction of the language's articles that carry it.
    """

    lang: str
    text: str
    where: str
    share: float


@dataclass(frozen=True)
class SiteSpec:
    """The fixed facts of one site: who it is, where its clock is, what it publishes."""

    key: str
    name: str
    theme: str
    zone_name: str
    langs: tuple[str, ...]
    render_at: datetime  # UTC: the server's clock when it starts serving
    stories: int  # article pages per language
    since: date  # the oldest article's day
    edges: tuple[tuple[str, int], ...] = ()  # local "YYYY-MM-DD HH:MM" (and fold) near DST
    recent: int = 8  # articles within the last two days before render_at
    just_now: bool = False  # one article published at render_at itself ("щойно")
    undated: int = 2  # evergreen articles that nothing dates
    news_hours: int | None = None  # news sitemap window (None: every dated article; 0: none)
    feed_items: int = 15
    sections: tuple[Section, ...] = ()
    authors: tuple[Author, ...] = ()
    ctas: tuple[Cta, ...] = ()
    chrome_lines: tuple[str, ...] = ()  # boilerplate the theme prints on every article page
    quote: dict[str, str] = field(default_factory=dict)  # lang -> the shared quote paragraph

    @property
    def boilerplate(self) -> tuple[str, ...]:
        """Every site-wide line that must never be in an article's text."""
        bios = tuple(a.bio for a in self.authors)
        return tuple(c.text for c in self.ctas) + bios + self.chrome_lines

    @property
    def zone(self) -> Zone:
        """The site's :class:`Zone`."""
        return ZONES[self.zone_name]


@dataclass(frozen=True)
class Story:
    """One article page of a site (one language version)."""

    index: int  # position in the site's newest-first order (per language)
    key: int  # the CMS id, shared by the language versions of a story
    lang: str
    section: Section
    path: str
    published: datetime  # UTC, whole minutes
    modified: datetime | None
    mode: str  # how the theme shows the date (theme-specific name)
    evidence: str  # what the page itself says: one of EVIDENCE
    copy: Copy
    author: Author | None
    variant: int  # layout bits for the theme
    quote_at: int | None  # index in ``copy.body`` of the site's shared quote, if it has it
    related: tuple[int, ...]  # indexes of other stories (same language) shown as teasers
    comments: tuple[tuple[str, str, int], ...]  # (who, text, minutes after publication)
    cta_at: tuple[tuple[int, str], ...] = ()  # (before paragraph k of ``paragraphs``, line)
    in_news: bool = False  # listed in the news sitemap with its time
    in_feed: bool = False  # listed in the RSS/Atom feed with its time

    @property
    def undated(self) -> bool:
        """Whether nothing on the page dates it."""
        return self.evidence == "none"

    @property
    def paragraphs(self) -> list[str]:
        """The article text's paragraphs: the lead, then the body (shared quote included)."""
        return [self.copy.lead, *self.copy.body]

    def bit(self, n: int) -> bool:
        """Layout bit ``n`` of this page."""
        return bool(self.variant >> n & 1)


def gold_published(story: Story, zone: Zone) -> str | None:
    """The ground-truth ``published`` of a story (see the module docstring)."""
    if story.evidence == "none":
        return None
    if story.evidence == "day" and not (story.in_news or story.in_feed):
        return zone.local(story.published).date().isoformat()
    return iso_local(zone, story.published)


@dataclass(frozen=True)
class GoldArticle:
    """Ground truth for one article page."""

    url: str
    title: str
    text: str
    published: str | None
    zone: str
    language: str
    site: str

    def as_dict(self) -> dict[str, str | None]:
        """A JSON-ready dict."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published": self.published,
            "zone": self.zone,
            "language": self.language,
            "site": self.site,
        }
