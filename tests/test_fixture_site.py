"""The fixture news site: determinism, every URL kind, ground truth vs pages (the pages as
rendered; tests/test_fixture_server.py serves them over HTTP)."""

from __future__ import annotations

import gzip
import json
import re
import time
import zoneinfo
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import pytest
from lxml import etree
from lxml import html as lhtml
from protego import Protego

from fixture_site import FixtureSite, SiteState
from fixture_site.chrome import SITE_NAME
from fixture_site.kyiv import MONTHS_GEN, WEEKDAYS, glued_date, relative_date

HOST = "127.0.0.1:8000"
BASE = f"http://{HOST}"
H = {"Host": HOST}
KYIV = zoneinfo.ZoneInfo("Europe/Kyiv")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


@pytest.fixture(scope="module")
def site() -> FixtureSite:
    return FixtureSite(articles=120, seed=1)


@pytest.fixture(scope="module")
def truth(site: FixtureSite) -> list[dict]:
    return list(site.ground_truth(base_url=BASE + "/"))


def get(site: FixtureSite, path: str, **headers: str):
    return site.render("GET", path, {**H, **{k.replace("_", "-"): v for k, v in headers.items()}})


def doc(resp) -> lhtml.HtmlElement:
    return lhtml.document_fromstring(resp.body)


def links(resp) -> list[str]:
    return doc(resp).xpath("//a/@href")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- determinism -----------------------------------------------------------------------------


def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    a, b, c = FixtureSite(60, seed=7), FixtureSite(60, seed=7), FixtureSite(60, seed=8)
    art = a.catalogue.path(3, "ru")
    for path in ("/", "/ru/", art, "/news/sport/", "/sitemap.xml", "/rss.xml", "/robots.txt"):
        assert get(a, path).body == get(b, path).body, path
    assert get(a, "/").body != get(c, "/").body
    assert a.article_urls(BASE) != c.article_urls(BASE)
    assert list(a.ground_truth(BASE)) == list(b.ground_truth(BASE))


@pytest.mark.parametrize("size", [1, 7, 20])
def test_tiny_sites_render_every_page(size: int) -> None:
    site = FixtureSite(size, seed=size)
    paths = [
        "/",
        "/ru/",
        "/sitemap.xml",
        "/sitemaps/articles-1.xml",
        "/news-sitemap.xml",
        "/rss.xml",
        "/atom.xml",
        "/archive/2025/11/23/",
        "/search?q=a",
    ]
    paths += [f"{p}/news/{c}/" for p in ("", "/ru") for c in ("politics", "tech")]
    paths += [site.catalogue.path(i, lang) for i in range(size) for lang in ("uk", "ru")]
    for path in paths:
        assert get(site, path).status == 200, path
    assert len(list(site.ground_truth(BASE))) == 2 * size


def test_article_text_does_not_depend_on_site_size() -> None:
    small, big = FixtureSite(30, seed=3), FixtureSite(3000, seed=3)
    for i in (0, 5, 29):
        assert small.article(i).texts == big.article(i).texts
        assert small.article(i).published == big.article(i).published


# -- robots, sitemaps, feeds -----------------------------------------------------------------


def test_robots_txt() -> None:
    site = FixtureSite(40, crawl_delay=1.5)
    resp = get(site, "/robots.txt")
    assert resp.status == 200 and resp.header("Content-Type").startswith("text/plain")
    text = resp.body.decode()
    assert "Crawl-delay: 1.5" in text
    assert f"Sitemap: {BASE}/sitemap.xml" in text and f"Sitemap: {BASE}/news-sitemap.xml" in text
    rp = Protego.parse(text)  # the parser Scrapy uses
    art = BASE + site.catalogue.path(0, "uk")
    assert rp.can_fetch(art, "newscrawler")
    for blocked in ("/search?q=x", "/print/100000/", "/admin/"):
        assert not rp.can_fetch(BASE + blocked, "newscrawler")
    assert not rp.can_fetch(art, "BadBot")
    assert rp.crawl_delay("newscrawler") == 1.5
    assert sorted(rp.sitemaps) == [f"{BASE}/news-sitemap.xml", f"{BASE}/sitemap.xml"]
    assert "Crawl-delay" not in get(FixtureSite(40), "/robots.txt").body.decode()
    other = site.render("GET", "/robots.txt", {"Host": "127.0.0.1:9999"}).body.decode()
    assert "Sitemap: http://127.0.0.1:9999/sitemap.xml" in other


