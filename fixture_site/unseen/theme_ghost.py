"""A Russian-language magazine in Berlin on Ghost (Casper-like theme, structured data trimmed).

Dates appear only as ``<time datetime>`` without an offset: ``local_dt``
(``datetime="2025-03-23T14:05"``, visible ``23 марта 2025``), ``day_dt``
(``datetime="2025-03-23"``), ``relative`` (``3 часа назад`` over a local ``datetime``), ``none``
(pages). There is no news sitemap; the RSS feed (latest items) has ``pubDate`` in GMT, so the
zone shows only by comparing a page's wall time with its feed entry. Sitemap ``lastmod`` is the
last edit (``updated_at``), never the publication.
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
from fixture_site.unseen.specs import GHOST
from fixture_site.unseen.theme import Feed, Page, Theme
from fixture_site.unseen.theme import esc as e
from fixture_site.unseen.zones import iso_z, rfc822


class GhostTheme(Theme):
    """See the module docstring."""

    spec = GHOST
    first_key = 600
    server = "nginx"
    headers = (("X-Powered-By", "Express"),)
    evidence = {"local_dt": "time", "day_dt": "day", "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(hours=24):
            return rng.choice(("relative", "relative", "local_dt"))
        return rng.choice(("local_dt", "local_dt", "day_dt"))

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        return f"/{slug}/"

    def _time(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone, pub = site.spec.zone, s.published
        wall = zone.local(pub).strftime("%Y-%m-%dT%H:%M")
        if s.mode == "relative":
            text = dt.relative(zone, pub, now, "ru", 24)
            return f'<time class="byline-date" datetime="{wall}">{text}</time>'
        if s.mode == "local_dt":
            text = dt.long_day(zone, pub, "ru")
            return f'<time class="byline-date" datetime="{wall}">{text}</time>'
        if s.mode == "day_dt":
            return (f'<time class="byline-date" datetime="{zone.local(pub):%Y-%m-%d}">'
                    f'{dt.long_day(zone, pub, "ru")}</time>')
        return ""

    def _shell(self, site: UnseenSite, title: str, head: str, body_class: str, main: str) -> str:
        nav = "".join(f'<li class="nav-{s.slug}"><a href="/tag/{s.slug}/">{e(s.names["ru"])}</a>'
                      "</li>" for s in site.spec.sections)
        pages = "".join(f'<li><a href="{s.path}">{e(s.copy.title)}</a></li>'
                        for s in site.stories if s.undated)
        return (
            '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>'
            f"{e(title)}</title>\n{head}"
            '<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/">\n'
            '<meta name="generator" content="Ghost 5.82">\n</head>\n'
            f'<body class="{body_class}">\n<div class="viewport">\n<header id="gh-head" '
            f'class="gh-head"><a class="gh-head-logo" href="/">{e(site.spec.name)}</a><nav '
            f'class="gh-head-menu"><ul class="nav">{nav}</ul></nav><a class="gh-head-button" '
            'href="#/portal/signup">Подписаться</a></header>\n<div class="site-content">\n'
            f'{main}</div>\n<footer class="site-footer"><div class="inner"><ul>{pages}</ul>'
            f'<section class="copyright"><a href="/">{e(site.spec.name)}</a> © 2025</section>'
            '<div>Powered by Ghost</div></div></footer>\n</div>\n</body>\n</html>\n'
        )

    def _content(self, s: Story) -> str:
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            if pos == 1 + len(s.copy.body):
                card = (f'<div class="kg-card kg-cta-card"><div class="kg-cta-content"><p>'
                        f'{e(text)}</p><a href="#/portal/signup" class="kg-cta-button">'
                        "Подписаться</a></div></div>")
            else:
                card = (f'<div class="kg-card kg-callout-card kg-callout-card-accent"><div '
                        f'class="kg-callout-emoji">💛</div><div class="kg-callout-text">{e(text)}'
                        "</div></div>")
            inserts.setdefault(pos, []).append(card)
        out = []
        for i, para in enumerate(s.paragraphs):
            out += inserts.get(i, [])
            if s.quote_at is not None and i == s.quote_at + 1 and s.bit(2):
                out.append(f"<blockquote>{e(para)}</blockquote>")
            else:
                out.append(f"<p>{e(para)}</p>")
        out += inserts.get(len(s.paragraphs), [])
        return '<section class="gh-content gh-canvas">\n' + "\n".join(out) + "\n</section>\n"

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, url, zone = story, site.url(story.path), site.spec.zone
        ld = {"@context": "https://schema.org", "@type": "Article", "headline": s.copy.title,
              "url": url, "publisher": {"@type": "Organization", "name": site.spec.name}}
        if s.author:
            ld["author"] = {"@type": "Person", "name": s.author.name}
        head = (f'<link rel="canonical" href="{url}">\n<meta name="description" content="'
                f'{e(s.copy.dek)}">\n<meta property="og:type" content="article">\n<meta '
                f'property="og:title" content="{e(s.copy.title)}">\n<script type="application/'
                f'ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n')
        author = (f'<span class="byline-author"><a href="/author/{self.slug(s.author.name, "ru")}'
                  f'/">{e(s.author.name)}</a></span> ' if s.author else "")
        bio = (f'<section class="gh-author-box"><h4>{e(s.author.name)}</h4><p>{e(s.author.bio)}'
               "</p></section>\n" if s.author else "")
        cards = "".join(
            f'<article class="post-card"><a class="post-card-content-link" href="{o.path}"><h2 '
            f'class="post-card-title">{e(o.copy.title)}</h2></a><time datetime="'
            f'{zone.local(o.published):%Y-%m-%d}">{dt.long_day(zone, o.published, "ru")}</time>'
            "</article>" for o in (site.story("ru", i) for i in s.related)
        )
        tag = f'<a class="article-tag" href="/tag/{s.section.slug}/">{e(s.section.names["ru"])}</a>'
        main = (
            f'<main id="site-main" class="site-main"><article class="article post">\n<header '
            f'class="article-header gh-canvas">{"" if s.undated else tag}\n<h1 class="article-'
            f'title">{e(s.copy.title)}</h1>\n<p class="article-excerpt">{e(s.copy.dek)}</p>\n'
            f'<div class="article-byline"><div class="article-byline-meta">{author}'
            f"{self._time(site, s, now)}</div></div></header>\n{self._content(s)}{bio}"
            f'</article></main>\n<aside class="read-more-wrap"><h3>Читайте также</h3>'
            f'<div class="read-more">{cards}</div></aside>\n'
        )
        kind = "page-template" if s.undated else "post-template"
        return self._shell(site, s.copy.title, head, kind, main)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}page/{n}/"

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        cards = "".join(
            f'<article class="post-card"><a href="{s.path}"><h2 class="post-card-title">'
            f'{e(s.copy.title)}</h2><p class="post-card-excerpt">{e(s.copy.dek)}</p></a>'
            f'<footer class="post-card-meta">{self._time(site, s, now)}</footer></article>\n'
            for s in chunk
        )
        more = f'<nav class="pagination"><a class="older-posts" href="{nxt}">Ранее</a></nav>' \
            if nxt else ""
        main = f'<main class="site-main"><h1>{e(heading)}</h1><div class="post-feed">{cards}</div>'
        return self._shell(site, heading, "", "home-template", main + more + "</main>")

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        out: dict[str, Page] = {}
        add = partial(self.add_listing, out, site, "ru")
        dated = self.stories_by_section(site, "ru", None)
        add("/", site.spec.name, dated)
        for sec in site.spec.sections:
            add(f"/tag/{sec.slug}/", sec.names["ru"], self.stories_by_section(site, "ru", sec.slug))
        for a in site.spec.authors:
            add(f"/author/{self.slug(a.name, 'ru')}/", a.name, [s for s in dated if s.author == a])
        return out

    def _edited(self, s: Story) -> datetime:
        """Ghost's ``updated_at``: the last save, a little after publishing at the earliest."""
        return s.modified or s.published + timedelta(minutes=3 + s.variant % 50)

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        base, name = site.base, site.spec.name
        dated = self.stories_by_section(site, "ru", None)
        return {
            "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
                base, ["/ghost/", "/email/", "/r/"], ["/sitemap.xml"])),
            "/sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.sitemap_index(base, [
                ("/sitemap-pages.xml", ""), ("/sitemap-posts.xml", ""),
                ("/sitemap-tags.xml", "")])),
            "/sitemap-posts.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(base, [
                (s.path, iso_z(self._edited(s), millis=True)) for s in dated])),
            "/sitemap-pages.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(
                base, [(s.path, "") for s in site.stories if s.undated])),
            "/sitemap-tags.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(
                base, [(f"/tag/{sec.slug}/", "") for sec in site.spec.sections])),
            "/rss/": (fd.RSS_TYPE, lambda now: fd.rss(
                base, name, "/", "ru", rfc822(None, now), [
                    fd.Item(s.path, s.copy.title, s.copy.dek, rfc822(None, s.published),
                            author=s.author.name if s.author else "",
                            category=s.section.names["ru"]) for s in dated if s.in_feed], "/rss/")),
        }
