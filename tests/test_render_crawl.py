"""A real crawl (the CLI, ``--render auto``) of the fixture site built by JavaScript: what it
writes, what it archives, what it renders and what it leaves alone, and pywb replaying it."""

from __future__ import annotations

import gzip
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from warcio.archiveiterator import ArchiveIterator

from crawler.replay import pywb as replay
from crawler.warc.cdxj import index_warcs, read_cdxj
from fixture_site.evaluation import token_f1
from fixture_site.jsapp import JsAppSite, serve_jsapp
from tests.helpers.chromium import CHROMIUM, chromium, replay_shows
from tests.helpers.cli import run_cli, start_cli
from tests.helpers.crawls import crawl_dir, crawl_site, read_manifest, read_records
from tests.helpers.net import free_port
from tests.helpers.wayback import serving_wayback, wait_for_wayback

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (./run.sh setup)")

APP, PRINTED = 24, 6


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("render")
    with serve_jsapp(JsAppSite(app=APP, printed=PRINTED)) as running:
        result = crawl_site(running.url, out, "--render", "auto", spider="news")
        folder = crawl_dir(out)
        yield {"site": running, "folder": folder, "result": result,
               "records": read_records(folder), "stats": read_manifest(folder)["stats"],
               "warc": warc_records(folder), "requests": running.requests, "out": out}


def warc_records(folder: Path) -> list[dict[str, Any]]:
    """Every record of a crawl's WARC files: type, headers, HTTP headers, payload."""
    out = []
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                out.append({"type": record.rec_type, "file": path.name,
                            "headers": dict(record.rec_headers.headers),
                            "http": record.http_headers,
                            "raw": record.raw_stream.read() if record.http_headers
                            else record.content_stream().read()})
    return out


def test_every_article_is_written_with_its_title_date_and_text(crawl: dict[str, Any]) -> None:
    truth = {t["url"]: t for t in crawl["site"].truth()}
    records = {r["url"]: r for r in crawl["records"]}
    assert set(records) == set(truth), sorted(set(truth) ^ set(records))[:5]
    for url, gold in truth.items():
        record = records[url]
        assert record["title"] == gold["title"], url
        assert record["published"] == gold["published"], (url, record["published"])
        assert record["authors"] == gold["authors"], (url, record["authors"])  # not its time
        f1 = token_f1(record["text"], str(gold["text"]))
        assert f1 >= 0.98, (url, f1)
        assert record["rendered"] is (gold["kind"] == "app"), url


def test_the_static_section_is_not_rendered(crawl: dict[str, Any]) -> None:
    stats = crawl["stats"]
    rendered = [r for r in crawl["warc"] if r["type"] == "conversion"]
    targets = {r["headers"]["WARC-Target-URI"] for r in rendered}
    assert not [t for t in targets if "/print/" in t], targets
    # the app routes: each article and the home page, once each
    assert len(targets) == len(rendered) == APP + 1
    assert stats["render/pages"] == APP + 1
    assert set(k for k in stats if k.startswith("render/reason/")) == {"render/reason/app_shell"}
    for record in crawl["records"]:
        if "/print/" in record["url"]:
            assert record["rendered"] is False and record["rendered_warc"] is None


def test_the_api_responses_are_archived_as_the_server_sent_them(crawl: dict[str, Any]) -> None:
    responses = {r["headers"]["WARC-Target-URI"]: r for r in crawl["warc"]
                 if r["type"] == "response"}
    site = crawl["site"]
    for article in site.site.articles:
        if article.kind != "app":
            continue
        api = responses[f"{site.url}api/articles/{article.id}"]
        assert api["http"].get_statuscode() == "200"
        assert api["http"].get_header("Content-Type") == "application/json"
        # the server's own bytes: gzip as sent, with its headers
        assert api["http"].get_header("Content-Encoding") == "gzip"
        body = api["raw"]
        assert json.loads(gzip.decompress(body))["title"] == article.title
        assert f"{site.url}media/{article.id}.png" in responses  # lazy image, scrolled into view
    pages = [u for u in responses if "/api/list?page=" in u]
    assert len(pages) >= 2, pages  # the home listing loaded more as it was scrolled
    requests = Counter(r["headers"]["WARC-Target-URI"] for r in crawl["warc"]
                       if r["type"] == "request")
    browser = [u for u in requests if "/api/" in u or "/news/" in u or "/media/" in u]
    assert browser and all(requests[u] == 1 for u in browser), requests.most_common(3)