def test_sitemaps_list_every_article_once() -> None:
    site = FixtureSite(1300, seed=2)
    index = etree.fromstring(get(site, "/sitemap.xml").body)
    locs = [loc.text for loc in index.iter(f"{SM}loc")]
    assert locs[-1] == f"{BASE}/sitemaps/sections.xml"
    assert [path_of(u) for u in locs[:-1]] == [f"/sitemaps/articles-{n}.xml" for n in (1, 2, 3)]
    seen: list[str] = []
    for url in locs[:-1]:
        resp = get(site, path_of(url))
        assert resp.status == 200 and resp.header("Content-Type").startswith("application/xml")
        urlset = etree.fromstring(resp.body)
        entries = urlset.findall(f"{SM}url")
        assert 0 < len(entries) <= 1000
        for entry in entries:
            lastmod = entry.findtext(f"{SM}lastmod")
            assert datetime.fromisoformat(lastmod).utcoffset() is not None
        seen += [e.findtext(f"{SM}loc") for e in entries]
    assert sorted(seen) == sorted(site.article_urls(BASE))
    assert get(site, "/sitemaps/articles-4.xml").status == 404
    sections = etree.fromstring(get(site, "/sitemaps/sections.xml").body)
    paths = {path_of(loc.text) for loc in sections.iter(f"{SM}loc")}
    assert {"/", "/ru/", "/news/tech/", "/ru/news/politics/"} <= paths
    for path in paths:
        assert get(site, path).status == 200


def test_news_sitemap(site: FixtureSite) -> None:
    root = etree.fromstring(get(site, "/news-sitemap.xml").body)
    urls = root.findall(f"{SM}url")
    langs = [u.findtext(f".//{NEWS}language") for u in urls]
    assert langs.count("uk") == langs.count("ru") >= 30
    cutoff = site.now - timedelta(hours=48)
    published = [datetime.fromisoformat(u.findtext(f".//{NEWS}publication_date")) for u in urls]
    recent = sum(1 for i in range(site.articles) if site.catalogue.published(i) >= cutoff)
    assert 30 < recent < site.articles
    assert len(urls) == 2 * recent and all(p >= cutoff for p in published)
    small = etree.fromstring(get(FixtureSite(35), "/news-sitemap.xml").body)
    assert len(small.findall(f"{SM}url")) == 70
    first = urls[0]
    assert first.findtext(f".//{NEWS}title") == site.article(0).texts["uk"].title
    assert get(site, path_of(first.findtext(f"{SM}loc"))).status == 200


def test_rss_and_atom(site: FixtureSite) -> None:
    for path, lang in (("/rss.xml", "uk"), ("/ru/rss.xml", "ru")):
        resp = get(site, path)
        assert resp.status == 200 and "rss+xml" in resp.header("Content-Type")
        items = etree.fromstring(resp.body).findall("./channel/item")
        assert len(items) == 50
        assert items[0].findtext("title") == site.article(0).texts[lang].title
        when = parsedate_to_datetime(items[0].findtext("pubDate"))
        assert when == site.article(0).published
        assert get(site, path_of(items[-1].findtext("link"))).status == 200
    feed = etree.fromstring(get(site, "/atom.xml").body)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 50
    home = doc(get(site, "/"))
    assert home.xpath('//link[@type="application/rss+xml"]/@href') == [f"{BASE}/rss.xml"]


# -- redirects and errors --------------------------------------------------------------------


def test_redirects(site: FixtureSite) -> None:
    art = site.article(4)
    go = get(site, f"/go/{art.id}")
    assert go.status == 301 and go.header("Location") == BASE + art.path("uk")
    old = get(site, f"/old/{art.id}")
    assert old.status == 302 and old.header("Location") == f"{BASE}/go/{art.id}"
    slashless = get(site, "/news/sport")
    assert slashless.status == 301 and slashless.header("Location") == f"{BASE}/news/sport/"
    assert get(site, "/ru/news/tech").header("Location") == f"{BASE}/ru/news/tech/"
    assert get(site, "/news/sport/page/1/").header("Location") == f"{BASE}/news/sport/"
    moved = site.render("GET", "/news/sport/?utm_source=x", {"Host": "localhost:8000"})
    assert moved.status == 301
    assert moved.header("Location") == "http://127.0.0.1:8000/news/sport/?utm_source=x"
    assert get(site, "/go/999").status == 404


