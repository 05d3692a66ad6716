"""A WordPress site (an ``_s``-based theme with Yoast SEO, Polylang, Jetpack related posts).

Kyiv, Ukrainian with some Russian posts under ``/ru/``. Date modes: ``yoast`` (JSON-LD and
``article:published_time`` in UTC, ``<time datetime>`` with the local offset, a visible day),
``posted_on`` (``23 березня 2025 о 14:05``, visible text only), ``clock_first``
(``14:05, 23 березня 2025``), ``day_only`` (``23.03.2025``; the URL has the day too),
``relative`` (``3 години тому``), ``none`` (evergreen reference pages without a date).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from fixture_site.unseen import datetext as dt
from fixture_site.unseen.model import Section, Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.specs import WP
from fixture_site.unseen.strings import WP_TAGS as TAGS
from fixture_site.unseen.strings import WP_UI as UI
from fixture_site.unseen.theme import Feed, Page, Theme, month_name
from fixture_site.unseen.theme import esc_numeric as e
from fixture_site.unseen.theme_wp_index import wp_feeds, wp_listing, wp_pages
from fixture_site.unseen.zones import Zone, iso_local


def _pre(lang: str) -> str:
    return "/ru" if lang == "ru" else ""


class WordPressTheme(Theme):
    """See the module docstring."""

    spec = WP
    first_key = 4100
    server = "nginx/1.22.1"
    teaser_hours = 20
    evidence = {"yoast": "time", "posted_on": "time", "clock_first": "time", "day_only": "day",
                "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(hours=20):
            return rng.choice(("relative", "relative", "yoast", "day_only"))
        return rng.choice(("yoast", "yoast", "posted_on", "clock_first", "day_only"))

    def polish(self, text: str) -> str:
        return text.replace("'", "’").replace(" - ", " – ")

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        if mode == "none":
            return f"{_pre(lang)}/{'dovidnyk' if lang == 'uk' else 'spravochnik'}/{slug}/"
        return f"{_pre(lang)}/{local:%Y/%m/%d}/{slug}/"

    # page parts

    def shell(self, site: UnseenSite, lang: str, title: str, head: str, body_class: str,
              main: str, now: datetime) -> str:
        """The page around ``main``: header, menu, sidebar widgets (recent posts, archives,
        calendar) and footer."""
        ui, p = UI[lang], _pre(lang)
        nav = "".join(f'<li class="menu-item"><a href="{p}/category/{s.slug}/">{e(s.names[lang])}'
                      "</a></li>" for s in site.spec.sections)
        recent = "".join(
            f'<li><a href="{x.path}">{e(x.copy.title)}</a> <span class="post-date">'
            f"{dt.long_day(site.spec.zone, x.published, lang)}</span></li>"
            for x in self.stories_by_section(site, lang, None)[:5]
        )
        months = sorted({f"{site.spec.zone.local(s.published):%Y/%m}"
                         for s in self.stories_by_section(site, lang, None)}, reverse=True)
        archive = "".join(f'<li><a href="{p}/{m}/">{month_name(lang, int(m[5:]))} {m[:4]}</a></li>'
                          for m in months)
        cal = self.calendar(site, lang, now, lambda d: f"{p}/{d:%Y/%m/%d}/")
        guides = " · ".join(f'<a href="{s.path}">{e(s.copy.title)}</a>'
                            for s in site.in_lang(lang) if s.undated)
        other = "/" if lang == "ru" else "/ru/"
        return (
            f'<!DOCTYPE html>\n<html lang="{"uk" if lang == "uk" else "ru-RU"}">\n<head>\n'
            f'<meta charset="UTF-8">\n<meta name="viewport" content="width=device-width, '
            f'initial-scale=1">\n<title>{e(title)}</title>\n{head}'
            f'<link rel="alternate" type="application/rss+xml" href="{p}/feed/" />\n'
            f"<link rel='stylesheet' href='/wp-content/themes/podillia/style.css?ver=1.4' />\n"
            f'</head>\n<body class="{body_class}">\n<div id="page" class="site">\n'
            '<a class="skip-link screen-reader-text" href="#content">Skip</a>\n'
            f'<header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="{p}/" rel="home">{e(site.spec.name)}</a></p>'
            f'<p class="site-description">{e(ui["tagline"])}</p></div>\n'
            f'<nav id="site-navigation" class="main-navigation"><ul class="menu">{nav}'
            f'<li class="lang-item"><a href="{other}">{ui["lang"]}</a></li></ul></nav></header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area">'
            f'<main id="main" class="site-main">\n{main}</main></div>\n'
            f'<aside id="secondary" class="widget-area">'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">'
            f'{ui["recent"]}</h2><ul>{recent}</ul></section>'
            f'<section class="widget widget_archive"><h2 class="widget-title">{ui["archives"]}'
            f'</h2><ul>{archive}</ul></section><section class="widget widget_calendar">'
            f'<div id="calendar_wrap">{cal}</div></section></aside></div>\n'
            f'<footer id="colophon" class="site-footer"><div class="site-info">© 2025 '
            f'{e(site.spec.name)}. <a href="{p}/pro-nas/">{ui["about"]}</a> | {ui["guide"]}: '
            f"{guides}</div></footer>\n</div>\n</body>\n</html>\n"
        )

    def _meta_date(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone, lang = site.spec.zone, s.lang
        if s.mode == "yoast":
            stamp = (f'<time class="entry-date published" datetime="'
                     f'{iso_local(zone, s.published)}">'
                     f"{dt.long_day(zone, s.published, lang)}</time>")
            if s.modified:
                stamp += (f'<time class="updated" datetime="{iso_local(zone, s.modified)}">'
                          f"{dt.long_day(zone, s.modified, lang)}</time>")
            return f'<span class="posted-on"><a href="{s.path}" rel="bookmark">{stamp}</a></span>'
        if s.mode == "posted_on":
            text = dt.long_at(zone, s.published, lang)
        elif s.mode == "clock_first":
            text = dt.clock_first(zone, s.published, lang)
        elif s.mode == "day_only":
            text = dt.dotted(zone, s.published, clock=False)
        elif s.mode == "relative":
            return f'<span class="time-ago">{dt.relative(zone, s.published, now, lang, 24)}</span>'
        else:
            return ""
        line = f'<span class="posted-on">{text}</span>'
        if s.modified:
            line += (f' <span class="updated-on">{UI[lang]["updated"]} '
                     f"{dt.long_at(zone, s.modified, lang)}</span>")
        return line

    def _head(self, site: UnseenSite, s: Story) -> str:
        url, c = site.url(s.path), s.copy
        utc = lambda m: m.astimezone(UTC).isoformat()  # noqa: E731 - Yoast writes GMT
        head = (f'<link rel="canonical" href="{url}" />\n<meta name="description" '
                f'content="{e(c.dek)}" />\n<meta property="og:locale" '
                f'content="{"uk_UA" if s.lang == "uk" else "ru_RU"}" />\n'
                f'<meta property="og:type" content="article" />\n<meta property="og:title" '
                f'content="{e(c.alt_title)}" />\n<meta property="og:url" content="{url}" />\n'
                f'<meta property="og:site_name" content="{e(site.spec.name)}" />\n')
        graph: list[dict] = [
            {"@type": "WebSite", "@id": site.url("/#website"), "url": site.url("/"),
             "name": site.spec.name, "inLanguage": s.lang},
            {"@type": "Organization", "@id": site.url("/#organization"), "name": site.spec.name},
        ]
        if s.mode == "yoast":
            head += f'<meta property="article:published_time" content="{utc(s.published)}" />\n'
            art = {"@type": "NewsArticle", "@id": url + "#article", "headline": c.title,
                   "datePublished": utc(s.published),
                   "dateModified": utc(s.modified or s.published),
                   "mainEntityOfPage": {"@id": url}, "inLanguage": s.lang,
                   "articleSection": [s.section.names[s.lang]]}
            if s.author:
                art["author"] = {"@type": "Person", "name": s.author.name}
            graph.insert(0, art)
        data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
        script = f'<script type="application/ld+json" class="yoast-schema-graph">{data}</script>'
        return f"{head}{script}\n"

    def _content(self, site: UnseenSite, s: Story) -> str:
        ui, paras = UI[s.lang], s.paragraphs
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            inserts.setdefault(pos, []).append(f"<p><strong>{e(text)}</strong></p>")
        if s.related and len(paras) > 3:
            other = site.story(s.lang, s.related[0])
            inserts.setdefault(2 + s.variant % (len(paras) - 2), []).insert(
                0, f'<p><strong>{ui["also"]}</strong> <a href="{other.path}">'
                f"{e(other.copy.title)}</a></p>")
        out = []
        for i, para in enumerate(paras):
            out += inserts.get(i, [])
            out.append(f"<p>{e(para)}</p>")
        out += inserts.get(len(paras), [])
        return '<div class="entry-content">\n' + "\n".join(out) + "\n</div>\n"

    def _after(self, site: UnseenSite, s: Story) -> str:
        ui, zone, lang = UI[s.lang], site.spec.zone, s.lang
        out = []
        if s.author:
            out.append(f'<div class="author-box"><h4>{ui["about_bio"]}</h4><p>{e(s.author.bio)}'
                       "</p></div>")
        items = "".join(
            f'<div class="jp-relatedposts-post"><h4><a href="{o.path}">{e(o.copy.title)}</a></h4>'
            f'<p class="jp-relatedposts-post-date">{dt.dotted(zone, o.published, False)}</p>'
            f'<p class="jp-relatedposts-post-context">{e(o.section.names[lang])}</p></div>'
            for o in (site.story(lang, i) for i in s.related)
        )
        out.append(f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts'
                   f'-headline"><em>{ui["similar"]}</em></h3>{items}</div>')
        mine = site.in_lang(lang)
        nav = []
        if s.index + 1 < len(mine) and not s.undated:
            older = mine[s.index + 1]
            nav.append(f'<div class="nav-previous"><a href="{older.path}" rel="prev"><span '
                       f'class="meta-nav">{ui["prev"]}</span> {e(older.copy.title)}</a></div>')
        out.append('<nav class="navigation post-navigation"><div class="nav-links">'
                   + "".join(nav) + "</div></nav>")
        if s.comments:
            rows = "".join(
                f'<li class="comment"><article class="comment-body"><footer class="comment-meta">'
                f'<b class="fn">{e(who)}</b> <a href="#c{k}"><time datetime="'
                f'{iso_local(zone, s.published + timedelta(minutes=m))}">'
                f"{dt.long_at(zone, s.published + timedelta(minutes=m), lang)}</time></a>"
                f'</footer><div class="comment-content"><p>{e(text)}</p></div></article></li>'
                for k, (who, text, m) in enumerate(s.comments)
            )
            out.append(f'<div id="comments" class="comments-area"><h2 class="comments-title">'
                       f'{len(s.comments)} {ui["comments"]} «{e(s.copy.title)}»</h2>'
                       f'<ol class="comment-list">{rows}</ol></div>')
        out.append(f'<div id="respond"><h3>{ui["reply"]}</h3></div>')
        return "\n".join(out) + "\n"

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, ui, p = story, UI[story.lang], _pre(story.lang)
        crumbs = (f'<nav class="yoast-breadcrumbs"><span><a href="{p}/">{ui["home"]}</a> » '
                  f'<a href="{p}/category/{s.section.slug}/">{e(s.section.names[s.lang])}</a> » '
                  f'<span class="breadcrumb_last">{e(s.copy.title)}</span></span></nav>\n')
        byline = (f' <span class="byline"> {ui["by"]} <span class="author vcard"><a class="url fn'
                  f' n" href="{p}/author/{self.slug(s.author.name, "uk")}/">'
                  f"{e(s.author.name)}</a></span></span>" if s.author else "")
        tag = TAGS[s.variant % len(TAGS)]
        main = (
            f'{crumbs}<article id="post-{s.key}" class="post-{s.key} post type-post status-publish'
            f' format-standard hentry category-{s.section.slug}">\n<header class="entry-header">'
            f'<span class="cat-links"><a href="{p}/category/{s.section.slug}/" rel="category tag">'
            f'{e(s.section.names[s.lang])}</a></span>\n<h1 class="entry-title">{e(s.copy.title)}'
            f'</h1>\n<div class="entry-meta">{self._meta_date(site, s, now)}{byline}</div>'
            f'</header>\n<figure class="post-thumbnail"><img src="/wp-content/uploads/'
            f'{s.key}.jpg" alt="" width="1200" height="675"></figure>\n'
            f"{self._content(site, s)}"
            f'<footer class="entry-footer"><span class="tags-links">{ui["tags"]} <a href="{p}/tag/'
            f'{tag[0]}/" rel="tag">{tag[1 + (s.lang == "ru")]}</a></span></footer>\n</article>\n'
            f"{self._after(site, s)}"
        )
        kind = "page-template-default page" if s.undated else "post-template-default single"
        return self.shell(site, s.lang, f"{s.copy.alt_title} - {site.spec.name}",
                           self._head(site, s), f"{kind} postid-{s.key}", main, now)

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        return dt.long_day(zone, moment, lang)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}page/{n}/"

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        return wp_listing(self, site, lang, heading, chunk, nxt, now)

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        return wp_pages(self, site)

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        return wp_feeds(site)