def test_the_dom_is_a_conversion_record_beside_the_response(crawl: dict[str, Any]) -> None:
    by_id = {r["headers"]["WARC-Record-ID"]: r for r in crawl["warc"]}
    folder = crawl["folder"]
    for record in crawl["records"]:
        if not record["rendered"]:
            continue
        pointer = record["rendered_warc"]
        assert pointer["reason"] == "app_shell" and pointer["complete"] is True
        with open(folder / "warc" / pointer["filename"], "rb") as fh:
            fh.seek(pointer["offset"])
            dom = next(iter(ArchiveIterator(fh)))
            assert dom.rec_type == "conversion"
            assert dom.rec_headers.get_header("WARC-Record-ID") == pointer["record_id"]
            assert dom.rec_headers.get_header("WARC-Target-URI") == record["url"]
            assert dom.rec_headers.get_header("Content-Type") == "text/html; charset=utf-8"
            refers = dom.rec_headers.get_header("WARC-Refers-To")
            html = dom.content_stream().read().decode()
        # this fetch's record: the response, or a revisit of an identical shell fetched before
        assert refers == record["warc"].get("revisit_record_id", record["warc"]["record_id"])
        response = by_id[refers]
        assert response["type"] in ("response", "revisit")
        assert response["headers"]["WARC-Target-URI"] == record["url"]
        assert html.count("<p>") >= len(record["text"].split("\n\n"))  # the DOM: the article
        shell = by_id[record["warc"]["record_id"]]  # the server's response: the empty shell
        assert b'id="root"></div>' in gzip.decompress(shell["raw"])
    # replay indexes: ours and cdxj-indexer's leave the DOM out, so pywb serves the response
    ours = [line for index in (folder / "indexes").glob("*.cdxj") for line in read_cdxj(index)]
    assert ours and not [e for e in ours if "conversion" in e.line]
    fresh = index_warcs(sorted((folder / "warc").glob("*.warc.gz")),
                        crawl["out"] / "reindexed.cdxj")
    assert len(list(read_cdxj(fresh))) == len(ours)


def test_the_browser_used_the_crawl_not_the_site_twice(crawl: dict[str, Any]) -> None:
    paths = Counter(path for path, _ in crawl["requests"])
    shells = [p for p in paths if p.startswith("/news/")]
    assert len(shells) == APP and all(paths[p] == 1 for p in shells)  # no second fetch
    assert paths["/assets/app.js"] == 1  # one bundle for every page (the render cache)
    stats = crawl["stats"]
    assert stats["render/browser_launches"] == 1 and stats["render/browser_peak_mb"] > 0


def test_the_report_shows_the_rendering(crawl: dict[str, Any]) -> None:
    report = (crawl["folder"] / "report.html").read_text()
    assert "Rendered pages" in report and "app_shell" in report
    assert "Browser memory, peak" in report


def test_reextract_reads_the_rendered_dom(crawl: dict[str, Any]) -> None:
    done = run_cli("reextract", str(crawl["folder"]))
    assert done.returncode == 0, done.stderr[-2000:]
    total = len(crawl["records"])
    assert f"{total} records ({total} as before, 0 changed)" in done.stdout, done.stdout


@pytest.mark.pywb
def test_pywb_replays_the_script_built_article(crawl: dict[str, Any]) -> None:
    record = next(r for r in crawl["records"] if r["rendered"])
    work = crawl["out"] / "pywb"
    replay.build_collection(crawl["folder"], work)
    live = len(crawl["site"].requests)
    with serving_wayback(work, "crawl/") as base:
        ts = "".join(ch for ch in record["warc"]["date"] if ch.isdigit())[:14]
        target = record["warc"]["target_uri"]
        first = record["text"].split("\n\n")[1][:80]  # built by the script from the API
        frames = replay_shows(f"{base}/crawl/{ts}/{target}", first)
    assert frames and all(f.startswith(base) for f in frames), frames
    assert len(crawl["site"].requests) == live  # replayed from the archive alone


def _dumped_text(url: str, profile: Path) -> str:
    """The text of the top document Chromium's ``--dump-dom`` prints for ``url`` once its
    scripts ran (whitespace runs as one space): an iframe's content is not in it."""
    dom = chromium(profile, "--virtual-time-budget=10000", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return " ".join(lxml_html.fromstring(dom.stdout).text_content().split())


@pytest.mark.pywb
def test_the_replay_url_crawler_replay_prints_is_the_page_itself(crawl: dict[str, Any],
                                                                   tmp_path: Path) -> None:
    """``crawler replay`` serves pywb unframed: the top document of the URL it prints (and of
    every article's, built the same way) is the replayed page, so a plain ``chromium
    --headless --dump-dom`` of a rendered article's URL holds its script-built text."""
    records = crawl["records"]
    port = free_port()
    proc = start_cli("replay", str(crawl["folder"]), "--port", str(port), cwd=tmp_path,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(2)]
        printed = lines[1].removeprefix("first article: ")
        assert printed == replay.replay_url(records[0], "127.0.0.1", port), lines
        wait_for_wayback(proc, f"http://127.0.0.1:{port}/crawl/")
        live = len(crawl["site"].requests)
        rendered = next(r for r in records if r["rendered"])
        for record, url in ((records[0], printed),
                            (rendered, replay.replay_url(rendered, "127.0.0.1", port))):
            assert url is not None
            text = _dumped_text(url, tmp_path / "profile")
            paragraph = " ".join(record["text"].split("\n\n")[1].split())
            assert paragraph in text, (url, text[:500])  # a rendered one's: built by its script
            assert record["title"] in text, url
        assert len(crawl["site"].requests) == live  # replayed from the archive alone
    finally:
        proc.terminate()
        proc.wait(timeout=30)