def test_error_statuses(site: FixtureSite) -> None:
    assert get(site, "/no/such/page").status == 404
    assert get(site, "/news/broken.html").status == 500
    assert get(site, "/admin/").status == 403
    assert get(site, "/news/sport/page/999/").status == 404
    assert get(site, "/archive/2025/02/30/").status == 404
    wrong_slug = site.article(2).path("uk").replace(f"{site.article(2).id}-", "100002-x")
    assert get(site, wrong_slug).status == 404
    assert site.render("POST", "/", H).status == 405


def test_odd_paths_never_crash(site: FixtureSite) -> None:
    odd = [
        "//",
        "/news/",
        "/ru/news/",
        "/news/politics/page/0/",
        "/news/politics/page/x/",
        "/news/politics/99999999999999999999-x.html",
        "/go/abc",
        "/go/",
        "/old/1",
        "/static/img/.jpg",
        "/static/img/1.jpg",
        "/%D0%B0%20b",
        "/print/1/",
        "/print/x/",
        "/sitemaps/articles-0.xml",
        "/files/report-1.pdf",
        "/archive/2025/13/01/",
        "/archive/0000/01/01/",
        "/search",
        "/?",
        "/news/politics/100001-x.html?utm_source=1",
    ]
    for path in odd:
        assert get(site, path).status in (200, 301, 302, 403, 404), path
    assert get(site, "/news/politics/page/0/").status == 404


def test_deleted_article_is_linked_and_gone(site: FixtureSite) -> None:
    deleted = [h for h in links(get(site, "/")) if "material-vydaleno" in h]
    assert deleted and get(site, deleted[0]).status == 404
    with_deleted = next(i for i in range(site.articles) if site.article(i).links_deleted)
    page_links = links(get(site, site.article(with_deleted).path("ru")))
    assert any("material-vydaleno" in h for h in page_links)


def test_busy_page_503_once_per_state_and_slow_page_delay() -> None:
    site = FixtureSite(30, slow_seconds=1.25)
    first = get(site, "/special/busy.html")
    assert first.status == 503 and first.header("Retry-After") == "1"
    assert get(site, "/special/busy.html").status == 200
    fresh = SiteState()
    assert site.render("GET", "/special/busy.html", H, fresh).status == 503
    assert site.render("GET", "/special/busy.html", H, fresh).status == 200
    slow = get(site, "/special/slow.html")
    assert slow.status == 200 and slow.delay == 1.25
    home = links(get(site, "/"))
    assert {"/special/busy.html", "/special/slow.html", "/news/broken.html"} <= set(home)


# -- encodings, files, negotiation -----------------------------------------------------------


def test_windows_1251_page(site: FixtureSite) -> None:
    art = site.article(5)
    assert art.charset("ru") == "windows-1251" and art.charset("uk") == "utf-8"
    resp = get(site, art.path("ru"))
    assert resp.header("Content-Type") == "text/html; charset=windows-1251"
    assert b'<meta charset="windows-1251">' in resp.body
    with pytest.raises(UnicodeDecodeError):
        resp.body.decode("utf-8")
    text = resp.body.decode("cp1251")
    assert art.texts["ru"].title in text and art.texts["ru"].body[-1] in text


def test_charset_only_in_meta(site: FixtureSite) -> None:
    art = site.article(7)
    assert not art.charset_in_header("uk")
    resp = get(site, art.path("uk"))
    assert resp.header("Content-Type") == "text/html"
    assert b'<meta charset="utf-8">' in resp.body


def test_pdf_and_assets(site: FixtureSite) -> None:
    art = next(site.article(i) for i in range(site.articles) if site.article(i).pdf)
    href = f"/files/report-{art.id}.pdf"
    assert href in links(get(site, art.path("uk")))
    pdf = get(site, href)
    assert pdf.status == 200 and pdf.header("Content-Type") == "application/pdf"
    assert pdf.body.startswith(b"%PDF-") and pdf.body.rstrip().endswith(b"%%EOF")
    no_pdf = next(site.article(i) for i in range(site.articles) if not site.article(i).pdf)
    assert get(site, f"/files/report-{no_pdf.id}.pdf").status == 404
    img = get(site, f"/static/img/{art.id}.jpg")
    assert img.header("Content-Type") == "image/jpeg"
    assert img.body[:3] == b"\xff\xd8\xff" and img.body.endswith(b"\xff\xd9")
    assert img.body != get(site, f"/static/img/{art.id + 1}.jpg").body
    assert get(site, "/static/img/logo.png").body.startswith(b"\x89PNG\r\n\x1a\n")
    assert get(site, "/favicon.ico").body[:4] == b"\x00\x00\x01\x00"
    assert get(site, "/static/css/site.css").header("Content-Type").startswith("text/css")
    assert get(site, "/static/js/app.js").status == 200


