"""The unseen fixture sites themselves: determinism, discovery files, the simulated clock,
relative dates, DST offsets in the ground truth, boilerplate share and the shared quote.

No extraction quality is asserted here; ``bench/unseen_sites.py`` measures that.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from fixture_site.unseen import ZONES, UnseenSite, build_sites, serve_unseen_sites
from fixture_site.unseen.model import gold_published
from tests.helpers.cli import ROOT

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def sites() -> list[UnseenSite]:
    return build_sites()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html(site: UnseenSite, path: str, now: datetime) -> str:
    resp = site.render(path, now)
    assert resp.status == 200, path
    return resp.body.decode(resp.content_type.split("charset=")[1])


def _visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def _now(site: UnseenSite) -> datetime:
    return site.spec.render_at + timedelta(seconds=20)


def test_generation_is_deterministic(sites: list[UnseenSite]) -> None:
    again = build_sites()
    other = build_sites(seed=2)
    assert [s.key for s in sites] == ["wp", "bitrix", "drupal", "ledger", "wire", "ghost"]
    for a, b, c in zip(sites, again, other, strict=True):
        assert a.gold() == b.gold()
        assert a.paths() == b.paths()
        for path in a.paths()[:: max(1, len(a.paths()) // 15)]:
            assert a.render(path, _now(a)).body == b.render(path, _now(b)).body
        assert [g.title for g in a.gold()] != [g.title for g in c.gold()]
        assert 30 <= len(a.stories) <= 60


def _xml(site: UnseenSite, path: str) -> ET.Element:
    return ET.fromstring(site.render(path, _now(site)).body)


def _sitemaps(site: UnseenSite) -> tuple[set[str], dict[str, str]]:
    """Every <loc> of the urlsets reachable from robots.txt, and the news entries' dates."""
    robots = site.render("/robots.txt", _now(site)).body.decode()
    todo = [line.split(": ", 1)[1] for line in robots.splitlines() if line.startswith("Sitemap:")]
    assert todo, site.key
    locs: set[str] = set()
    news: dict[str, str] = {}
    while todo:
        root = _xml(site, todo.pop().removeprefix(site.base))
        for loc in root.iter(f"{SM}loc"):
            if root.tag == f"{SM}sitemapindex":
                todo.append(loc.text or "")
            else:
                locs.add(loc.text or "")
        for url in root.iter(f"{SM}url"):
            date = url.find(f"{NEWS}news/{NEWS}publication_date")
            if date is not None:
                news[url.findtext(f"{SM}loc") or ""] = date.text or ""
    return locs, news


