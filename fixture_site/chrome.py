"""The page shell shared by every HTML page: head, cookie banner, header/nav, footer.

Also the interface strings of both languages and the tracking decorations links carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from fixture_site import lexicon as lx

SITE_NAME = {"uk": "Все Дело", "ru": "Всё Дело"}

UI = {
    "uk": {
        "home": "Головна",
        "latest": "Останні новини",
        "read_also": "Читайте також",
        "ad": "Реклама",
        "share": "Поділитися:",
        "tags": "Теги:",
        "related": "Інші новини",
        "comments": "Коментарі",
        "author": "Автор:",
        "updated": "Оновлено:",
        "cookie": "Ми використовуємо файли cookie, щоб покращити роботу сайту. Продовжуючи "
        "користуватися сайтом, ви погоджуєтеся з умовами їх використання.",
        "accept": "Погоджуюсь",
        "archive": "Архів",
        "search": "Пошук",
        "next": "Наступна",
        "prev": "Попередня",
        "all": "Усі новини розділу",
        "other_lang": "Русский",
        "popular": "Популярне",
        "special": "Спецпроєкти",
        "print": "Версія для друку",
        "subscribe": "Підписуйтесь на наш Telegram-канал, щоб першими дізнаватися новини.",
        "footer": "© 2008–2025 Все Дело. Усі права захищено. Використання матеріалів "
        "дозволяється лише за умови гіперпосилання на vsedelo.com.",
        "about": "Редакція",
        "old": "Стара версія сайту",
        "mobile": "Мобільна версія",
        "pdf": "Завантажити повний текст звіту (PDF)",
        "page": "Сторінка",
        "not_found": "Сторінку не знайдено",
        "add_comment": "Залишити коментар",
    },
    "ru": {
        "home": "Главная",
        "latest": "Последние новости",
        "read_also": "Читайте также",
        "ad": "Реклама",
        "share": "Поделиться:",
        "tags": "Теги:",
        "related": "Другие новости",
        "comments": "Комментарии",
        "author": "Автор:",
        "updated": "Обновлено:",
        "cookie": "Мы используем файлы cookie, чтобы улучшить работу сайта. Продолжая "
        "пользоваться сайтом, вы соглашаетесь с условиями их использования.",
        "accept": "Согласен",
        "archive": "Архив",
        "search": "Поиск",
        "next": "Следующая",
        "prev": "Предыдущая",
        "all": "Все новости раздела",
        "other_lang": "Українська",
        "popular": "Популярное",
        "special": "Спецпроекты",
        "print": "Версия для печати",
        "subscribe": "Подписывайтесь на наш Telegram-канал, чтобы первыми узнавать новости.",
        "footer": "© 2008–2025 Всё Дело. Все права защищены. Использование материалов "
        "разрешается только при условии гиперссылки на vsedelo.com.",
        "about": "Редакция",
        "old": "Старая версия сайта",
        "mobile": "Мобильная версия",
        "pdf": "Скачать полный текст отчета (PDF)",
        "page": "Страница",
        "not_found": "Страница не найдена",
        "add_comment": "Оставить комментарий",
    },
}

TRACKING = (
    "?utm_source=facebook&utm_medium=social&utm_campaign=news",
    "?utm_source=telegram&utm_medium=channel",
    "?fbclid=IwAR2xK9vQ7mZt0dEdelo",
    "?gclid=Cj0KCQiA5rGuBhCnARIsAN11vgR",
    "?yclid=4827163950127",
    "?_ga=2.148277.1911.1700000000",
    "#comments",
    "?utm_source=main&utm_medium=block#comments",
)


def tracked(path: str, salt: int) -> str:
    """``path`` decorated with a tracking query or ``#comments``, chosen by ``salt``."""
    return path + TRACKING[salt % len(TRACKING)]


def e(text: str) -> str:
    """HTML-escape text and attribute values."""
    return escape(text, quote=True)


def lang_prefix(lang: str) -> str:
    """``/ru`` for Russian pages, empty for Ukrainian ones."""
    return "/ru" if lang == "ru" else ""


@dataclass(frozen=True)
class Ctx:
    """What a page renderer needs to know about the request."""

    base: str  # scheme://host[:port], no trailing slash
    host: str
    lang: str
    today_path: str  # /archive/yyyy/mm/dd/ of the site's "now"
    size: int  # number of articles on the site

    @property
    def ui(self) -> dict[str, str]:
        """Interface strings of the page language."""
        return UI[self.lang]