def test_gzip_only_when_asked(site: FixtureSite) -> None:
    path = site.article(1).path("uk")
    plain = get(site, path)
    assert plain.header("Content-Encoding") is None and plain.header("Vary") == "Accept-Encoding"
    packed = get(site, path, Accept_Encoding="gzip, deflate, br")
    assert packed.header("Content-Encoding") == "gzip"
    assert packed.header("Vary") == "Accept-Encoding"
    assert int(packed.header("Content-Length")) == len(packed.body) < len(plain.body)
    assert gzip.decompress(packed.body) == plain.body
    assert get(site, path, Accept_Encoding="gzip;q=0").header("Content-Encoding") is None
    assert get(site, "/robots.txt", Accept_Encoding="gzip").header("Content-Encoding") is None


def test_conditional_requests(site: FixtureSite) -> None:
    path = site.article(3).path("ru")
    first = get(site, path)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified
    assert parsedate_to_datetime(modified) == site.article(3).last_change
    hit = get(site, path, If_None_Match=etag)
    assert hit.status == 304 and hit.body == b"" and hit.header("ETag") == etag
    weak = get(site, path, Accept_Encoding="gzip").header("ETag")
    assert weak == "W/" + etag
    assert get(site, path, If_None_Match=weak).status == 304
    assert get(site, path, If_None_Match='"other"').status == 200
    assert get(site, path, If_Modified_Since=modified).status == 304
    earlier = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert get(site, path, If_Modified_Since=earlier).status == 200
    assert get(site, path, If_None_Match='"other"', If_Modified_Since=modified).status == 200


def test_tracking_parameters_serve_the_same_page(site: FixtureSite) -> None:
    path = site.article(8).path("uk")
    for suffix in ("?utm_source=facebook&utm_medium=social", "?fbclid=abc", "?gclid=1&_ga=2"):
        assert get(site, path + suffix).body == get(site, path).body
    assert get(site, "/news/world/?yclid=5").body == get(site, "/news/world/").body


def test_trap_links_on_pages(site: FixtureSite) -> None:
    found: set[str] = set()
    for path in ("/", "/ru/", "/news/politics/", site.article(0).path("uk")):
        found.update(links(get(site, path)))
    text = " ".join(found)
    for needle in (
        "utm_source=",
        "fbclid=",
        "gclid=",
        "yclid=",
        "_ga=",
        "#comments",
        "/go/",
        "/old/",
        "/archive/",
        "/search?q=",
        "/print/",
        "http://localhost:8000/",
    ):
        assert needle in text, needle
    assert re.search(r'href="/news/\w+"', get(site, "/").body.decode())  # slash-less category


# -- listings and the calendar ---------------------------------------------------------------


def test_home_uses_relative_dates(site: FixtureSite) -> None:
    uk, ru = doc(get(site, "/")), doc(get(site, "/ru/"))
    times_uk = uk.xpath('//section[@class="latest"]//span[@class="time"]/text()')
    times_ru = ru.xpath('//section[@class="latest"]//span[@class="time"]/text()')
    assert re.fullmatch(r"\d+ хвилин[иу]? тому", times_uk[0])
    assert any(re.fullmatch(r"\d+ годин[иу]? тому", t) for t in times_uk)
    assert any(t.startswith("вчора о ") for t in times_uk)
    assert any(re.fullmatch(r"\d+ час(а|ов)? назад", t) for t in times_ru)
    assert any(t.startswith("вчера в ") for t in times_ru)
    assert any(re.search(r"\d{4}, \d\d:\d\d$", t) for t in times_uk)


def test_glued_date_matches_the_real_site() -> None:
    moment = datetime(2025, 3, 23, 14, 5, tzinfo=KYIV)  # the seed article's Sunday
    assert glued_date(moment, "uk") == "неділя23 березня 2025, 14:05"
    assert glued_date(moment, "ru") == "воскресенье23 марта 2025, 14:05"
    assert glued_date(moment + timedelta(days=4), "uk").startswith("четвер27 березня")


