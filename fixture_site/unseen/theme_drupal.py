"""A German Drupal 10 newspaper (Olivero-like markup, metatag, RDF, simple_sitemap).

Berlin. Text is stored by an old editor with named entities (``zerst&ouml;ren``). Date modes:
``metatag`` (``article:published_time`` with offset, visible ``23. März 2025, 14:05 Uhr``),
``submitted`` (Drupal's ``Eingereicht von … am So., 23.03.2025 - 14:05``), ``rdf`` (a hidden
``schema:dateCreated`` in UTC, visible ``23.03.2025``), ``long`` (visible text only), ``day``
(``23. März 2025``), ``relative`` (``vor 3 Stunden``, ``heute, 02:35 Uhr``), ``none``
(dossiers). "Mehr aus Politik" blocks list other articles with dates.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import partial

from fixture_site.unseen import datetext as dt
from fixture_site.unseen import feeds as fd
from fixture_site.unseen.model import Section, Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.specs import DRUPAL
from fixture_site.unseen.theme import Feed, Page, Theme, month_name
from fixture_site.unseen.theme import esc_named as e
from fixture_site.unseen.zones import Zone, iso_local, rfc822

TAGS = ("Senat", "Bundestag", "Verkehr", "Wohnen")


class DrupalTheme(Theme):
    """See the module docstring."""

    spec = DRUPAL
    first_key = 8800
    server = "Apache"
    teaser_hours = 12
    headers = (("X-Generator", "Drupal 10 (https://www.drupal.org)"),)
    evidence = {"metatag": "time", "submitted": "time", "rdf": "time", "long": "time",
                "day": "day", "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(hours=40):
            return rng.choice(("relative", "relative", "relative", "metatag", "day"))
        return rng.choice(("metatag", "submitted", "rdf", "long", "day", "day"))

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        return f"/dossier/{slug}" if mode == "none" else f"/{section.slug}/{slug}"

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        return dt.dotted(zone, moment, clock=False)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}?page={n - 1}"  # Drupal counts pages from 0

    def _shell(self, site: UnseenSite, title: str, head: str, body_class: str, main: str,
               now: datetime) -> str:
        zone = site.spec.zone
        nav = "".join(f'<li class="primary-nav__menu-item"><a href="/{s.slug}">{e(s.names["de"])}'
                      "</a></li>" for s in site.spec.sections)
        top = "".join(
            f'<li><a href="{s.path}">{e(s.copy.title)}</a> <span class="views-field-created">'
            f"{self.teaser_date(site, s, now)}</span></li>"
            for s in self.stories_by_section(site, "de", None)[1:6]
        )
        months = sorted({f"{zone.local(s.published):%Y-%m}"
                         for s in self.stories_by_section(site, "de", None)}, reverse=True)
        archive = "".join(f'<li><a href="/archiv/{m}">{month_name("de", int(m[5:]))} {m[:4]}</a>'
                          "</li>" for m in months)
        dossiers = " · ".join(f'<a href="{s.path}">{e(s.copy.title)}</a>'
                              for s in site.stories if s.undated)
        return (
            '<!DOCTYPE html>\n<html lang="de" dir="ltr">\n<head>\n<meta charset="utf-8" />\n'
            f'<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />\n{head}'
            f"<title>{e(title)} | {e(site.spec.name)}</title>\n"
            '<link rel="stylesheet" media="all" href="/sites/default/files/css/css_x1.css" />\n'
            '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml" />\n'
            f'</head>\n<body class="{body_class}">\n<a href="#main-content" class="visually-hidden'
            ' focusable skip-link">Direkt zum Inhalt</a>\n<div class="dialog-off-canvas-main-'
            'canvas"><header class="site-header"><div class="site-branding__text"><a href="/" '
            f'rel="home">{e(site.spec.name)}</a></div><nav class="primary-nav"><ul>{nav}</ul>'
            '</nav></header>\n<main role="main"><a id="main-content" tabindex="-1"></a>\n'
            f'<div class="region region--content">\n{main}</div></main>\n<aside class="region '
            f'region--sidebar"><div class="block"><h2>Meistgelesen</h2><ul>{top}</ul></div>'
            f'<div class="block"><h2>Archiv</h2><ul>{archive}</ul></div></aside>\n'
            f'<footer class="site-footer"><p>Dossiers: {dossiers}</p><a href="/impressum">'
            f"Impressum</a> · © 2025 {e(site.spec.name)}</footer>\n</div>\n</body>\n</html>\n"
        )

    def _date(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone = site.spec.zone
        who = e(s.author.name) if s.author else "Redaktion"
        if s.mode in ("metatag", "long"):
            return f'<span class="node__date">{e(dt.de_long(zone, s.published))}</span>'
        if s.mode == "submitted":
            return (f'<span class="node__submitted">Eingereicht von {who} am '
                    f"{e(dt.de_submitted(zone, s.published))}</span>")
        if s.mode == "rdf":
            return (f'<span property="schema:dateCreated" content="'
                    f'{s.published.astimezone(UTC).isoformat()}" class="rdf-meta hidden"></span>'
                    f'<span class="node__date">{dt.dotted(zone, s.published, False)}</span>')
        if s.mode == "day":
            text = e(dt.de_long(zone, s.published, clock=False))
            return f'<span class="node__date">{text}</span>'
        if s.mode == "relative":
            text = dt.relative(zone, s.published, now, "de", 12)
            return f'<span class="node__date">{text}</span>'
        return ""

    def _body(self, site: UnseenSite, s: Story) -> str:
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            tag = "p class=\"cta\"" if s.bit(2) else "p"
            inserts.setdefault(pos, []).append(f"<{tag}><em>{e(text)}</em></p>")
        out = []
        for i, para in enumerate(s.paragraphs):
            out += inserts.get(i, [])
            out.append(f"<p>{e(para)}</p>")
        out += inserts.get(len(s.paragraphs), [])
        return ('<div class="clearfix text-formatted field field--name-body field--type-text-with-'
                'summary field__item">\n' + "\n".join(out) + "\n</div>\n")

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, zone, url = story, site.spec.zone, site.url(story.path)
        head = (f'<link rel="canonical" href="{url}" />\n<meta name="description" content="'
                f'{e(s.copy.dek)}" />\n<meta property="og:site_name" content="{e(site.spec.name)}"'
                f' />\n<meta property="og:type" content="article" />\n<meta property="og:title" '
                f'content="{e(s.copy.title)}" />\n')
        if s.mode == "metatag":
            head += (f'<meta property="article:published_time" content="'
                     f'{iso_local(zone, s.published)}" />\n')
            if s.modified:
                head += (f'<meta property="article:modified_time" content="'
                         f'{iso_local(zone, s.modified)}" />\n')
        sec = s.section.names["de"]
        updated = (f' <span class="node__updated">Aktualisiert: '
                   f"{e(dt.de_long(zone, s.modified))}</span>" if s.modified else "")
        bio = (f'<section class="block-author"><h2>&Uuml;ber die Autorin/den Autor</h2><p>'
               f"{e(s.author.bio)}</p></section>\n" if s.author else "")
        more = "".join(
            f'<div class="views-row"><span class="views-field-created">'
            f'{self.teaser_date(site, o, now)}</span> <a href="{o.path}">{e(o.copy.title)}</a>'
            "</div>"
            for o in self.stories_by_section(site, "de", s.section.slug)[:4] if o is not s
        )
        comments = "".join(
            f'<article class="comment"><footer class="comment__meta"><span class="comment__author">'
            f'{e(who)}</span> <span class="comment__time">'
            f"{e(dt.de_submitted(zone, s.published + timedelta(minutes=m)))}</span></footer>"
            f'<div class="comment__content"><p>{e(text)}</p></div></article>'
            for who, text, m in s.comments
        )
        by = (f'<span class="node__author">Von {e(s.author.name)}</span> '
              if s.author and s.mode != "submitted" else "")
        main = (
            f'<nav class="breadcrumb"><ol><li><a href="/">Startseite</a></li><li><a href="/'
            f'{s.section.slug}">{e(sec)}</a></li></ol></nav>\n<article data-history-node-id="'
            f'{s.key}" role="article" about="{s.path}" typeof="schema:Article" class="node '
            f'node--type-{"page" if s.undated else "article"} node--view-mode-full">\n<header>'
            f'<h1 class="page-title"><span property="schema:name">{e(s.copy.title)}</span></h1>\n'
            f'<div class="node__meta">{by}{self._date(site, s, now)}{updated}</div>\n'
            f'<p class="node__lead-in">{e(s.copy.dek)}</p></header>\n<div class="node__content">'
            f"\n{self._body(site, s)}"
            f'<div class="field--name-field-tags"><div class="field__label">Schlagworte</div>'
            f'<a href="/schlagworte/{TAGS[s.variant % 4].lower()}">{TAGS[s.variant % 4]}</a></div>'
            f"</div>\n</article>\n{bio}"
            f'<section class="block-views-more"><h2>Mehr aus {e(sec)}</h2>{more}</section>\n'
            + (f'<section class="comments"><h2>Kommentare</h2>{comments}</section>\n'
               if comments else "")
        )
        return self._shell(site, s.copy.title, head, "path-node page-node-type-article", main, now)

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        rows = "".join(
            f'<div class="views-row"><article class="node node--view-mode-teaser"><h2><a href="'
            f'{s.path}">{e(s.copy.title)}</a></h2><span class="views-field-created">'
            f"{self.teaser_date(site, s, now)}</span><p>{e(s.copy.dek)}</p></article></div>\n"
            for s in chunk
        )
        pager = (f'<nav class="pager"><ul><li class="pager__item--next"><a href="{nxt}" '
                 'rel="next">Nächste Seite ›</a></li></ul></nav>' if nxt else "")
        main = f'<h1 class="page-title">{e(heading)}</h1>\n<div class="view-content">{rows}</div>'
        return self._shell(site, heading, "", "path-taxonomy", main + pager, now)

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        zone = site.spec.zone
        out: dict[str, Page] = {}
        add = partial(self.add_listing, out, site, "de")
        dated = self.stories_by_section(site, "de", None)
        add("/", site.spec.name, dated)
        for sec in site.spec.sections:
            add(f"/{sec.slug}", sec.names["de"], self.stories_by_section(site, "de", sec.slug))
        for k, tag in enumerate(TAGS):
            add(f"/schlagworte/{tag.lower()}", tag, [s for s in dated if s.variant % 4 == k])
        months: dict[str, list[Story]] = {}
        for s in dated:
            months.setdefault(f"{zone.local(s.published):%Y-%m}", []).append(s)
        for month, items in months.items():
            add(f"/archiv/{month}", f"Archiv {month}", items)
        out["/impressum"] = partial(self._shell, site, "Impressum", "", "path-impressum",
                                    "<h1>Impressum</h1><p>Berliner Morgenblatt GmbH, Berlin.</p>")
        return out

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        zone, base, name = site.spec.zone, site.base, site.spec.name
        dated = self.stories_by_section(site, "de", None)
        robots = ["/core/", "/profiles/", "/admin/", "/comment/reply/", "/search/", "/user/login"]
        return {
            "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
                base, robots, ["/sitemap.xml", "/sitemap-news.xml"])),
            "/sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(base, [
                ("/", ""), *((s.path, iso_local(zone, s.modified or s.published)) for s in dated),
                *((s.path, "") for s in site.stories if s.undated)])),
            "/sitemap-news.xml": (fd.SITEMAP_TYPE, lambda now: fd.news_sitemap(base, name, [
                fd.Item(s.path, s.copy.title, date=iso_local(zone, s.published), lang="de")
                for s in dated if s.in_news])),
            "/rss.xml": (fd.RSS_TYPE, lambda now: fd.rss(base, name, "/", "de", rfc822(zone, now), [
                fd.Item(s.path, s.copy.title, s.copy.dek, rfc822(zone, s.published),
                        author=s.author.name if s.author else "")
                for s in dated if s.in_feed], "/rss.xml")),
        }
