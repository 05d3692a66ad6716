"""An old PHP regional portal (1C-Bitrix style): table layout, windows-1251, uk at ``/`` and ru at
``/ru/``, no structured dates on article pages at all.

Date modes (visible text only): ``glued`` (``неділя23 березня 2025, 14:05``), ``dotted``
(``23.03.2025 14:05``), ``published`` (``Опубліковано: 23 березня 2025 о 14:05``), ``day``
(``23.03.2025``; the time is in the news sitemap), ``relative`` (``2 години тому``,
``вчора о 14:05``, ``позавчера в 02:55``), ``none`` (press releases). Zone evidence lives only in
the RSS feeds (numeric offsets); the news sitemap gives local times without an offset.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import partial

from fixture_site.unseen import datetext as dt
from fixture_site.unseen import feeds as fd
from fixture_site.unseen.model import Section, Story
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.specs import BITRIX
from fixture_site.unseen.strings import BITRIX_NAME as NAME
from fixture_site.unseen.strings import BITRIX_UI as UI
from fixture_site.unseen.theme import Feed, Page, Theme
from fixture_site.unseen.theme import esc as e
from fixture_site.unseen.zones import Zone, rfc822


def _pre(lang: str) -> str:
    return "/ru" if lang == "ru" else ""


class BitrixTheme(Theme):
    """See the module docstring."""

    spec = BITRIX
    bilingual = True
    first_key = 52000
    charset = "windows-1251"
    server = "Apache/2.2.22 (Debian)"
    headers = (("X-Powered-By", "PHP/5.6.40"),)
    evidence = {"glued": "time", "dotted": "time", "published": "time", "day": "day",
                "relative": "relative", "none": "none"}

    def pick_mode(self, rng: random.Random, age: timedelta) -> str:
        if age < timedelta(days=2, hours=12):
            return rng.choice(("relative", "relative", "relative", "glued", "dotted"))
        return rng.choice(("glued", "dotted", "published", "day"))

    def story_path(self, key: int, lang: str, section: Section, slug: str, local: datetime,
                   mode: str) -> str:
        if mode == "none":
            return f"{_pre(lang)}/press/{key}/"
        return f"{_pre(lang)}/news/{section.slug}/{key}/"

    def _date(self, site: UnseenSite, s: Story, now: datetime) -> str:
        zone, lang = site.spec.zone, s.lang
        if s.mode == "glued":
            wd = dt.WEEKDAYS[lang][zone.local(s.published).weekday()]
            rest = dt.glued(zone, s.published, lang)[len(wd) :]
            return f'<span class="wd">{wd}</span><span class="d">{rest}</span>'
        if s.mode == "dotted":
            return dt.dotted(zone, s.published)
        if s.mode == "published":
            return f'{UI[lang]["published"]} {dt.long_at(zone, s.published, lang)}'
        if s.mode == "day":
            return dt.dotted(zone, s.published, clock=False)
        if s.mode == "relative":
            return dt.relative(zone, s.published, now, lang)
        return ""

    def day_label(self, zone: Zone, moment: datetime, lang: str) -> str:
        return dt.dotted(zone, moment)

    def page_path(self, first: str, n: int) -> str:
        return f"{first}{'&' if '?' in first else '?'}PAGEN_1={n}"

    def _shell(self, site: UnseenSite, lang: str, title: str, head: str, center: str,
               now: datetime) -> str:
        ui, p, zone = UI[lang], _pre(lang), site.spec.zone
        cal = self.calendar(site, lang, now, lambda d: f"{p}/news/?date={d:%d.%m.%Y}")
        popular = "".join(
            f'<li><a href="{s.path}">{e(s.copy.title)}</a><br><span class="date">'
            f"{self.teaser_date(site, s, now)}</span></li>"
            for s in self.stories_by_section(site, lang, None)[2:7]
        )
        nav = " | ".join(f'<a href="{p}/news/{s.slug}/">{e(s.names[lang])}</a>'
                         for s in site.spec.sections)
        other = "/" if lang == "ru" else "/ru/"
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">\n'
            f"<title>{e(title)}</title>\n{head}"
            '<link href="/bitrix/templates/region/styles.css" type="text/css" rel="stylesheet">\n'
            f'<link rel="alternate" type="application/rss+xml" href="{p}/rss/">\n'
            '</head>\n<body>\n<div id="header"><a href="' + p + '/"><img src="/images/logo.gif" '
            f'alt="{NAME[lang]}"></a> <a class="lang" href="{other}">{ui["lang"]}</a>'
            f'<div class="menu">{nav}</div></div>\n<table width="100%" cellpadding="0" '
            'cellspacing="0" class="main-table"><tr>\n<td class="left-col" width="240" '
            f'valign="top"><div class="block"><h3 class="block-title">{ui["archive"]}</h3>'
            f'{cal}</div><div class="block"><h3 class="block-title">{ui["popular"]}</h3><ul>'
            f'{popular}</ul></div></td>\n<td class="center-col" valign="top">\n{center}</td>\n'
            f'<td class="right-col" width="200" valign="top"><div class="rates">{ui["rate"]} '
            f"{dt.dotted(zone, now, clock=False)}<br>USD 41,37<br>EUR 44,85</div>"
            '<div class="banner"><a href="/bitrix/rk.php?id=17"><img src="/upload/rk/b1.gif" '
            'alt=""></a></div></td></tr></table>\n<div class="footer">© 2007-2025 «'
            f'{NAME[lang]}». <a href="{p}/about/">{ui["about"]}</a> | <a href="{p}/press/">'
            f'{ui["press"]}</a></div>\n</body>\n</html>\n'
        )

    def _text(self, site: UnseenSite, s: Story) -> str:
        ui, paras, brs = UI[s.lang], s.paragraphs, s.bit(3)
        inserts: dict[int, list[str]] = {}
        for pos, text in s.cta_at:
            inserts.setdefault(pos, []).append(f"<b>{e(text)}</b>")
        for k, i in enumerate(s.related[:2]):
            if len(paras) > 2 + k:
                other = site.story(s.lang, i)
                inserts.setdefault(2 + (s.variant >> 4 + k) % (len(paras) - 2), []).append(
                    f'<div class="read-also"><b>{ui["also"]}</b><br><a href="{other.path}">'
                    f"{e(other.copy.title)}</a></div>")
        out = []
        for i, para in enumerate(paras):
            out += inserts.get(i, [])
            out.append(f"<b>{e(para)}</b>" if i == 0 else e(para))
        out += inserts.get(len(paras), [])
        out.append(f"<i>{e(site.spec.chrome_lines[s.lang == 'ru'])}</i>")
        if brs:  # the old editor: paragraphs are text runs split by two line breaks
            body = "<br />\n<br />\n".join(out)
        else:
            body = "\n".join(x if x.startswith("<div") else f"<p>{x}</p>" for x in out)
        return f'<div class="news-text">\n{body}\n</div>\n'

    def article(self, site: UnseenSite, story: Story, now: datetime) -> str:
        s, ui, p, zone = story, UI[story.lang], _pre(story.lang), site.spec.zone
        twin = next(x for x in site.stories if x.key == s.key and x.lang != s.lang)
        head = (f'<meta name="description" content="{e(s.copy.dek)}">\n<meta property="og:type" '
                f'content="article">\n<meta property="og:title" content="{e(s.copy.alt_title)}">\n'
                f'<meta property="og:image" content="{site.url("/upload/iblock/")}{s.key}.jpg">\n'
                f'<link rel="canonical" href="{site.url(s.path)}">'
                f'\n<link rel="alternate" hreflang="{twin.lang}" href="{site.url(twin.path)}">\n')
        crumbs = (f'<div class="breadcrumbs"><a href="{p}/">{ui["home"]}</a> → <a href="{p}/news/">'
                  f'{ui["news"]}</a> → <a href="{p}/news/{s.section.slug}/">'
                  f"{e(s.section.names[s.lang])}</a></div>\n")
        teaser = (f'<div class="lang-teaser"><a href="{twin.path}">{e(s.copy.other_lead)}</a></div>'
                  if s.bit(5) else "")
        others = "".join(f'<li><a href="{o.path}">{e(o.copy.title)}</a> <span class="date">'
                         f"{self.teaser_date(site, o, now)}</span></li>"
                         for o in (site.story(s.lang, i) for i in s.related))
        comments = "".join(
            f'<div class="comment"><b>{e(who)}</b> <span class="date">'
            f"{dt.dotted(zone, s.published + timedelta(minutes=m))}</span><div>{e(text)}</div>"
            "</div>"
            for who, text, m in s.comments
        )
        date = "" if s.undated else f'<div class="news-date-time">{self._date(site, s, now)}</div>'
        center = (
            f'{crumbs}<div class="news-detail">\n{date}<div class="news-source">'
            f'{NAME[s.lang]}</div>\n<h1>{e(s.copy.title)}</h1>\n<div class="announce">'
            f"{e(s.copy.alt_title)}</div>\n{teaser}{self._text(site, s)}"
            f'<div class="news-tags">{ui["tags"]} <a href="/search/?tags='
            f'{s.section.slug}">{e(s.section.names[s.lang])}</a></div></div>\n'
            f'<div class="news-other"><h3>{ui["other"]}</h3><ul>{others}</ul></div>\n'
            f'<div class="comments"><h3>{ui["comments"]} ({len(s.comments)})</h3>{comments}</div>\n'
        )
        return self._shell(site, s.lang, f"{s.copy.title} - {NAME[s.lang]}", head, center, now)

    def listing(self, site: UnseenSite, lang: str, heading: str, chunk: list[Story],
                nxt: str | None, now: datetime) -> str:
        rows = []
        for s in chunk:
            when = "" if s.undated else self.teaser_date(site, s, now)
            stamp = f'<span class="news-date-time">{when}</span> ' if when else ""
            rows.append(f'<div class="news-item">{stamp}<a href="{s.path}"><b>{e(s.copy.title)}'
                        f"</b></a><br>{e(s.copy.dek)}</div>\n")
        more = f'<div class="pager"><a href="{nxt}">{UI[lang]["next"]}</a></div>' if nxt else ""
        center = f'<h1>{e(heading)}</h1>\n<div class="news-list">\n{"".join(rows)}</div>{more}\n'
        return self._shell(site, lang, f"{heading} - {NAME[lang]}", "", center, now)

    def pages(self, site: UnseenSite) -> dict[str, Page]:
        zone = site.spec.zone
        out: dict[str, Page] = {}
        for lang in site.spec.langs:
            ui, p = UI[lang], _pre(lang)
            dated = self.stories_by_section(site, lang, None)
            add = partial(self.add_listing, out, site, lang)
            add(f"{p}/", NAME[lang], dated[: self.per_page])
            add(f"{p}/news/", ui["all"], dated)
            for sec in site.spec.sections:
                add(f"{p}/news/{sec.slug}/", sec.names[lang],
                    self.stories_by_section(site, lang, sec.slug))
            days: dict[str, list[Story]] = {}
            for s in dated:
                days.setdefault(f"{zone.local(s.published):%d.%m.%Y}", []).append(s)
            for day, items in days.items():
                add(f"{p}/news/?date={day}", f'{ui["archive"]}: {day}', items)
            add(f"{p}/press/", ui["press"], [s for s in site.in_lang(lang) if s.undated])
            out[f"{p}/about/"] = partial(
                self._shell, site, lang, ui["about"], "",
                f'<h1>{ui["about"]}</h1><p>{NAME[lang]}: {ui["news"]}, {ui["press"]}.</p>')
        return out

    def feeds(self, site: UnseenSite) -> dict[str, Feed]:
        zone, base = site.spec.zone, site.base
        dated = [s for s in site.stories if not s.undated]
        local = lambda m: zone.local(m).strftime("%Y-%m-%dT%H:%M:%S")  # noqa: E731
        out: dict[str, Feed] = {
            "/robots.txt": (fd.TEXT_TYPE, lambda now: fd.robots(
                base, ["/bitrix/", "/search/", "/auth/"], ["/sitemap.xml", "/sitemap_news.xml"])),
            "/sitemap.xml": (fd.SITEMAP_TYPE, lambda now: fd.sitemap_index(base, [
                ("/sitemap_iblock_3.xml", ""), ("/sitemap_iblock_4.xml", ""),
                ("/sitemap_files.xml", "")])),
            "/sitemap_files.xml": (fd.SITEMAP_TYPE, lambda now: fd.urlset(base, [
                ("/about/", ""), ("/ru/about/", ""),
                *((s.path, "") for s in site.stories if s.undated)])),
            "/sitemap_news.xml": (fd.SITEMAP_TYPE, lambda now: fd.news_sitemap(base, NAME["uk"], [
                fd.Item(s.path, s.copy.title, date=local(s.published), lang=s.lang)
                for s in dated if s.in_news])),
        }
        for n, lang in ((3, "uk"), (4, "ru")):
            entries = [(s.path, f"{zone.local(s.modified or s.published):%Y-%m-%d}")
                       for s in dated if s.lang == lang]
            out[f"/sitemap_iblock_{n}.xml"] = (
                fd.SITEMAP_TYPE, partial(lambda en, now: fd.urlset(base, en), entries))
            items = [fd.Item(s.path, s.copy.title, s.copy.dek, rfc822(zone, s.published),
                             category=s.section.names[lang])
                     for s in site.in_lang(lang) if s.in_feed]
            out[f"{_pre(lang)}/rss/"] = (fd.RSS_TYPE, partial(
                lambda it, lang, now: fd.rss(base, NAME[lang], f"{_pre(lang)}/", lang,
                                             rfc822(zone, now), it), items, lang))
        return out