def test_relative_date_plurals() -> None:
    now = datetime(2025, 11, 23, 12, 0, tzinfo=KYIV)
    cases = {
        1: "1 хвилину тому",
        3: "3 хвилини тому",
        11: "11 хвилин тому",
        21: "21 хвилину тому",
        60: "1 годину тому",
        120: "2 години тому",
        300: "5 годин тому",
    }
    for minutes, expected in cases.items():
        assert relative_date(now - timedelta(minutes=minutes), now, "uk") == expected
    assert relative_date(now - timedelta(minutes=180), now, "ru") == "3 часа назад"
    assert relative_date(now - timedelta(minutes=45), now, "ru") == "45 минут назад"
    assert relative_date(now - timedelta(hours=23, minutes=30), now, "ru") == "вчера в 12:30"


def test_category_pagination_reaches_every_article() -> None:
    site = FixtureSite(150, seed=4)
    for lang, prefix in (("uk", ""), ("ru", "/ru")):
        found: set[str] = set()
        path: str | None = f"{prefix}/news/economy/"
        pages = 0
        while path:
            resp = get(site, path)
            assert resp.status == 200, path
            page = doc(resp)
            hrefs = page.xpath('//ul[@class="news-list"]//a/@href')
            assert len(hrefs) <= 20
            found.update(h.split("?")[0].split("#")[0] for h in hrefs)
            nxt = page.xpath('//a[@rel="next"]/@href')
            if pages:
                assert page.xpath('//a[@rel="prev"]/@href')
            path, pages = (nxt[0] if nxt else None), pages + 1
        expected = {
            site.catalogue.path(i, lang)
            for i in range(150)
            if site.catalogue.category_of(i) == "economy"
        }
        assert found == expected
        assert get(site, f"{prefix}/news/economy/page/{pages + 1}/").status == 404


def test_archive_is_an_infinite_calendar(site: FixtureSite) -> None:
    today = get(site, "/archive/2025/11/22/")
    hrefs = links(today)
    assert {"/archive/2025/11/21/", "/archive/2025/11/23/", "/archive/2025/12/22/"} <= set(hrefs)
    listed = [h for h in hrefs if re.match(r"^/news/\w+/\d+-", h)]
    expected = [
        site.catalogue.path(i, "uk")
        for i in site.catalogue.day_indices(datetime(2025, 11, 22).date())
    ]
    assert expected and all(p in listed for p in expected)
    assert get(site, "/archive/1970/01/31/").status == 200
    for edge in ("/archive/0001/01/01/", "/archive/9999/12/31/", "/archive/2025/11/24/"):
        assert get(site, edge).status == 200
    assert "/archive/1970/02/28/" in links(get(site, "/archive/1970/01/31/"))
    assert "/archive/2025/11/23/" in links(get(site, "/"))


# -- ground truth against the pages ----------------------------------------------------------


def test_ground_truth_records(site: FixtureSite, truth: list[dict], tmp_path) -> None:
    assert len(truth) == 2 * site.articles
    assert [r["url"] for r in truth] == site.article_urls(BASE)
    by_url = {r["url"]: r for r in truth}
    for r in truth:
        assert r["language"] in ("uk", "ru")
        assert by_url[r["translation"]]["id"] == r["id"]
        assert by_url[r["translation"]]["language"] != r["language"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[23]:00", r["published"])
        assert 4 <= len(r["paragraphs"]) <= 12
    texts = [tuple(r["paragraphs"]) for r in truth]
    assert len(set(texts)) == len(texts)
    assert not any("lorem" in p.lower() for t in texts for p in t)
    unsigned = [(r, site.article(r["id"] - 100000)) for r in truth
                if not site.article(r["id"] - 100000).authors]
    assert any(r["modified"] for r in truth) and unsigned
    assert any(not r["authors"] for r, _ in unsigned)
    for r, art in unsigned:  # the newsroom, when the page's JSON-LD credits it
        assert r["authors"] == ([SITE_NAME[r["language"]]] if art.date_style == "jsonld" else [])
    assert {r["charset"] for r in truth} == {"utf-8", "windows-1251"}
    out = tmp_path / "truth.jsonl"
    assert site.write_ground_truth(out, BASE) == len(truth)
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[3]) == truth[3]


