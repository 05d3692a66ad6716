"""Listing pages: home pages, category fronts with pagination, the calendar archive (an infinite
link space), search results, special pages and error pages."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from fixture_site import lexicon as lx
from fixture_site.article_page import DELETED_ID
from fixture_site.chrome import SITE_NAME, Ctx, ad_block, e, head, lang_prefix, page, tracked
from fixture_site.kyiv import MONTHS_GEN, relative_date, short_date
from fixture_site.model import Catalogue

PER_PAGE = 20
HOME_LATEST = 50


def _cat_name(cat: str, lang: str) -> str:
    return lx.CATEGORY_NAMES[cat][lang == "ru"]


def _item(ctx: Ctx, cat: Catalogue, index: int, href: str | None = None, rel: bool = True) -> str:
    when = (
        relative_date(cat.published(index), cat.now, ctx.lang)
        if rel
        else short_date(cat.published(index))
    )
    href = href or cat.path(index, ctx.lang)
    return (
        f'<li><span class="time">{e(when)}</span> '
        f'<a href="{href}">{e(cat.title(index, ctx.lang))}</a></li>\n'
    )


def _link_rel(ctx: Ctx, rel: str, href: str) -> str:
    return f'<link rel="{rel}" href="{ctx.base}{href}">\n'


def render_home(ctx: Ctx, cat: Catalogue) -> str:
    """``/`` or ``/ru/``: latest news with relative dates, popular, sections, special links."""
    ui, lang, p = ctx.ui, ctx.lang, lang_prefix(ctx.lang)
    latest = []
    for i in range(min(HOME_LATEST, cat.size)):
        href = cat.path(i, lang)
        if i % 4 == 1:
            href = tracked(href, i // 4)
        latest.append(_item(ctx, cat, i, href))
        if i == 7:
            latest.append(
                '<li><span class="time">LIVE</span> <a href="/news/broken.html">'
                f"{e('Онлайн-трансляція' if lang == 'uk' else 'Онлайн-трансляция')}"
                "</a></li>\n"
            )
    popular = [
        _item(ctx, cat, i, f"/go/{cat.id_of(i)}", rel=False) for i in range(3, min(cat.size, 40), 7)
    ]
    if cat.size > 12:
        popular.append(_item(ctx, cat, 12, f"/old/{cat.id_of(12)}", rel=False))
    popular.append(
        f'<li><a href="{p}/news/politics/{DELETED_ID}-material-vydaleno.html">'
        f"{e(cat.title(0, lang))}</a></li>\n"
    )
    sections = []
    for n, c in enumerate(lx.CATEGORIES):
        count = cat.category_count(c)
        items = "".join(_item(ctx, cat, cat.category_index(c, k)) for k in range(min(3, count)))
        more = f"{p}/news/{c}/" + ("?utm_source=home&utm_medium=section" if n % 3 == 2 else "")
        sections.append(
            f'<section class="rubric"><h2><a href="{p}/news/{c}/">'
            f"{e(_cat_name(c, lang))}</a></h2><ul>{items}</ul>"
            f'<a class="more" href="{more}">{e(ui["all"])}</a></section>\n'
        )
    special = {
        "uk": ("Спецпроєкт: як змінюються ціни", "Велике інтерв'ю тижня"),
        "ru": ("Спецпроект: как меняются цены", "Большое интервью недели"),
    }[lang]
    top = cat.article(0).texts[lang]
    main = (
        f'<section class="top-news"><h2><a href="{cat.path(0, lang)}">{e(top.title)}</a></h2>'
        f"<p>{e(top.subtitle)}</p></section>\n{ad_block(ctx, 3)}"
        f'<section class="latest"><h2>{e(ui["latest"])}</h2><ul>\n{"".join(latest)}</ul>'
        "</section>\n"
        f'<section class="popular"><h2>{e(ui["popular"])}</h2><ul>\n{"".join(popular)}</ul>'
        f"</section>\n{''.join(sections)}"
        f'<section class="special"><h2>{e(ui["special"])}</h2><ul>'
        f'<li><a href="/special/busy.html">{e(special[0])}</a></li>'
        f'<li><a href="/special/slow.html">{e(special[1])}</a></li></ul></section>\n'
        f'<p class="archive"><a href="{ctx.today_path}">{e(ui["archive"])}</a> · '
        f'<a href="http://localhost:{_port(ctx.host)}{p}/">{e(ui["mobile"])}</a></p>\n'
    )
    motto = "новини України та світу" if lang == "uk" else "новости Украины и мира"
    title = f"{SITE_NAME[lang]} — {motto}"
    return page(
        ctx,
        head(ctx, title, "utf-8", _alternates(ctx, "/")),
        "page-home",
        main,
        "/" if lang == "ru" else "/ru/",
        0,
    )


def _port(host: str) -> str:
    return host.rsplit(":", 1)[1] if ":" in host else "80"


def _alternates(ctx: Ctx, path: str) -> str:
    uk, ru = ctx.base + path, ctx.base + "/ru" + path
    own = ru if ctx.lang == "ru" else uk
    return (
        f'<link rel="canonical" href="{own}">\n<link rel="alternate" hreflang="uk" href="{uk}">\n'
        f'<link rel="alternate" hreflang="ru" href="{ru}">\n'
        f'<link rel="alternate" hreflang="x-default" href="{uk}">\n'
    )


def category_pages(cat: Catalogue, category: str) -> int:
    """Number of listing pages of a category (at least one)."""
    return max(1, -(-cat.category_count(category) // PER_PAGE))


def render_category(ctx: Ctx, cat: Catalogue, category: str, page_no: int) -> str:
    """``/news/<cat>/`` (page 1) or ``/news/<cat>/page/<n>/``; caller checks the range."""
    lang, p, ui = ctx.lang, lang_prefix(ctx.lang), ctx.ui
    pages = category_pages(cat, category)
    front = f"/news/{category}/"

    def href(n: int) -> str:
        return f"{p}{front}" if n == 1 else f"{p}{front}page/{n}/"

    start = (page_no - 1) * PER_PAGE
    rows = []
    for k in range(start, min(start + PER_PAGE, cat.category_count(category))):
        i = cat.category_index(category, k)
        link = cat.path(i, lang)
        if k % 6 == 5:
            link = tracked(link, k)
        rows.append(_item(ctx, cat, i, link))
    nav, links = [], ""
    if page_no > 1:
        nav.append(f'<a rel="prev" href="{href(page_no - 1)}">{e(ui["prev"])}</a>')
        links += _link_rel(ctx, "prev", href(page_no - 1))
    for n in sorted({1, page_no - 1, page_no, page_no + 1, pages} & set(range(1, pages + 1))):
        nav.append(f"<span>{n}</span>" if n == page_no else f'<a href="{href(n)}">{n}</a>')
    if page_no < pages:
        nav.append(f'<a rel="next" href="{href(page_no + 1)}">{e(ui["next"])}</a>')
        links += _link_rel(ctx, "next", href(page_no + 1))
    name = _cat_name(category, lang)
    suffix = f" — {ui['page']} {page_no}" if page_no > 1 else ""
    main = (
        f'<h1>{e(name)}{e(suffix)}</h1>\n<ul class="news-list">\n{"".join(rows)}</ul>\n'
        f'<nav class="pagination">{" ".join(nav)}</nav>\n'
    )
    path = front if page_no == 1 else f"{front}page/{page_no}/"
    extra = _alternates(ctx, path) + links
    other = path if lang == "ru" else "/ru" + path
    return page(
        ctx,
        head(ctx, f"{name}{suffix} | {SITE_NAME[lang]}", "utf-8", extra),
        "page-category",
        main,
        other,
        page_no,
    )


def archive_path(day: date) -> str:
    """``/archive/yyyy/mm/dd/``."""
    return f"/archive/{day:%Y/%m/%d}/"


def render_archive(ctx: Ctx, cat: Catalogue, day: date) -> str:
    """Articles of one Kyiv day, with links to the previous and next day and the next month."""
    rows = "".join(_item(ctx, cat, i, rel=False) for i in cat.day_indices(day))
    links = []
    if day > date.min:
        links.append(f'<a href="{archive_path(day - timedelta(days=1))}">←</a>')
    if day < date.max:
        links.append(f'<a href="{archive_path(day + timedelta(days=1))}">→</a>')
    if day.year < 9999 or day.month < 12:
        y, m = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        nxt = date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
        links.append(f'<a href="{archive_path(nxt)}">»</a>')
    label = f"{day.day} {MONTHS_GEN[ctx.lang][day.month - 1]} {day.year}"
    main = (
        f'<h1>{e(ctx.ui["archive"])}: {e(label)}</h1>\n<ul class="news-list">\n{rows}</ul>\n'
        f'<nav class="calendar">{" ".join(links)}</nav>\n'
    )
    return page(
        ctx,
        head(ctx, f"{ctx.ui['archive']} {label} | {SITE_NAME[ctx.lang]}", "utf-8"),
        "page-archive",
        main,
        "/ru/",
        day.toordinal(),
    )


def render_search(ctx: Ctx, cat: Catalogue, query: str) -> str:
    """Search results (robots-disallowed): the newest ten articles, whatever was asked."""
    rows = "".join(_item(ctx, cat, i) for i in range(min(10, cat.size)))
    main = f"<h1>{e(ctx.ui['search'])}: {e(query)}</h1>\n<ul>{rows}</ul>\n"
    return page(
        ctx,
        head(ctx, f"{ctx.ui['search']} | {SITE_NAME[ctx.lang]}", "utf-8"),
        "page-search",
        main,
        "/ru/",
        len(query),
    )


def render_special(ctx: Ctx, cat: Catalogue, name: str) -> str:
    """``/special/<name>.html``: a long-form page that is not an article."""
    rows = "".join(_item(ctx, cat, i) for i in range(min(5, cat.size)))
    main = (
        f"<h1>{e(name)}</h1>\n<p>Спецпроєкт редакції «Все Дело». Матеріал оновлюється.</p>\n"
        f"<ul>{rows}</ul>\n"
    )
    return page(
        ctx, head(ctx, f"{name} | {SITE_NAME['uk']}", "utf-8"), "page-special", main, "/ru/", 7
    )


def render_error(ctx: Ctx, status: int) -> str:
    """Error page body for 404 (site-styled) and other statuses (bare)."""
    if status != 404:
        return (
            f"<html><head><title>{status}</title></head><body><center><h1>{status}</h1>"
            f"</center><hr><center>nginx</center></body></html>\n"
        )
    main = (
        f"<h1>404</h1><p>{e(ctx.ui['not_found'])}</p>"
        f'<p><a href="{lang_prefix(ctx.lang)}/">{e(ctx.ui["home"])}</a></p>\n'
    )
    return page(
        ctx, head(ctx, f"404 | {SITE_NAME[ctx.lang]}", "utf-8"), "page-404", main, "/ru/", 404
    )
