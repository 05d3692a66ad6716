"""Article pages with the noise of the real site, and their print versions.

What is article text (ground truth): the lead paragraph and the body paragraphs. Everything else
here (announce box, subtitle, other-language teaser, read-also blocks inside the body, ads,
caption, share widget, tags, related list, comments) is noise an extractor must drop.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote, quote_plus

from fixture_site import lexicon as lx
from fixture_site.chrome import SITE_NAME, Ctx, ad_block, e, head, lang_prefix, page, tracked
from fixture_site.kyiv import MONTHS_GEN, glued_date, iso_minute, long_date, short_date, to_kyiv
from fixture_site.model import FIRST_ID, Article, Catalogue
from fixture_site.templates import COMMENTS

OTHER = {"uk": "ru", "ru": "uk"}
DELETED_ID = FIRST_ID - 17  # an article that was removed: its links answer 404


def image_path(art: Article) -> str | None:
    """Path of the article's main image, if it has one."""
    return f"/static/img/{art.id}.jpg" if art.image else None


def _bit(art: Article, n: int) -> bool:
    return bool(art.layout >> n & 1)


def _head_extra(ctx: Ctx, art: Article) -> str:
    t = art.texts[ctx.lang]
    canonical = ctx.base + art.path(ctx.lang)
    lines = [
        f'<meta name="description" content="{e(t.subtitle)}">',
        f'<link rel="canonical" href="{canonical}">',
        f'<link rel="alternate" hreflang="uk" href="{ctx.base}{art.path("uk")}">',
        f'<link rel="alternate" hreflang="ru" href="{ctx.base}{art.path("ru")}">',
        f'<link rel="alternate" hreflang="x-default" href="{ctx.base}{art.path("uk")}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(t.og_title)}">',
        f'<meta property="og:description" content="{e(t.subtitle)}">',
        f'<meta property="og:url" content="{canonical}">',
        f'<meta property="og:site_name" content="{SITE_NAME[ctx.lang]}">',
    ]
    img = image_path(art)
    if img:
        lines.append(f'<meta property="og:image" content="{ctx.base}{img}">')
    if art.date_style == "meta":
        stamp = iso_minute(art.published)
        lines.append(f'<meta property="article:published_time" content="{stamp}">')
        if art.modified:
            lines.append(
                f'<meta property="article:modified_time" content="{iso_minute(art.modified)}">'
            )
    if art.date_style == "jsonld":
        lines.append(_jsonld(ctx, art, canonical))
    return "\n".join(lines) + "\n"


def _jsonld(ctx: Ctx, art: Article, canonical: str) -> str:
    names = [a[ctx.lang == "ru"] for a in art.authors]
    author: object = (
        [{"@type": "Person", "name": n} for n in names]
        if names
        else {"@type": "Organization", "name": SITE_NAME[ctx.lang]}
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.texts[ctx.lang].title,
        "inLanguage": ctx.lang,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "datePublished": iso_minute(art.published),
        "dateModified": iso_minute(art.last_change),
        "author": author,
        "publisher": {
            "@type": "Organization",
            "name": SITE_NAME[ctx.lang],
            "logo": {"@type": "ImageObject", "url": f"{ctx.base}/static/img/logo.png"},
        },
    }
    img = image_path(art)
    if img:
        data["image"] = [ctx.base + img]
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _date_line(ctx: Ctx, art: Article) -> str:
    glued = glued_date(art.published, ctx.lang)
    if art.date_style == "time":
        day, clock = glued.rsplit(", ", 1)
        stamp = f"{to_kyiv(art.published):%Y-%m-%d}"
        inner = f'<time datetime="{stamp}">{e(day)}</time>, {clock}'
    else:
        inner = e(glued)
    line = f'<div class="news-date">{inner}</div><div class="news-source">vsedelo.com</div>\n'
    if art.modified:
        line += (
            f'<div class="news-updated">{e(ctx.ui["updated"])} '
            f"{e(long_date(art.modified, ctx.lang))}</div>\n"
        )
    return line