def head(ctx: Ctx, title: str, charset: str, extra: str = "") -> str:
    """``<!DOCTYPE html>`` through ``</head>`` for a page titled ``title``."""
    rss = f"{ctx.base}{lang_prefix(ctx.lang)}/rss.xml"
    return (
        f'<!DOCTYPE html>\n<html lang="{ctx.lang}">\n<head>\n<meta charset="{charset}">\n'
        f"<title>{e(title)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<link rel="alternate" type="application/rss+xml" title="{e(SITE_NAME[ctx.lang])}" '
        f'href="{rss}">\n'
        '<link rel="stylesheet" href="/static/css/site.css">\n'
        '<link rel="icon" href="/favicon.ico" type="image/x-icon">\n'
        f"{extra}"
        '<script src="/static/js/app.js" defer></script>\n</head>\n'
    )


def header(ctx: Ctx, other_lang_href: str, salt: int) -> str:
    """Cookie banner, logo, date strip, category menu, search form, language switch."""
    ui, p = ctx.ui, lang_prefix(ctx.lang)
    items = []
    for n, cat in enumerate(lx.CATEGORIES):
        name = lx.CATEGORY_NAMES[cat][ctx.lang == "ru"]
        href = f"{p}/news/{cat}/"
        if (salt + n) % 5 == 0:
            href += "?utm_source=menu&utm_medium=header"
        items.append(f'<li><a href="{href}">{e(name)}</a></li>')
    return (
        f'<div class="cookie-banner" id="cookie-banner"><p>{e(ui["cookie"])}</p>'
        f'<button type="button">{e(ui["accept"])}</button></div>\n'
        '<header class="site-header">\n'
        f'<a class="logo" href="{p}/"><img src="/static/img/logo.png" alt="{SITE_NAME[ctx.lang]}" '
        'width="180" height="40"></a>\n'
        f'<nav class="menu"><ul><li><a href="{p}/">{e(ui["home"])}</a></li>{"".join(items)}'
        f'<li><a href="{ctx.today_path}">{e(ui["archive"])}</a></li></ul></nav>\n'
        f'<form class="search" action="/search" method="get"><input name="q" '
        f'placeholder="{e(ui["search"])}"><button>{e(ui["search"])}</button></form>\n'
        f'<a class="lang-switch" href="{other_lang_href}" hreflang="{"uk" if p else "ru"}">'
        f"{e(ui['other_lang'])}</a>\n</header>\n"
    )


def footer(ctx: Ctx, salt: int) -> str:
    """Footer with a slash-less category link (301 trap), the old-site and admin links."""
    ui, p = ctx.ui, lang_prefix(ctx.lang)
    cat = lx.CATEGORIES[salt % len(lx.CATEGORIES)]
    name = lx.CATEGORY_NAMES[cat][ctx.lang == "ru"]
    return (
        '<footer class="site-footer">\n'
        f'<p class="subscribe"><a href="https://t.me/vsedelo_news">{e(ui["subscribe"])}</a></p>\n'
        f'<ul><li><a href="{p}/news/{cat}">{e(name)}</a></li>'
        f'<li><a href="/old/{100000 + salt % min(20, ctx.size)}">{e(ui["old"])}</a></li>'
        f'<li><a href="/admin/">Admin</a></li>'
        f'<li><a href="{p}/rss.xml">RSS</a></li></ul>\n'
        f'<p class="copyright">{e(ui["footer"])}</p>\n</footer>\n'
    )


def ad_block(ctx: Ctx, salt: int) -> str:
    """An advertising block (never article text)."""
    offers = {
        "uk": (
            "Вигідні кредити для бізнесу від партнерів банку",
            "Знижки до 50% на зимові шини",
            "Курси англійської онлайн: перший урок безкоштовно",
        ),
        "ru": (
            "Выгодные кредиты для бизнеса от партнеров банка",
            "Скидки до 50% на зимние шины",
            "Курсы английского онлайн: первый урок бесплатно",
        ),
    }[ctx.lang]
    return (
        f'<div class="adv"><span class="adv__label">{e(ctx.ui["ad"])}</span>'
        f'<a href="https://ads.example.com/click?b={salt % 97}" rel="nofollow sponsored">'
        f"{e(offers[salt % len(offers)])}</a></div>\n"
    )


def page(
    ctx: Ctx, head_html: str, body_class: str, main_html: str, other_href: str, salt: int
) -> str:
    """A complete HTML document."""
    return (
        f'{head_html}<body class="{body_class}">\n{header(ctx, other_href, salt)}'
        f'<main class="content">\n{main_html}</main>\n{footer(ctx, salt)}</body>\n</html>\n'
    )
