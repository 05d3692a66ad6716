"""A US metro newspaper on a custom newsroom CMS (America/New_York, English).

Date modes: ``jsonld`` (NewsArticle JSON-LD with the local offset, visible AP style
``Nov. 2, 2025 1:30 a.m. ET``), ``ap`` (visible AP style only: "ET" means EST or EDT by date),
``cable`` (``Published 2:05 PM EDT, Sun March 23, 2025``), ``updated`` (AP style plus
``Updated 3 hours ago``), ``day`` (``Nov. 2, 2025``), ``relative`` (``5 hours ago``), ``none``
(evergreen guides). Titles carry ``&amp;`` and ``&rsquo;``; some ``og:title`` are escaped
twice; "More from World" and "Related Coverage" blocks list other stories with dates.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from functools import partial

from fixture_site.unseen import datetext as dt
from fixture_site.unseen import feeds as fd
from fixture_site.unseen.model import Section, Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.specs import LEDGER
from fixture_site.unseen.theme import Feed, Page, Theme, esc
from fixture_site.unseen.zones import Zone, iso_local, rfc822

_NAMED = {"’": "&rsquo;", "‘": "&lsquo;", "“": "&ldquo;", "”": "&rdquo;", "—": "&mdash;"}


def e(text: str) -> str:
    """Escaping with named typographic entities (``&rsquo;``, ``&mdash;``)."""
    return "".join(_NAMED.get(ch, ch) for ch in esc(text))


class LedgerTheme(Theme):
    """See the module docstring."""

    spec = LEDGER
    first_key = 70400
    server = "Varnish"
    teaser_hours = 24
    evidence = {"jsonld": "time", "ap": "time", "cable": "time", "updated": "time", "day": "day",
                "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(hours=24):
            return rng.choice(("relative", "relative", "jsonld", "cable"))
        return rng.choice(("jsonld", "jsonld", "ap", "cable", "updated", "day"))

    def polish(self, text: str) -> str:
        return text.replace("'", "’")

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        if mode == "none":
            return f"/guides/{slug}.html"
        return f"/{section.slug}/{local:%Y/%m/%d}/{slug}.html"

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        return dt.ap_day(zone, moment)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}?page={n}"

    def _shell(self, site: UnseenSite, title: str, head: str, main: str, now: datetime) -> str:
        t = site.spec.zone.local(now)
        today = f"{t:%A}, {dt.MONTHS_EN[t.month - 1]} {t.day}, {t.year}"
        nav = "".join(f'<a href="/section/{s.slug}">{e(s.names["en"])}</a>'
                      for s in site.spec.sections)
        guides = " | ".join(f'<a href="{s.path}">{e(s.copy.title)}</a>'
                            for s in site.stories if s.undated)
        return (
            f'<!doctype html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">\n<title>'
            f"{e(title)}</title>\n{head}"
            '<link rel="alternate" type="application/rss+xml" href="/rss/index.xml">\n'
            "</head>\n<body>\n"
            '<div class="ad-slot ad-top">Advertisement</div>\n<header class="masthead">'
            f'<a class="logo" href="/">{e(site.spec.name)}</a><nav class="sections">{nav}</nav>'
            f'<div class="today">{today}</div></header>\n<main id="main">\n{main}</main>\n'
            f'<footer class="site-footer"><p>Guides: {guides}</p><p>© 2025 {e(site.spec.name)}. '
            'All rights reserved. <a href="/about">About us</a></p></footer>\n</body>\n</html>\n'
        )

    def _stamp(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone, pub = site.spec.zone, s.published
        if s.mode in ("jsonld", "ap") or (s.mode == "updated" and not s.modified):
            return f'<time datetime="{iso_local(zone, pub)}">{dt.ap_style(zone, pub)}</time>' \
                if s.mode == "jsonld" else f"<span>{dt.ap_style(zone, pub)}</span>"
        if s.mode == "updated" and s.modified:
            return (f"<span>{dt.ap_style(zone, pub)}</span> <span class=\"updated\">Updated "
                    f'<time datetime="{iso_local(zone, s.modified)}">'
                    f"{dt.relative(zone, s.modified, now, 'en')}</time></span>")
        if s.mode == "cable":
            return f"<span>Published {dt.cable_style(zone, pub)}</span>"
        if s.mode == "day":
            return f"<span>{dt.ap_day(zone, pub)}</span>"
        if s.mode == "relative":
            return f"<span>{dt.relative(zone, pub, now, 'en')}</span>"
        return ""

    def _head(self, site: UnseenSite, s: Story) -> str:
        zone, url = site.spec.zone, site.url(s.path)
        og = esc(e(s.copy.alt_title)) if s.bit(1) else e(s.copy.alt_title)  # a double-escape bug
        data: dict[str, object] = {"@context": "https://schema.org", "@type": "Organization",
                                   "name": site.spec.name, "url": site.url("/")}
        if s.mode == "jsonld":
            data = {"@context": "https://schema.org", "@type": "NewsArticle",
                    "headline": s.copy.title, "datePublished": iso_local(zone, s.published),
                    "dateModified": iso_local(zone, s.modified or s.published),
                    "articleSection": s.section.names["en"], "mainEntityOfPage": url,
                    "author": [{"@type": "Person", "name": s.author.name}] if s.author else [],
                    "publisher": {"@type": "NewsMediaOrganization", "name": site.spec.name}}
        return (f'<meta name="description" content="{e(s.copy.dek)}">\n<link rel="canonical" '
                f'href="{url}">\n<meta property="og:title" content="{og}">\n<meta property='
                f'"og:type" content="article">\n<meta name="twitter:title" content="{og}">\n'
                f'<script type="application/ld+json">{json.dumps(data)}</script>\n')

    def _body(self, site: UnseenSite, s: Story) -> str:
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            if pos == 1:
                inserts.setdefault(pos, []).append(
                    f'<aside class="newsletter-promo"><p>{e(text)}</p></aside>')
            else:
                inserts.setdefault(pos, []).append(f"<p><em>{e(text)}</em></p>")
        mid = max(2, len(s.paragraphs) // 2 + 1)
        inserts.setdefault(mid, []).append('<div class="ad-slot ad-inline">Advertisement</div>')
        out = []
        for i, para in enumerate(s.paragraphs):
            out += inserts.get(i, [])
            out.append(f'<p class="story-body__paragraph">{e(para)}</p>')
        out += inserts.get(len(s.paragraphs), [])
        body = "\n".join(out)
        return f'<section class="story-body" name="articleBody">\n{body}\n</section>\n'

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, zone = story, site.spec.zone
        sec = s.section.names["en"]
        by = (f'<div class="byline">By <a href="/by/{self.slug(s.author.name, "en")}">'
              f"{e(s.author.name)}</a></div>" if s.author else "")
        related = "".join(
            f'<li><a href="{o.path}">{e(o.copy.title)}</a> <time datetime="'
            f'{iso_local(zone, o.published)}">{dt.ap_day(zone, o.published)}</time></li>'
            for o in (site.story("en", i) for i in s.related[:2])
        )
        more = "".join(
            f'<div class="teaser"><h3><a href="{o.path}">{e(o.copy.title)}</a></h3><p>'
            f'{e(o.copy.dek)}</p><span class="teaser-time">{self.teaser_date(site, o, now)}</span>'
            "</div>"
            for o in self.stories_by_section(site, "en", s.section.slug)[:5] if o is not s
        )
        bio = f'<div class="author-bio"><p>{e(s.author.bio)}</p></div>\n' if s.author else ""
        main = (
            f'<article class="story">\n<header class="story-header"><a class="kicker" '
            f'href="/section/{s.section.slug}">{e(sec)}</a>\n<h1 class="headline" data-testid='
            f'"headline">{e(s.copy.title)}</h1>\n<p class="dek">{e(s.copy.dek)}</p>\n{by}'
            f'<div class="timestamp">{self._stamp(site, s, now)}</div></header>\n'
            f'<figure class="lead-art"><img src="/img/{s.key}.jpg" alt=""><figcaption>'
            f"{e(s.copy.alt_title)}. Photo: Ledger staff</figcaption></figure>\n"
            f'{self._body(site, s)}{bio}<section class="related"><h2>Related Coverage</h2><ul>'
            f"{related}</ul></section>\n</article>\n"
            f'<section class="more-from"><h2>More from {e(sec)}</h2>{more}</section>\n'
        )
        return self._shell(site, f"{s.copy.alt_title} - {site.spec.name}", self._head(site, s),
                           main, now)

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        rows = "".join(
            f'<div class="teaser"><h2><a href="{s.path}">{e(s.copy.title)}</a></h2><p>'
            f'{e(s.copy.dek)}</p><span class="teaser-time">{self.teaser_date(site, s, now)}</span>'
            "</div>\n" for s in chunk
        )
        more = f'<a class="load-more" href="{nxt}">More stories</a>' if nxt else ""
        return self._shell(site, f"{heading} - {site.spec.name}", "",
                           f"<h1>{e(heading)}</h1>\n{rows}{more}", now)

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        out: dict[str, Page] = {}
        add = partial(self.add_listing, out, site, "en")
        dated = self.stories_by_section(site, "en", None)
        add("/", "Top Stories", dated[:12])
        add("/latest", "Latest News", dated)
        for sec in site.spec.sections:
            add(f"/section/{sec.slug}", sec.names["en"],
                self.stories_by_section(site, "en", sec.slug))
        for a in site.spec.authors:
            add(f"/by/{self.slug(a.name, 'en')}", a.name, [s for s in dated if s.author == a])
        out["/about"] = partial(self._shell, site, "About us", "",
                                "<h1>About us</h1><p>The Hudson Ledger has covered the Hudson "
                                "Valley since 1911.</p>")
        return out

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        zone, base, name = site.spec.zone, site.base, site.spec.name
        dated = self.stories_by_section(site, "en", None)
        months: dict[str, list[Story]] = {}
        for s in dated:
            months.setdefault(f"{zone.local(s.published):%Y-%m}", []).append(s)
        out: dict[str, Feed] = {
            "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
                base, ["/search", "/account/"], ["/sitemaps/index.xml", "/sitemaps/news.xml"])),
            "/sitemaps/index.xml": (fd.SITEMAP_TYPE, lambda now: fd.sitemap_index(
                base, [*((f"/sitemaps/{m}.xml", "") for m in months),
                       ("/sitemaps/guides.xml", "")])),
            "/sitemaps/guides.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(
                base, [(s.path, "") for s in site.stories if s.undated])),
            "/sitemaps/news.xml": (fd.SITEMAP_TYPE, lambda now: fd.news_sitemap(base, name, [
                fd.Item(s.path, s.copy.title, date=iso_local(zone, s.published), lang="en")
                for s in dated if s.in_news])),
            "/rss/index.xml": (fd.RSS_TYPE, lambda now: fd.rss(
                base, name, "/", "en-us", rfc822(zone, now, named=True), [
                    fd.Item(s.path, s.copy.title, s.copy.dek, rfc822(zone, s.published, named=True),
                            author=s.author.name if s.author else "",
                            category=s.section.names["en"]) for s in dated if s.in_feed])),
        }
        for month, items in months.items():
            entries = [(s.path, iso_local(zone, s.modified or s.published)) for s in items]
            out[f"/sitemaps/{month}.xml"] = (fd.SITEMAP_TYPE,
                                             partial(lambda en, now: fd.urlset(base, en), entries))
        return out
