"""Machine-readable files: robots.txt, sitemap index and sitemaps, Google News sitemap,
RSS 2.0 and Atom feeds. Absolute URLs use the request's base (scheme and Host)."""

from __future__ import annotations

from datetime import timedelta
from xml.sax.saxutils import escape as x

from fixture_site import lexicon as lx
from fixture_site.chrome import SITE_NAME, lang_prefix
from fixture_site.kyiv import iso_minute, rfc822
from fixture_site.model import Catalogue

SITEMAP_URLS = 1000
FEED_ITEMS = 50
NEWS_HOURS = 48
NEWS_MIN_ITEMS = 30
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def robots_txt(base: str, crawl_delay: float) -> str:
    """robots.txt: disallowed search/print/admin, a BadBot ban, optional Crawl-delay, sitemaps."""
    delay = f"Crawl-delay: {crawl_delay:g}\n" if crawl_delay > 0 else ""
    return (
        "# robots.txt for vsedelo.com\n"
        f"User-agent: *\nDisallow: /search\nDisallow: /print/\nDisallow: /admin/\n{delay}\n"
        "User-agent: BadBot\nDisallow: /\n\n"
        f"Sitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n"
    )


def article_sitemap_count(cat: Catalogue) -> int:
    """How many ``/sitemaps/articles-<n>.xml`` files the index lists."""
    return -(-cat.size * 2 // SITEMAP_URLS)


def sitemap_index(base: str, cat: Catalogue) -> str:
    """``/sitemap.xml``: the sitemap index."""
    parts = [XML_DECL, f'<sitemapindex xmlns="{SM_NS}">\n']
    for n in range(1, article_sitemap_count(cat) + 1):
        newest = (n - 1) * SITEMAP_URLS // 2
        parts.append(
            f"<sitemap><loc>{base}/sitemaps/articles-{n}.xml</loc>"
            f"<lastmod>{iso_minute(cat.last_change(newest))}</lastmod></sitemap>\n"
        )
    parts.append(
        f"<sitemap><loc>{base}/sitemaps/sections.xml</loc>"
        f"<lastmod>{iso_minute(cat.now)}</lastmod></sitemap>\n</sitemapindex>\n"
    )
    return "".join(parts)


def article_sitemap(base: str, cat: Catalogue, n: int) -> str | None:
    """``/sitemaps/articles-<n>.xml`` (n from 1), or None past the end."""
    if not 1 <= n <= article_sitemap_count(cat):
        return None
    per = SITEMAP_URLS // 2
    parts = [XML_DECL, f'<urlset xmlns="{SM_NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n']
    for i in range((n - 1) * per, min(n * per, cat.size)):
        lastmod = iso_minute(cat.last_change(i))
        uk, ru = base + cat.path(i, "uk"), base + cat.path(i, "ru")
        alts = (
            f'<xhtml:link rel="alternate" hreflang="uk" href="{x(uk)}"/>'
            f'<xhtml:link rel="alternate" hreflang="ru" href="{x(ru)}"/>'
        )
        for loc in (uk, ru):
            parts.append(f"<url><loc>{x(loc)}</loc><lastmod>{lastmod}</lastmod>{alts}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)


def sections_sitemap(base: str, cat: Catalogue) -> str:
    """``/sitemaps/sections.xml``: home pages and category fronts."""
    paths = ["/", "/ru/"] + [f"{p}/news/{c}/" for p in ("", "/ru") for c in lx.CATEGORIES]
    rows = "".join(
        f"<url><loc>{base}{p}</loc><changefreq>hourly</changefreq></url>\n" for p in paths
    )
    return f'{XML_DECL}<urlset xmlns="{SM_NS}">\n{rows}</urlset>\n'


def news_sitemap(base: str, cat: Catalogue) -> str:
    """``/news-sitemap.xml``: articles of the last 48 hours (at least the newest 30)."""
    cutoff = cat.now - timedelta(hours=NEWS_HOURS)
    count = 0
    while count < cat.size and (count < NEWS_MIN_ITEMS or cat.published(count) >= cutoff):
        count += 1
    parts = [
        XML_DECL,
        f'<urlset xmlns="{SM_NS}" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n',
    ]
    for i in range(count):
        for lang in ("uk", "ru"):
            parts.append(
                f"<url><loc>{x(base + cat.path(i, lang))}</loc><news:news><news:publication>"
                f"<news:name>{SITE_NAME[lang]}</news:name><news:language>{lang}</news:language>"
                f"</news:publication><news:publication_date>{iso_minute(cat.published(i))}"
                f"</news:publication_date><news:title>{x(cat.title(i, lang))}</news:title>"
                "</news:news></url>\n"
            )
    parts.append("</urlset>\n")
    return "".join(parts)


def rss(base: str, cat: Catalogue, lang: str) -> str:
    """``/rss.xml`` or ``/ru/rss.xml``: RSS 2.0 with the newest 50 articles."""
    home = f"{base}{lang_prefix(lang)}/"
    items = []
    for i in range(min(FEED_ITEMS, cat.size)):
        art = cat.article(i)
        link = base + art.path(lang)
        items.append(
            f"<item><title>{x(art.texts[lang].title)}</title><link>{x(link)}</link>"
            f'<guid isPermaLink="true">{x(link)}</guid><pubDate>{rfc822(art.published)}</pubDate>'
            f"<category>{x(lx.CATEGORY_NAMES[art.category][lang == 'ru'])}</category>"
            f"<description>{x(art.texts[lang].lead)}</description></item>\n"
        )
    return (
        f'{XML_DECL}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n'
        f"<title>{SITE_NAME[lang]}</title><link>{home}</link>"
        f'<atom:link href="{home}rss.xml" rel="self" type="application/rss+xml"/>'
        f"<description>{SITE_NAME[lang]}</description><language>{lang}</language>"
        f"<lastBuildDate>{rfc822(cat.now)}</lastBuildDate>\n{''.join(items)}"
        "</channel></rss>\n"
    )


def atom(base: str, cat: Catalogue) -> str:
    """``/atom.xml``: Atom feed of the newest 50 Ukrainian articles."""
    entries = []
    for i in range(min(FEED_ITEMS, cat.size)):
        art = cat.article(i)
        link = base + art.path("uk")
        entries.append(
            f'<entry><title>{x(art.texts["uk"].title)}</title><link href="{x(link)}"/>'
            f"<id>{x(link)}</id><published>{iso_minute(art.published)}</published>"
            f"<updated>{iso_minute(art.last_change)}</updated>"
            f"<summary>{x(art.texts['uk'].lead)}</summary></entry>\n"
        )
    return (
        f'{XML_DECL}<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{SITE_NAME['uk']}</title><id>{base}/</id>"
        f'<link href="{base}/"/><link rel="self" href="{base}/atom.xml"/>'
        f"<updated>{iso_minute(cat.now)}</updated>\n{''.join(entries)}</feed>\n"
    )