def _read_also(ctx: Ctx, cat: Catalogue, art: Article, n: int, other: int) -> str:
    href = cat.path(other, ctx.lang)
    if _bit(art, 10 + n):
        href = tracked(href, art.index + n)
    title = e(cat.title(other, ctx.lang))
    label = e(ctx.ui["read_also"])
    style = (art.layout + n) % 3
    if style == 0:
        return (
            f'<div class="read-also"><div class="read-also__title">{label}</div>'
            f'<a href="{href}">{title}</a></div>\n'
        )
    if style == 1:  # bare paragraphs, as the real site does it
        return f'<p><strong>{label}</strong></p>\n<p><a href="{href}">{title}</a></p>\n'
    return (
        f'<aside class="inline-related"><h3>{label}</h3><ul><li><a href="{href}">{title}</a>'
        "</li></ul></aside>\n"
    )


def _figure(ctx: Ctx, art: Article) -> str:
    img = image_path(art)
    if not img:
        return ""
    t = art.texts[ctx.lang]
    return (
        f'<figure class="news-image"><img src="{img}" alt="{e(t.title)}" width="800" '
        f'height="450"><figcaption>{e(t.caption)}</figcaption></figure>\n'
    )


def _teaser(art: Article, lang: str, inside: bool) -> str:
    """The other language's lead: a line outside the body, or (like the real site) a plain
    paragraph inside it."""
    other = OTHER[lang]
    text = e(art.texts[other].lead)
    if inside:
        linked = f'<a href="{art.path(other)}">{text}</a>' if _bit(art, 7) else text
        return f"<p>{linked}</p>\n"
    return f'<div class="lang-teaser" lang="{other}"><a href="{art.path(other)}">{text}</a></div>\n'


def _body(ctx: Ctx, cat: Catalogue, art: Article) -> str:
    t = art.texts[ctx.lang]
    n = len(t.body)
    inserts: dict[int, list[str]] = {}
    for k, other in enumerate(art.read_also):
        pos = 1 + (art.layout >> (16 + 4 * k)) % max(1, n - 1)
        inserts.setdefault(pos, []).append(_read_also(ctx, cat, art, k, other))
    inserts.setdefault(min(n, 2 + art.layout % 3), []).append(ad_block(ctx, art.index))
    if not _bit(art, 3):
        inserts.setdefault(min(n, 2), []).insert(0, _figure(ctx, art))
    parts = [f'<p class="lead"><strong>{e(t.lead)}</strong></p>\n']
    if _bit(art, 4):
        parts.append(_teaser(art, ctx.lang, inside=True))
    if _bit(art, 6):
        parts.append(f"<h2>{e(t.subtitle)}</h2>\n")
    for i, para in enumerate(t.body):
        parts.extend(inserts.get(i, []))
        parts.append(f"<p>{e(para)}</p>\n")
    parts.extend(inserts.get(n, []))
    return '<div class="article-text">\n' + "".join(parts) + "</div>\n"


def _after_body(ctx: Ctx, cat: Catalogue, art: Article) -> str:
    ui, lang, p = ctx.ui, ctx.lang, lang_prefix(ctx.lang)
    out = []
    if art.pdf:
        out.append(
            f'<div class="attachments"><a href="/files/report-{art.id}.pdf">'
            f"{e(ui['pdf'])}</a></div>\n"
        )
    url = quote(ctx.base + art.path(lang), safe="")
    out.append(
        f'<div class="share">{e(ui["share"])} '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={url}">Facebook</a> '
        f'<a href="https://t.me/share/url?url={url}">Telegram</a> '
        f'<a href="https://x.com/intent/tweet?url={url}">X</a></div>\n'
    )
    tags = " ".join(
        f'<a href="/search?q={quote_plus(t[lang == "ru"])}">{e(t[lang == "ru"])}</a>'
        for t in art.tags
    )
    out.append(f'<div class="tags">{e(ui["tags"])} {tags}</div>\n')
    out.append(f'<a class="print" href="/print/{art.id}/">{e(ui["print"])}</a>\n')
    items = []
    for k, other in enumerate(art.related):
        href = cat.path(other, lang)
        if (art.index + k) % 4 == 0:
            href = tracked(href, art.index + k)
        if (art.index + k) % 9 == 0:
            href = f"/old/{cat.id_of(other)}"
        items.append(
            f'<li><a href="{href}">{e(cat.title(other, lang))}</a> '
            f'<span class="date">{short_date(cat.published(other))}</span></li>'
        )
    if art.links_deleted:
        items.append(
            f'<li><a href="{p}/news/{art.category}/{DELETED_ID}-material-vydaleno.html">'
            f"{e(cat.title(art.related[0] if art.related else 0, lang))}</a></li>"
        )
    out.append(f'<div class="related"><h3>{e(ui["related"])}</h3><ul>{"".join(items)}</ul></div>\n')
    out.append(ad_block(ctx, art.index + 1))
    out.append(_comments(ctx, cat, art))
    return "".join(out)


