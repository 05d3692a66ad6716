"""The report's ops sections on real crawls, checked in headless Chromium: what ran (version,
user agent, settings, robots.txt), record field fill rates, discovery sources, the per-host
table, the comparison with the site's previous crawl, and a duration that agrees with the
summary."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import lxml.html
import pytest

from crawler import __version__
from crawler.report.articles import FILL_FIELDS, filled
from crawler.report.runinfo import masked, robots_summary
from tests.helpers.chromium import CHROMIUM, open_file
from tests.helpers.crawls import crawl_id_of, crawl_site, read_manifest, read_records


def _crawl(server, out: Path) -> tuple[str, Path]:
    result = crawl_site(server.url, out, "-s", "RETRY_TIMES=1")
    crawl_id = crawl_id_of(result)
    (crawl,) = out.glob(f"*/{crawl_id}")
    return result.stdout, crawl


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory):
    """Generation 0 of an evolving site, then generation 1 (new and edited articles), into
    one output."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("sections") / "out"
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12 * 70)
    gen0 = FixtureSite(articles=20, seed=5, now=start, generation=0)
    gen1 = FixtureSite(articles=20, seed=5, now=start, generation=1)
    with start_server(gen0) as server:
        first = _crawl(server, out)
        server.set_site(gen1)
        second = _crawl(server, out)
        base = server.url.rstrip("/")
    return first, second, gen0, gen1, base


def _report(crawl: Path) -> dict:
    return json.loads((crawl / "report.json").read_text(encoding="utf-8"))


def test_header_says_what_ran(two_crawls):
    (_, crawl), _, _, _, _ = two_crawls
    run = _report(crawl)["run"]
    manifest = read_manifest(crawl)
    assert run["software"] == f"newscrawler/{__version__}"
    assert run["versions"]["scrapy"] and run["versions"]["trafilatura"]
    assert run["user_agent"] == manifest["settings"]["USER_AGENT"]
    assert run["settings"]["DOWNLOAD_DELAY"] == 0 and run["settings"]["RETRY_TIMES"] == 1
    assert run["settings"]["ROBOTSTXT_OBEY"] is True
    assert {"DOWNLOAD_DELAY", "RETRY_TIMES", "OUTPUT_URI"} <= set(run["command_line"])
    assert run["robots"]["obeyed"] and run["robots"]["answers"] == {"200": 1}
    assert robots_summary(run["robots"]).startswith("obeyed · HTTP 200 · ")


def test_fill_rates_match_the_records(two_crawls):
    (_, crawl), _, _, _, _ = two_crawls
    obs = _report(crawl)["observations"]
    records = read_records(crawl)
    expected = {name: sum(name in filled(r) for r in records) for name in FILL_FIELDS}
    assert obs["fields_filled"] == expected
    assert expected["title"] == len(records) and expected["modified"] < len(records)


def test_discovery_sources_and_hosts(two_crawls):
    (_, crawl), _, _, _, base = two_crawls
    report = _report(crawl)
    obs = report["observations"]
    sources = obs["sources"]
    assert {"start", "robots.txt", "sitemap", "listing page"} <= set(sources)
    assert sum(row.get("articles", 0) for row in sources.values()) == len(read_records(crawl))
    assert sources["sitemap"]["articles"] > 0
    (host,) = obs["hosts"]
    row = obs["hosts"][host]
    assert base.endswith(host) and row["responses"] == obs["responses"]
    statuses = report["statuses"]
    assert row["4xx"] == sum(n for code, n in statuses.items() if code.startswith("4"))
    assert row["5xx"] == sum(n for code, n in statuses.items() if code.startswith("5"))
    assert row["bytes"] == obs["bytes"]


def test_comparison_with_the_previous_crawl(two_crawls):
    (_, first), (_, second), gen0, gen1, base = two_crawls
    assert _report(first)["compared"] is None  # the site's first crawl in this output
    compared = _report(second)["compared"]
    previous = read_manifest(first)
    assert compared["previous"]["crawl_id"] == first.name
    assert compared["previous"]["articles"] == previous["stats"]["articles/written"]
    assert compared["previous"]["bytes_archived"] == previous["totals"]["warc"]["bytes"]
    before = {t["url"]: t for t in gen0.ground_truth(base_url=base)}
    after = {t["url"]: t for t in gen1.ground_truth(base_url=base)}
    edited = {u for u in before if after[u]["paragraphs"] != before[u]["paragraphs"]}
    assert compared["changes"]["new"] == len(set(after) - set(before)) == 24
    assert compared["changes"]["changed"] == len(edited) > 0
    assert compared["current"]["articles"] == 24 + len(edited)


@pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (apt-get install chromium)")
def test_sections_render_in_headless_chromium(two_crawls, tmp_path):
    (_, first), (stdout, second), _, _, _ = two_crawls
    result = open_file(second / "report.html", tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = lxml.html.fromstring(result.stdout)

    def fact(name: str) -> str:
        return dom.xpath(f"string(//table[@class='facts']//tr[td[1]/b='{name}']/td[2])")

    assert fact("Crawler").startswith(f"newscrawler/{__version__} (scrapy ")
    assert fact("User agent").startswith("newscrawler/")
    assert fact("robots.txt").startswith("obeyed · HTTP 200")
    settings = {r.xpath("string(td[1])"): (r.xpath("string(td[2])"), r.xpath("string(td[3])"))
                for r in dom.xpath("//table[@class='settings']//tbody/tr")}
    assert settings["DOWNLOAD_DELAY"] == ("0.0", "command line")
    assert settings["ROBOTSTXT_OBEY"] == ("True", "")
    fields = dom.xpath("//table[@class='fill-rates']//tbody/tr/td[1]/code/text()")
    assert fields == list(FILL_FIELDS)
    assert dom.xpath("//table[@class='discovery']//td[.='sitemap']")
    assert len(dom.xpath("//table[@class='hosts']//tbody/tr")) == 1
    rows = {r.xpath("string(td[1])"): [c.text_content() for c in r.xpath("td")[1:]]
            for r in dom.xpath("//table[@class='comparison']//tbody/tr")}
    assert rows["Articles written"][1] == str(_report(second)["totals"]["articles"])
    changes = dom.xpath("//table[@class='changes']//tbody/tr/td[2]/text()")
    assert changes[0] == "24"
    # the duration the summary printed is the report's
    duration = fact("Duration")
    assert re.search(r"finished in (\S+)", stdout)[1] == duration  # type: ignore[index]
    shot = tmp_path / "report.png"
    result = open_file(second / "report.html", tmp_path, f"--screenshot={shot}",
                       "--window-size=1280,3000")
    assert result.returncode == 0 and shot.stat().st_size > 10_000


def test_secrets_are_masked_in_the_header():
    assert masked("WEBHOOK_URL", "https://user:pw@hooks.example.org/T0/secret?x=1") == \
        "https://hooks.example.org/…"
    assert masked("REDIS_URL", "redis://:pw@redis.internal:6379/0") == \
        "redis://redis.internal:6379/0"
    assert masked("S3_SECRET_ACCESS_KEY", "abc") == "…"
    assert masked("DOWNLOAD_DELAY", 0.5) == 0.5