def test_ground_truth_matches_pages(site: FixtureSite, truth: list[dict]) -> None:
    styles = set()
    for r in truth:
        resp = get(site, path_of(r["url"]))
        assert resp.status == 200, r["url"]
        page = lhtml.document_fromstring(resp.body.decode(r["charset"]))
        assert page.xpath("string(//h1)") == r["title"]
        assert page.xpath('//link[@rel="canonical"]/@href') == [r["url"]]
        assert page.xpath(f'//link[@hreflang="{r["language"]}"]/@href') == [r["url"]]
        assert page.xpath('//link[@hreflang="x-default"]/@href')
        assert page.xpath("//title/text()")[0].startswith(r["title"] + " | ")
        body_text = page.xpath('string(//div[@class="article-text"])')
        for para in r["paragraphs"]:
            assert para in body_text
        comments = page.xpath('//div[@class="comment"]/p/text()')
        assert not set(comments) & set(r["paragraphs"])
        if r["image"]:
            assert page.xpath('//meta[@property="og:image"]/@content') == [r["image"]]
        published = datetime.fromisoformat(r["published"])
        assert published.utcoffset() == published.astimezone(KYIV).utcoffset()
        # The visible date line: weekday glued to the day, with minutes.
        line = page.xpath('string(//div[@class="news-date"])')
        lang = r["language"]
        match = re.fullmatch(r"(\D+?)(\d{1,2}) (\S+) (\d{4}), (\d\d):(\d\d)", line)
        assert match, line
        day = datetime(
            int(match[4]),
            MONTHS_GEN[lang].index(match[3]) + 1,
            int(match[2]),
            int(match[5]),
            int(match[6]),
        )
        assert day == published.replace(tzinfo=None)
        assert match[1] == WEEKDAYS[lang][day.weekday()]
        if site.article(r["id"] - 100000).authors:
            assert ", ".join(r["authors"]) in page.xpath('string(//div[@class="author"])')
        styles.add(site.article(r["id"] - 100000).date_style)
    assert styles == {"jsonld", "meta", "time", "text"}


def test_machine_readable_dates_agree(site: FixtureSite) -> None:
    for i in range(40):
        art = site.article(i)
        page = doc(get(site, art.path("uk")))
        meta = page.xpath('//meta[@property="article:published_time"]/@content')
        ld = page.xpath('//script[@type="application/ld+json"]/text()')
        stamp = page.xpath("//time/@datetime")
        published = art.published.isoformat()
        if art.date_style == "meta":
            assert meta == [published] and not ld
        elif art.date_style == "jsonld":
            data = json.loads(ld[0])
            assert data["@type"] == "NewsArticle" and data["datePublished"] == published
            assert data["dateModified"] == art.last_change.isoformat()
        elif art.date_style == "time":
            assert stamp == [published[:10]] and not meta and not ld
        else:
            assert not (meta or ld or stamp)


def test_pages_carry_the_noise(site: FixtureSite) -> None:
    art = next(site.article(i) for i in range(site.articles) if site.article(i).read_also)
    text = get(site, art.path("uk")).body.decode()
    for needle in (
        "Читайте також",
        "Реклама",
        "Ми використовуємо файли cookie",
        "Поділитися:",
        "Інші новини",
        'id="comments"',
        "<figcaption>" if art.image else "<h1>",
        art.texts["ru"].lead,
        art.texts["uk"].og_title,
        art.texts["uk"].subtitle,
    ):
        assert needle in text, needle
    ru = get(site, art.path("ru")).body.decode(art.charset("ru"))
    assert "Читайте также" in ru and art.texts["uk"].lead in ru
    assert "Оновлено:" in " ".join(
        get(site, site.article(i).path("uk")).body.decode()
        for i in range(30)
        if site.article(i).modified
    )


def test_dst_is_respected_across_a_long_site() -> None:
    site = FixtureSite(8000, seed=5)
    offsets = set()
    for i in range(0, 8000, 37):
        published = site.catalogue.published(i)
        offsets.add(published.utcoffset())
        assert published.utcoffset() == published.astimezone(KYIV).utcoffset()
        gaps = site.catalogue.published(i) - site.catalogue.published(i + 1)
        assert timedelta(minutes=20) <= gaps <= timedelta(minutes=120)
    assert offsets == {timedelta(hours=2), timedelta(hours=3)}


def test_fifty_thousand_articles_start_fast() -> None:
    started = time.perf_counter()
    site = FixtureSite(articles=50_000, seed=1)
    last = site.article(49_999)
    resp = get(site, last.path("ru"))
    assert resp.status == 200
    pages = -(-site.catalogue.category_count("tech") // 20)
    assert get(site, f"/news/tech/page/{pages}/").status == 200
    assert get(site, f"/ru/news/tech/page/{pages + 1}/").status == 404
    assert get(site, "/sitemaps/articles-100.xml").status == 200
    assert get(site, "/sitemaps/articles-101.xml").status == 404
    assert time.perf_counter() - started < 5
    assert datetime.fromisoformat(next(iter(site.ground_truth(BASE)))["published"]) < site.now
