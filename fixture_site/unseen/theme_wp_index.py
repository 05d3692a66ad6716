"""The WordPress site's listings (home, categories, tags, date archives, paging) and its
Yoast sitemaps, Yoast News sitemap and RSS feeds (``pubDate`` in GMT, as WordPress writes it)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from fixture_site.unseen import feeds as fd
from fixture_site.unseen.model import Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.strings import WP_TAGS as TAGS
from fixture_site.unseen.strings import WP_UI as UI
from fixture_site.unseen.theme import Feed, Page
from fixture_site.unseen.theme import esc_numeric as e
from fixture_site.unseen.zones import ZONES, iso_local, rfc822

if TYPE_CHECKING:
    from fixture_site.unseen.theme_wp import WordPressTheme

GMT = ZONES["UTC"]
ABOUT = {"uk": "незалежне регіональне видання.", "ru": "независимое региональное издание."}


def _pre(lang: str) -> str:
    return "/ru" if lang == "ru" else ""


def wp_listing(theme: WordPressTheme, site: UnseenSite, lang: str, heading: str,
               chunk: list[Story], nxt: str | None, now: datetime) -> str:
    """One page of an archive: title, date (relative for the last hours) and excerpt."""
    rows = []
    for s in chunk:
        when = theme.teaser_date(site, s, now)
        rows.append(
            f'<article class="post type-post"><header class="entry-header"><h2 class="entry-'
            f'title"><a href="{s.path}" rel="bookmark">{e(s.copy.title)}</a></h2><div class='
            f'"entry-meta"><span class="posted-on">{when}</span></div></header><div class="entry-'
            f'summary"><p>{e(s.copy.dek)}</p></div></article>'
        )
    nav = ""
    if nxt:
        nav = (f'<nav class="navigation pagination"><a class="next page-numbers" href="{nxt}">'
               f'{UI[lang]["more"]}</a></nav>')
    main = f'<header class="page-header"><h1 class="page-title">{e(heading)}</h1></header>\n'
    title = f"{heading} - {site.spec.name}"
    return theme.shell(site, lang, title, "", "archive", main + "\n".join(rows) + nav, now)


def wp_pages(theme: WordPressTheme, site: UnseenSite) -> dict[str, Page]:
    """Every listing page, paged as WordPress does (``…/page/2/``), and the about page."""
    zone = site.spec.zone
    out: dict[str, Page] = {}

    for lang in site.spec.langs:
        add = partial(theme.add_listing, out, site, lang)
        p, dated = _pre(lang), theme.stories_by_section(site, lang, None)
        add(f"{p}/", site.spec.name, dated)
        for sec in site.spec.sections:
            add(f"{p}/category/{sec.slug}/", sec.names[lang],
                theme.stories_by_section(site, lang, sec.slug))
        for k, tag in enumerate(TAGS):
            add(f"{p}/tag/{tag[0]}/", tag[1 + (lang == "ru")],
                [s for s in dated if s.variant % len(TAGS) == k])
        for fmt in ("%Y/%m", "%Y/%m/%d"):  # the archive and calendar widgets' links
            days: dict[str, list[Story]] = {}
            for s in dated:
                days.setdefault(zone.local(s.published).strftime(fmt), []).append(s)
            for key, items in days.items():
                add(f"{p}/{key}/", key, items)
        about = (f'<h1 class="entry-title">{UI[lang]["about"]}</h1><p>{e(site.spec.name)} — '
                 f"{ABOUT[lang]}</p>")
        out[f"{p}/pro-nas/"] = partial(theme.shell, site, lang, UI[lang]["about"], "", "page",
                                       about)
    return out


def wp_feeds(site: UnseenSite) -> dict[str, Feed]:
    """robots.txt, the Yoast sitemap index, post/page sitemaps, the news sitemap, RSS."""
    zone, base, name = site.spec.zone, site.base, site.spec.name
    utc = lambda m: m.astimezone(UTC).isoformat()  # noqa: E731 - Yoast writes GMT
    posts = [s for s in site.stories if not s.undated]
    pages = ["/pro-nas/", "/ru/pro-nas/", *(s.path for s in site.stories if s.undated)]
    out: dict[str, Feed] = {
        "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
            base, ["/wp-admin/"], ["/sitemap_index.xml", "/news-sitemap.xml"])),
        "/sitemap_index.xml": (fd.SITEMAP_TYPE, lambda now: fd.sitemap_index(base, [
            ("/post-sitemap.xml", utc(max(s.published for s in posts))),
            ("/page-sitemap.xml", ""), ("/news-sitemap.xml", "")])),
        "/post-sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(
            base, [(s.path, utc(s.modified or s.published)) for s in posts])),
        "/page-sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(
            base, [(path, "") for path in pages])),
        "/news-sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.news_sitemap(base, name, [
            fd.Item(s.path, s.copy.title, date=iso_local(zone, s.published), lang=s.lang)
            for s in posts if s.in_news])),
    }
    for lang in site.spec.langs:
        items = [fd.Item(s.path, s.copy.title, s.copy.dek, rfc822(GMT, s.published),
                         author=s.author.name if s.author else "", category=s.section.names[lang])
                 for s in site.in_lang(lang) if s.in_feed]
        path = f"{_pre(lang)}/feed/"
        out[path] = (fd.RSS_TYPE, partial(
            lambda it, lang, path, now: fd.rss(base, name, f"{_pre(lang)}/", lang,
                                               rfc822(GMT, now), it, path), items, lang, path))
    return out