def _comments(ctx: Ctx, cat: Catalogue, art: Article) -> str:
    ui = ctx.ui
    parts = [
        f'<section class="comments" id="comments"><h3>{e(ui["comments"])} '
        f"({len(art.comments)})</h3>\n"
    ]
    elapsed = max(2, int((cat.now - art.published).total_seconds() // 60))
    for k, (who, which, after) in enumerate(sorted(art.comments, key=lambda c: c[2] % elapsed)):
        text = COMMENTS[which][(ctx.lang == "ru") != ((art.index + k) % 5 == 0)]
        when = short_date(art.published + timedelta(minutes=1 + after % elapsed))
        parts.append(
            f'<div class="comment"><span class="comment__author">{e(who)}</span> '
            f'<span class="comment__date">{when}</span><p>{e(text)}</p></div>\n'
        )
    parts.append(
        f'<a class="add-comment" href="#comment-form">{e(ui["add_comment"])}</a></section>\n'
    )
    return "".join(parts)


def render_article(ctx: Ctx, cat: Catalogue, art: Article, charset: str) -> str:
    """The full HTML of one article page in ``ctx.lang``."""
    lang, t = ctx.lang, art.texts[ctx.lang]
    p = lang_prefix(lang)
    cat_name = lx.CATEGORY_NAMES[art.category][lang == "ru"]
    cat_href = f"{p}/news/{art.category}" + ("" if _bit(art, 5) else "/")
    crumbs = (
        f'<div class="breadcrumbs"><a href="{p}/">{e(ctx.ui["home"])}</a> / '
        f'<a href="{cat_href}">{e(cat_name)}</a></div>\n'
    )
    teaser = "" if _bit(art, 4) else _teaser(art, lang, inside=False)
    subtitle = "" if _bit(art, 6) else f'<h2 class="subtitle">{e(t.subtitle)}</h2>\n'
    announce = f'<div class="announce">{e(t.og_title)}</div>\n' if _bit(art, 2) else ""
    byline = ""
    if art.authors:
        names = ", ".join(a[lang == "ru"] for a in art.authors)
        byline = f'<div class="author">{e(ctx.ui["author"])} {e(names)}</div>\n'
    main = (
        f'{crumbs}{ad_block(ctx, art.index + 2)}<article class="news-full">\n{announce}'
        f"{_date_line(ctx, art)}<h1>{e(t.title)}</h1>\n{teaser}{subtitle}"
        f"{byline}{_figure(ctx, art) if _bit(art, 3) else ''}{_body(ctx, cat, art)}"
        f"{_after_body(ctx, cat, art)}</article>\n"
    )
    title = f"{t.title} | {SITE_NAME[lang]}"
    return page(
        ctx,
        head(ctx, title, charset, _head_extra(ctx, art)),
        "page-article",
        main,
        art.path(OTHER[lang]),
        art.index,
    )


def render_print(ctx: Ctx, art: Article) -> str:
    """The print version (robots-disallowed): plain title, date and text."""
    t = art.texts[ctx.lang]
    local = to_kyiv(art.published)
    day = f"{local.day} {MONTHS_GEN[ctx.lang][local.month - 1]} {local.year}"
    paras = "".join(f"<p>{e(x)}</p>\n" for x in t.paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{ctx.lang}"><head><meta charset="utf-8">'
        f'<title>{e(t.title)}</title><meta name="robots" content="noindex"></head>\n'
        f'<body onload="window.print()"><h1>{e(t.title)}</h1><p>{day}</p>\n{paras}'
        "</body></html>\n"
    )
