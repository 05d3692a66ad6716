"""The base of the unseen sites' CMS themes: escaping styles, slugs, paging and shared widgets.

A theme owns one site's look: its spec (zone, languages, CTA lines), which date display modes it
uses and what each proves (``evidence``), its URL scheme, its pages and its feeds.
"""

from __future__ import annotations

import calendar
import html
import random
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from html.entities import codepoint2name
from typing import TYPE_CHECKING

from fixture_site.kyiv import MONTHS_NOM
from fixture_site.translit import slugify
from fixture_site.unseen.datetext import MONTHS_DE, MONTHS_EN, relative
from fixture_site.unseen.model import Copy, Section, SiteSpec, Story
from fixture_site.unseen.zones import Zone

if TYPE_CHECKING:
    from fixture_site.unseen.site import UnseenSite

Page = Callable[[datetime], str]  # renders a page at the server's clock reading
Feed = tuple[str, Page]  # (content type, renderer)

_TYPOGRAPHY = {"’": "&#8217;", "‘": "&#8216;", "“": "&#8220;", "”": "&#8221;", "–": "&#8211;",
               "—": "&#8212;", "…": "&#8230;", "«": "&#171;", "»": "&#187;"}


def esc(text: str) -> str:
    """Plain HTML escaping (``&``, ``<``, ``>``, quotes)."""
    return html.escape(text, quote=True)


def esc_numeric(text: str) -> str:
    """WordPress-style: typographic punctuation as numeric references (``&#8217;``)."""
    return "".join(_TYPOGRAPHY.get(ch, ch) for ch in esc(text))


def esc_named(text: str) -> str:
    """Old-editor style: every character with an HTML entity name spelled as it (``&ouml;``)."""
    return "".join(
        f"&{codepoint2name[ord(ch)]};" if ord(ch) > 127 and ord(ch) in codepoint2name else ch
        for ch in esc(text)
    )


def ascii_slug(text: str) -> str:
    """``Abriss statt Sanierung: Kühltürme`` -> ``abriss-statt-sanierung-kuehltuerme``."""
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.lower().replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    return "-".join(words[:9]) or "story"


def month_name(lang: str, month: int) -> str:
    """The month's name in the nominative: ``Березень``, ``März``, ``March``."""
    if lang in MONTHS_NOM:
        return MONTHS_NOM[lang][month - 1].capitalize()
    return (MONTHS_DE if lang == "de" else MONTHS_EN)[month - 1]


class Theme:
    """Base theme: subclasses set the spec and the modes and render the pages."""

    spec: SiteSpec
    evidence: dict[str, str] = {"none": "none"}
    bilingual = False
    first_key = 1000
    per_page = 10
    charset = "utf-8"
    server = "nginx"
    headers: tuple[tuple[str, str], ...] = ()  # sent with every HTML page
    teaser_hours = 6  # teasers younger than this show a relative date

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        """How an article of this ``age`` (at render time) shows its date."""
        raise NotImplementedError

    def polish(self, text: str) -> str:
        """The CMS's typography applied to stored text (default: none)."""
        return text

    def polish_copy(self, copy: Copy) -> Copy:
        """:meth:`polish` applied to every field of ``copy``."""
        p = self.polish
        return Copy(p(copy.title), p(copy.alt_title), p(copy.dek), p(copy.lead),
                    tuple(p(b) for b in copy.body), p(copy.other_lead))

    def finish_copy(self, copy: Copy, when: datetime, lang: str) -> Copy:
        """A last touch that needs the publication time (e.g. a wire dateline); default none."""
        return copy

    def slug(self, title: str, lang: str) -> str:
        """The URL slug of a headline."""
        return slugify(title, lang) if lang in ("uk", "ru") else ascii_slug(title)

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        """The article's path on the site."""
        raise NotImplementedError

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        """The article page's HTML at server time ``now``."""
        raise NotImplementedError

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        """Every HTML page other than articles (home, sections with paging, tags, about)."""
        raise NotImplementedError

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        """robots.txt, sitemaps and feeds: path -> (content type, renderer)."""
        raise NotImplementedError

    # shared helpers

    def paged(self, items: list[Story], page: int) -> tuple[list[Story], int]:
        """The ``page``-th slice (1-based) of ``items`` and the number of pages."""
        pages = max(1, -(-len(items) // self.per_page))
        return items[(page - 1) * self.per_page : page * self.per_page], pages

    def page_path(self, first: str, n: int) -> str:
        """Where page ``n`` (2, 3…) of the listing whose first page is ``first`` lives."""
        raise NotImplementedError

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        """One listing page: ``chunk`` of articles, a link to the ``nxt`` page if any."""
        raise NotImplementedError

    def add_listing(self, out: dict[str, Page], site: UnseenSite, lang: str, first: str,
                    heading: str, items: list[Story]) -> None:
        """Add the listing pages of ``items`` to ``out``: page 1 at ``first``, the next ones at
        :meth:`page_path`."""
        _, pages = self.paged(items, 1)
        for n in range(1, pages + 1):
            chunk, _ = self.paged(items, n)
            nxt = self.page_path(first, n + 1) if n < pages else None
            path = first if n == 1 else self.page_path(first, n)
            out[path] = partial(self.listing, site, lang, heading, chunk, nxt)

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        """How teasers print the date of an article older than :attr:`teaser_hours`."""
        raise NotImplementedError

    def teaser_date(self, site: UnseenSite, s: Story, now: datetime) -> str:
        """A teaser's date: relative (``3 години тому``) within :attr:`teaser_hours` of ``now``,
        else :meth:`day_label`."""
        if now - s.published < timedelta(hours=self.teaser_hours):
            return relative(site.spec.zone, s.published, now, s.lang, self.teaser_hours)
        return self.day_label(site.spec.zone, s.published, s.lang)

    def calendar(self, site: UnseenSite, lang: str, now: datetime,
                 href: Callable[[datetime], str]) -> str:
        """A month calendar of ``now``'s month with links on days that have articles."""
        zone = site.spec.zone
        local_now = zone.local(now)
        days = {
            zone.local(s.published).day
            for s in site.in_lang(lang)
            if not s.undated and zone.local(s.published).strftime("%Y%m") == f"{local_now:%Y%m}"
            and s.published <= now
        }
        rows = []
        for week in calendar.monthcalendar(local_now.year, local_now.month):
            cells = []
            for day in week:
                if not day:
                    cells.append('<td class="pad">&nbsp;</td>')
                elif day in days:
                    when = local_now.replace(day=day)
                    cells.append(f'<td><a href="{href(when)}">{day}</a></td>')
                else:
                    cells.append(f"<td>{day}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        caption = f"{month_name(lang, local_now.month)} {local_now.year}"
        return (
            f'<table class="calendar"><caption>{esc(caption)}</caption><tbody>'
            + "".join(rows)
            + "</tbody></table>"
        )

    def stories_by_section(self, site: UnseenSite, lang: str, slug: str | None) -> list[Story]:
        """The dated articles of a section (``None``: all), newest first."""
        return [
            s
            for s in site.in_lang(lang)
            if not s.undated and (slug is None or s.section.slug == slug)
        ]