def _as_instant(text: str, zone: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def test_sitemaps_list_every_article_and_news_dates_match_gold(sites: list[UnseenSite]) -> None:
    for site in sites:
        locs, news = _sitemaps(site)
        gold = {g.url: g for g in site.gold()}
        assert set(gold) <= locs, site.key
        for story in site.stories:
            url = site.url(story.path)
            assert (url in news) == story.in_news, url
            if url in news:
                assert _as_instant(news[url], site.spec.zone_name) == story.published, url
                assert _as_instant(gold[url].published or "", "UTC") == story.published
        offsetless = [d for d in news.values() if not re.search(r"(Z|[+-]\d\d:\d\d)$", d)]
        assert len(offsetless) in (0, len(news)), site.key  # a site spells them all one way
    spellings = {s.key: next(iter(_sitemaps(s)[1].values()), "") for s in sites}
    assert spellings["wire"].endswith("Z") and spellings["drupal"][-6] == "+"
    assert re.fullmatch(r"[\d-]{10}T[\d:]{8}", spellings["bitrix"])  # no offset at all
    assert spellings["ghost"] == ""  # no news sitemap


def test_feeds_list_latest_articles_with_their_instants(sites: list[UnseenSite]) -> None:
    for site in sites:
        feeds = [p for p in site.paths() if p.endswith(("/feed/", "/rss/", "rss.xml", "index.xml",
                                                        "atom.xml"))]
        feeds = [p for p in feeds if "sitemap" not in p]
        seen: dict[str, datetime] = {}
        for path in feeds:
            root = _xml(site, path)
            for item in root.iter("item"):
                seen[item.findtext("link") or ""] = parsedate_to_datetime(item.findtext("pubDate"))
            for entry in root.iter(f"{ATOM}entry"):
                link = entry.find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
                seen[link] = _as_instant(entry.findtext(f"{ATOM}published") or "", "UTC")
        assert seen, site.key
        for story in site.stories:
            url = site.url(story.path)
            assert (url in seen) == story.in_feed, url
            if url in seen:
                assert seen[url] == story.published, url


def test_server_date_header_is_the_sites_simulated_clock() -> None:
    with serve_unseen_sites(quick=True) as running:
        first = {}
        for r in running:
            with urllib.request.urlopen(r.url, timeout=10) as resp:
                first[r.site.key] = parsedate_to_datetime(resp.headers["Date"])
                assert resp.status == 200
            start = r.site.spec.render_at
            assert start <= first[r.site.key] <= start + timedelta(seconds=30)
        assert abs(datetime.now(UTC) - first["wp"]) > timedelta(days=30)
        r = running[0]
        r.clock.advance(3600)  # an hour of real time has passed for this server
        with urllib.request.urlopen(r.url + "robots.txt", timeout=10) as resp:
            later = parsedate_to_datetime(resp.headers["Date"])
        assert timedelta(minutes=59) < later - first[r.site.key] < timedelta(minutes=61)


# The element holding each theme's own date line, and the relative phrases it may hold.
DATE_BOX = {
    "wp": r'<span class="time-ago">(.*?)</span>',
    "bitrix": r'<div class="news-date-time">(.*?)</div>',
    "drupal": r'<div class="node__meta">.*?<span class="node__date">(.*?)</span>',
    "ledger": r'<div class="timestamp"><span>(.*?)</span>',
    "wire": r'<div class="article-info"><span class="date-line">(.*?)</span>',
    "ghost": r'<time class="byline-date" datetime="[^"]+">(.*?)</time>',
}
AGO = re.compile(r"(?:vor )?(\d+) (хвилин\w*|минут\w*|годин\w*|час\w*|Minuten?|Stunden?|"
                 r"minutes?|hours?)(?: тому| назад| ago)?$")
DAYS = re.compile(r"(сьогодні о|вчора о|позавчора о|сегодня в|вчера в|позавчера в|heute,|"
                  r"gestern,|vorgestern,) (\d\d):(\d\d)(?: Uhr)?$")
JUST = ("щойно", "только что", "gerade eben", "just now")


def _resolve(phrase: str, now: datetime, zone: str) -> tuple[datetime, datetime]:
    """The span of instants a relative phrase allows, read at server time ``now``."""
    if phrase in JUST:
        return now - timedelta(minutes=1), now
    if m := AGO.match(phrase):
        unit = timedelta(minutes=1) if m[2][0] in "хмMm" else timedelta(hours=1)
        return now - (int(m[1]) + 1) * unit, now - int(m[1]) * unit
    m = DAYS.match(phrase)
    assert m, phrase
    back = 0 if m[1][:2] in ("сь", "се", "he") else (2 if m[1][:2] in ("по", "vo") else 1)
    day = now.astimezone(ZoneInfo(zone)).date() - timedelta(days=back)
    wall = datetime(day.year, day.month, day.day, int(m[2]), int(m[3]), tzinfo=ZoneInfo(zone))
    return wall, wall  # the wall time alone; a repeated hour is checked by the caller


def test_relative_dates_follow_the_date_header_and_the_gold() -> None:
    checked = 0
    with serve_unseen_sites() as running:
        for r in running:
            zone = r.site.spec.zone_name
            for story, gold in zip(r.site.stories, r.site.gold(), strict=True):
                if story.mode != "relative":
                    continue
                with urllib.request.urlopen(gold.url, timeout=10) as resp:
                    now = parsedate_to_datetime(resp.headers["Date"])
                    html = resp.read().decode(resp.headers.get_content_charset())
                phrase = re.search(DATE_BOX[r.site.key], html, re.S)[1]  # type: ignore[index]
                low, high = _resolve(phrase, now, zone)
                published = datetime.fromisoformat(gold.published or "")
                if low == high:  # "вчора о 14:05": same wall clock on that local day
                    assert published.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == \
                        low.replace(tzinfo=None), (gold.url, phrase)
                else:
                    assert low < published <= high, (gold.url, phrase, now)
                checked += 1
    assert checked >= 25


def test_zone_rules_match_the_tz_database() -> None:
    for name, zone in ZONES.items():
        tz = ZoneInfo(name)
        moment = datetime(2025, 1, 1, tzinfo=UTC)
        while moment.year == 2025:
            assert zone.offset(moment) == moment.astimezone(tz).utcoffset(), (name, moment)
            moment += timedelta(minutes=30)


def test_gold_instants_carry_the_zones_offset_on_both_sides_of_dst(sites: list[UnseenSite]) -> None:
    offsets: dict[str, set[str]] = {}
    for site in sites:
        tz = ZoneInfo(site.spec.zone_name)
        for g in site.gold():
            assert g.zone == site.spec.zone_name
            if g.published and len(g.published) > 10:
                moment = datetime.fromisoformat(g.published)
                assert moment.utcoffset() == moment.astimezone(tz).utcoffset(), g.url
                assert moment.second == 0
                offsets.setdefault(site.key, set()).add(g.published[-6:])
    assert offsets["wp"] == offsets["bitrix"] == {"+02:00", "+03:00"}
    assert offsets["drupal"] == offsets["ghost"] == {"+01:00", "+02:00"}
    assert offsets["ledger"] == {"-05:00", "-04:00"} and offsets["wire"] == {"+00:00"}
    by_url = {g.url.split("/", 3)[3]: g.published for s in sites for g in s.gold()}
    ledger = next(s for s in sites if s.key == "ledger")
    near = [g.published for g in ledger.gold() if "2025-11-02T0" in (g.published or "")]
    assert "2025-11-02T01:30:00-04:00" in near and "2025-11-02T01:20:00-05:00" in near
    assert by_url  # every gold URL is on the site's origin


def test_every_gold_kind_and_date_source_is_present(sites: list[UnseenSite]) -> None:
    kinds = {"exact": 0, "day": 0, "null": 0}
    for site in sites:
        for story in site.stories:
            value = gold_published(story, site.spec.zone)
            kinds["null" if value is None else "day" if len(value) == 10 else "exact"] += 1
            if story.evidence == "day" and value and len(value) > 10:
                kinds.setdefault("day page completed by sitemap/feed", 0)
                kinds["day page completed by sitemap/feed"] += 1
            if value is None:
                assert not (story.in_news or story.in_feed)
                assert not re.search(r"20\d\d[/-]\d\d", story.path), story.path
    assert kinds["exact"] > 150 and kinds["day"] >= 15 and kinds["null"] >= 10
    assert kinds["day page completed by sitemap/feed"] >= 10


def test_boilerplate_repeats_in_a_large_share_and_never_in_gold(sites: list[UnseenSite]) -> None:
    for site in sites:
        pages = {s.path: (s.lang, _visible(_html(site, s.path, _now(site)))) for s in site.stories}
        texts = [g.text for g in site.gold()]
        assert site.spec.boilerplate, site.key
        for line in site.spec.boilerplate:
            langs = {lang for lang, text in pages.values() if line in text}
            assert len(langs) == 1, (site.key, line)
            mine = [text for lang, text in pages.values() if lang in langs]
            share = sum(line in text for text in mine) / len(mine)
            assert share >= 0.3, (site.key, line, share)
            assert not any(line in t for t in texts), line


def test_shared_quote_appears_in_exactly_two_articles(sites: list[UnseenSite]) -> None:
    for site in sites:
        for lang, quote in site.spec.quote.items():
            quote = site.theme.polish(quote)
            in_gold = [g.url for g in site.gold() if quote in g.text]
            in_pages = [s.path for s in site.stories
                        if quote in _visible(_html(site, s.path, _now(site)))]
            assert len(in_gold) == len(in_pages) == 2, (site.key, lang)


def test_gold_title_and_text_are_what_the_page_shows(sites: list[UnseenSite]) -> None:
    for site in sites:
        for story, gold in zip(site.stories, site.gold(), strict=True):
            html = _html(site, story.path, _now(site))
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)[1]  # type: ignore[index]
            assert _visible(h1) == gold.title, gold.url
            shown = _visible(html)
            assert all(p in shown for p in gold.text.split("\n\n")), gold.url


def test_entities_in_titles_are_spelled_as_the_cms_does(sites: list[UnseenSite]) -> None:
    raw = {s.key: "".join(_html(s, x.path, _now(s)) for x in s.stories[:40]) for s in sites}
    assert "&ouml;" in raw["drupal"] or "&uuml;" in raw["drupal"]
    assert "&#8217;" in raw["wp"] and "&amp;" in raw["ledger"] and "&rsquo;" in raw["ledger"]
    assert "Mehr aus " in raw["drupal"] and "More from " in raw["ledger"]


def test_command_lines_answer_help() -> None:
    for cmd in ([sys.executable, "-m", "fixture_site.unseen", "--help"],
                [sys.executable, str(ROOT / "bench" / "unseen_sites.py"), "--help"]):
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and "--quick" in proc.stdout, proc.stderr
