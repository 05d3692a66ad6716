"""End to end: the real CLI crawls the fixture site on loopback with the real pipeline."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.cli import FAST, run_cli, run_scrapy
from tests.helpers.crawls import ARTICLE_PATH, crawl_dir, crawl_site, read_manifest, read_records

DISALLOWED = re.compile(r"^/(?:search|print/|admin/)")


@pytest.fixture
def site_server():
    """A fresh 30-article fixture site per test, so its request log is the test's own."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    site = FixtureSite(articles=30, seed=7)
    with start_server(site) as server:
        yield site, server


def _fetched_paths(server) -> list[str]:
    return [path for _method, path, _status in list(server.requests)]


def _crawl(spider: str, server, out, *extra: str):
    result = crawl_site(server.url, out, *extra, spider=spider)
    assert "Traceback" not in result.stderr
    return result, crawl_dir(out)


@pytest.mark.parametrize("spider, workers", [
    ("vsedelo", "2"), ("news", "2"),
    ("vsedelo", "-1"),  # no page workers: the spider scans, the pipeline extracts, in-process
])
def test_spider_finds_every_article_once_and_avoids_traps(spider, workers, site_server, tmp_path):
    site, server = site_server
    _, crawl = _crawl(spider, server, tmp_path, "-s", f"EXTRACTION_WORKERS={workers}")
    expected = set(site.article_urls(server.url.rstrip("/")))
    records = read_records(crawl)
    found = Counter(r["canonical_url"] for r in records)
    assert set(found) == expected, f"missing {sorted(expected - set(found))[:5]}"
    assert max(found.values()) == 1  # one record per canonical URL

    paths = _fetched_paths(server)
    # robots.txt obeyed: nothing disallowed was requested
    assert not [p for p in paths if DISALLOWED.match(p)]
    # every article page fetched exactly once, whatever tracking decoration its links carried
    article_fetches = Counter(
        urlsplit(p).path for p in paths if ARTICLE_PATH.match(urlsplit(p).path)
    )
    assert set(article_fetches.values()) == {1}, article_fetches.most_common(3)
    assert not [p for p in paths if "utm_" in p or "fbclid" in p or "gclid" in p]
    # the infinite calendar is not walked
    archive = [p for p in paths if p.startswith("/archive/")]
    assert len(archive) <= (0 if spider == "vsedelo" else 40), archive[:20]

    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished"
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {
        p.relative_to(crawl).as_posix()
        for p in crawl.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert listed == on_disk
    assert not [p for p in on_disk if p.endswith(".open")]


def test_max_items_and_since(site_server, tmp_path):
    site, server = site_server
    result, crawl = _crawl("vsedelo", server, tmp_path / "a", "--max-items", "5",
                           "--log-level", "INFO")
    assert len(read_records(crawl)) == 5
    # articles fetched past the limit are dropped, logged (at INFO: they were asked for) by
    # URL without the HTML they carry, one line each
    assert "INFO: Dropped: --max-items 5 reached: " in result.stderr
    assert "<ArticlePage http://" in result.stderr
    assert "<!DOCTYPE" not in result.stderr and "body=b'" not in result.stderr

    truth = sorted(site.ground_truth(base_url=server.url.rstrip("/")), key=lambda t: t["published"])
    since = truth[len(truth) // 2]["published"]
    _, crawl = _crawl("vsedelo", server, tmp_path / "b", "--since", since)
    records = read_records(crawl)
    assert records and all(r["published"] >= since for r in records if r["published"])
    newer = {t["url"] for t in truth if t["published"] >= since}
    assert {r["canonical_url"] for r in records} == newer


def test_crawl_delay_from_robots_is_applied(tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    with start_server(FixtureSite(articles=20, seed=3, crawl_delay=0.2)) as server:
        _, crawl = _crawl("vsedelo", server, tmp_path, "--max-items", "3")
    manifest = read_manifest(crawl)
    assert manifest["stats"]["robots/crawl_delay"] == 0.2


def test_demo_runs_end_to_end(tmp_path):
    result = run_cli("demo", "--articles", "20", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "articles written: 40" in result.stdout
    assert re.search(r"WARC files:\s+[1-9]", result.stdout)
    crawl = crawl_dir(tmp_path / "out")
    assert (crawl / "manifest.json").exists()


def test_every_fetch_is_archived_and_records_point_at_it(site_server, tmp_path):
    """Issue 4 on the fixture site: a request/response pair per fetch, manifest counts match the
    WARC files, and each JSON record's pointer reads its page back with one ranged read."""
    import gzip
    import io
    import subprocess
    import sys

    from warcio.archiveiterator import ArchiveIterator

    site, server = site_server
    _, crawl = _crawl("vsedelo", server, tmp_path)
    fetched = Counter(server.url.rstrip("/") + path for _m, path, _s in list(server.requests))

    kinds: Counter[str] = Counter()
    responses: Counter[str] = Counter()
    requests: Counter[str] = Counter()
    warcs = sorted((crawl / "warc").glob("*.warc.gz"))
    for warc in warcs:
        warcio = Path(sys.executable).parent / "warcio"
        check = subprocess.run([str(warcio), "check", "-v", str(warc)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        with open(warc, "rb") as f:
            for rec in ArchiveIterator(f):
                kinds[rec.rec_type] += 1
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type in ("response", "revisit"):
                    responses[uri] += 1
                elif rec.rec_type == "request":
                    requests[uri] += 1
    assert responses == fetched  # every exchange with the server, archived once
    assert requests == fetched
    assert kinds["warcinfo"] == len(warcs)

    manifest = read_manifest(crawl)
    stats = manifest["stats"]
    assert stats["warc/responses"] + stats.get("warc/revisits", 0) == sum(responses.values())
    assert manifest["totals"]["warc"]["files"] == len(warcs)
    assert manifest["totals"]["articles"]["files"] == len(list(crawl.glob("articles/*.jsonl.gz")))
    assert stats["articles/written"] == len(read_records(crawl))

    for record in read_records(crawl)[:10]:
        ptr = record["warc"]
        with open(crawl / "warc" / ptr["filename"], "rb") as f:
            f.seek(ptr["offset"])
            member = f.read(ptr["length"])
        found = []
        for rec in ArchiveIterator(io.BytesIO(member)):  # exactly one whole record
            raw = rec.raw_stream.read()
            found.append((rec.rec_headers, rec.http_headers, raw))
        ((rec_headers, http_headers, raw),) = found
        assert rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
        assert rec_headers.get_header("WARC-Target-URI") == record["url"]
        assert http_headers.get_header("Content-Encoding") == "gzip"  # archived as sent
        assert record["canonical_url"].encode() in gzip.decompress(raw)


def test_plain_scrapy_crawl_works(site_server, tmp_path):
    """``scrapy crawl`` from the project folder uses the same settings and pipeline."""
    _, server = site_server
    out = tmp_path / "out"
    result = run_scrapy("crawl", "vsedelo", "-a", f"url={server.url}", "-s", f"OUTPUT_URI={out}",
                        "-s", "CLOSESPIDER_ITEMCOUNT=4", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    crawl = crawl_dir(out)
    assert (crawl / "manifest.json").exists()
    assert len(read_records(crawl)) >= 4
