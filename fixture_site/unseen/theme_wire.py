"""A wire service (Meridian Wire) whose clock is UTC: English, Reuters-like markup.

URLs end in the UTC day (``/world/slug-2025-06-14/``); every story opens with a dateline
(``KYIV, June 14 (Meridian Wire) -``) that is part of the text. Date modes: ``meta_z``
(``article:published_time`` in Zulu, visible ``June 14, 2025 9:41 PM UTC``), ``short_gmt``
(``15 Jun 2025 09:41 GMT``), ``time_z`` (``<time datetime="…Z">`` with a visible day and
``Updated 2 hours ago``), ``day`` (``June 14, 2025``), ``relative`` (``2 hours ago``), ``none``
(fact boxes). Feeds: Atom and a news sitemap, both in ``Z``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial

from fixture_site.unseen import datetext as dt
from fixture_site.unseen import feeds as fd
from fixture_site.unseen.model import Copy, Section, Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.specs import WIRE
from fixture_site.unseen.theme import Feed, Page, Theme
from fixture_site.unseen.theme import esc as e
from fixture_site.unseen.zones import Zone, iso_z

DATELINES = ("KYIV", "WASHINGTON", "BRUSSELS", "LONDON", "WARSAW", "GENEVA", "OTTAWA", "NEW YORK")


class WireTheme(Theme):
    """See the module docstring."""

    spec = WIRE
    first_key = 30100
    server = "envoy"
    teaser_hours = 24
    evidence = {"meta_z": "time", "short_gmt": "time", "time_z": "time", "day": "day",
                "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(hours=20):
            return rng.choice(("relative", "relative", "meta_z", "time_z"))
        return rng.choice(("meta_z", "short_gmt", "time_z", "day", "day"))

    def polish(self, text: str) -> str:
        return text.replace("'", "’")

    def finish_copy(self, copy: Copy, when: datetime, lang: str) -> Copy:
        place = DATELINES[len(copy.title) % len(DATELINES)]
        day = f"{dt.MONTHS_EN[when.month - 1]} {when.day}"
        lead = f"{place}, {day} (Meridian Wire) - {copy.lead}"
        return Copy(copy.title, copy.alt_title, copy.dek, lead, copy.body, copy.other_lead)

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        if mode == "none":
            return f"/graphics/{slug}/"
        return f"/{section.slug}/{slug}-{local:%Y-%m-%d}/"

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        return dt.en_day(zone, moment)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}?page={n}"

    def _shell(self, site: UnseenSite, title: str, head: str, main: str) -> str:
        nav = "".join(f'<li><a href="/{s.slug}/">{e(s.names["en"])}</a></li>'
                      for s in site.spec.sections)
        boxes = " · ".join(f'<a href="{s.path}">{e(s.copy.title)}</a>'
                           for s in site.stories if s.undated)
        return (
            f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{e(title)}'
            f"</title>\n{head}"
            '<link rel="alternate" type="application/atom+xml" href="/feeds/atom.xml">\n'
            f"</head>\n<body>\n<header class=\"site-header\"><a href=\"/\" "
            f'class="logo">{e(site.spec.name)}</a><nav><ul>{nav}</ul></nav></header>\n'
            f'<main class="main-content">\n{main}</main>\n<footer class="site-footer"><p>Fact '
            f"boxes: {boxes}</p><p>All quotes delayed a minimum of 15 minutes. © 2025 "
            f'{e(site.spec.name)}. <a href="/about/">About</a></p></footer>\n</body>\n</html>\n'
        )

    def _stamp(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone, pub = site.spec.zone, s.published
        if s.mode == "meta_z":
            return f'<span class="date-line">{dt.wire_long(zone, pub)}</span>'
        if s.mode == "short_gmt":
            return f'<span class="date-line">{dt.wire_short(zone, pub)}</span>'
        if s.mode == "time_z":
            line = f'<time datetime="{iso_z(pub, millis=True)}">{dt.en_day(zone, pub)}</time>'
            if s.modified:
                line += f' <span class="updated">Updated {dt.relative(zone, s.modified, now, "en")}'
                line += "</span>"
            return line
        if s.mode == "day":
            return f'<span class="date-line">{dt.en_day(zone, pub)}</span>'
        if s.mode == "relative":
            return f'<span class="date-line">{dt.relative(zone, pub, now, "en")}</span>'
        return ""

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, url = story, site.url(story.path)
        head = (f'<meta name="description" content="{e(s.copy.dek)}">\n<link rel="canonical" '
                f'href="{url}">\n<meta property="og:title" content="{e(s.copy.title)}">\n'
                f'<meta property="og:site_name" content="{e(site.spec.name)}">\n')
        if s.mode == "meta_z":
            head += f'<meta name="article:published_time" content="{iso_z(s.published)}">\n'
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            inserts.setdefault(pos, []).append(f'<p data-testid="promo">{e(text)}</p>')
        paras = []
        for i, para in enumerate(s.paragraphs):
            paras += inserts.get(i, [])
            paras.append(f'<p data-testid="paragraph-{i}">{e(para)}</p>')
        paras += inserts.get(len(s.paragraphs), [])
        promo = e(site.spec.chrome_lines[0])
        related = "".join(
            f'<li><a href="{o.path}">{e(o.copy.title)}</a>'
            f"<time>{self.teaser_date(site, o, now)}</time></li>"
            for o in (site.story("en", i) for i in s.related)
        )
        main = (
            f'<article class="article"><header><span class="kicker"><a href="/{s.section.slug}/">'
            f'{e(s.section.names["en"])}</a></span>\n<h1 data-testid="Heading">{e(s.copy.title)}'
            f'</h1>\n<div class="article-info">{self._stamp(site, s, now)}</div></header>\n'
            f'<div class="article-body__content">\n' + "\n".join(paras)
            + f'\n<div class="newsletter-signup"><p>{promo}</p></div>\n</div>\n'
            f'<div class="read-next"><h2>Read Next</h2><ul>{related}</ul></div>\n</article>\n'
        )
        return self._shell(site, f"{s.copy.title} | {site.spec.name}", head, main)

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        rows = "".join(
            f'<li class="story-card"><a href="{s.path}">{e(s.copy.title)}</a> <time>'
            f"{self.teaser_date(site, s, now)}</time></li>\n" for s in chunk
        )
        more = f'<a class="pagination-next" href="{nxt}">Next</a>' if nxt else ""
        return self._shell(site, f"{heading} | {site.spec.name}", "",
                           f"<h1>{e(heading)}</h1>\n<ul>{rows}</ul>{more}")

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        out: dict[str, Page] = {}
        add = partial(self.add_listing, out, site, "en")
        dated = self.stories_by_section(site, "en", None)
        add("/", site.spec.name, dated)
        for sec in site.spec.sections:
            add(f"/{sec.slug}/", sec.names["en"], self.stories_by_section(site, "en", sec.slug))
        out["/about/"] = lambda now: self._shell(site, "About", "", "<h1>About</h1><p>Meridian "
                                                 "Wire is an independent news agency.</p>")
        return out

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        base, name = site.base, site.spec.name
        dated = self.stories_by_section(site, "en", None)
        return {
            "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
                base, ["/pf/", "/search/"], ["/sitemaps/index.xml", "/sitemaps/news.xml"])),
            "/sitemaps/index.xml": (fd.SITEMAP_TYPE, lambda now: fd.sitemap_index(base, [
                ("/sitemaps/articles-1.xml", iso_z(dated[0].published)),
                ("/sitemaps/news.xml", "")])),
            "/sitemaps/articles-1.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(base, [
                *((s.path, iso_z(s.modified or s.published)) for s in dated),
                *((s.path, "") for s in site.stories if s.undated)])),
            "/sitemaps/news.xml": (fd.SITEMAP_TYPE, lambda now: fd.news_sitemap(base, name, [
                fd.Item(s.path, s.copy.title, date=iso_z(s.published), lang="en")
                for s in dated if s.in_news])),
            "/feeds/atom.xml": (fd.ATOM_TYPE, lambda now: fd.atom(
                base, name, "/feeds/atom.xml", iso_z(now), [
                    fd.Item(s.path, s.copy.title, s.copy.dek, iso_z(s.published),
                            iso_z(s.modified or s.published)) for s in dated if s.in_feed])),
        }
