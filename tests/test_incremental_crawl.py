"""Incremental crawls through the real CLI against the evolving fixture site.

Run 1 crawls generation 0 in full. Run 2, over the unchanged site, revalidates only what the
state says (conditional requests answered 304, archived, no records). Run 3, over generation 1,
writes records for exactly the new and the edited articles and never requests an old unchanged
article again.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.cli import WARCIO
from tests.helpers.crawls import ARTICLE_PATH, crawl_site, latest_crawl, read_manifest, read_records

RECHECK_DAYS = 1.0
MARGIN = dt.timedelta(minutes=10)  # the clock moves on between a crawl and the assertions


def _crawl(server, out: Path) -> tuple[Path, dict]:
    # MONITOR_MIN_ARTICLES=0: a run that finds nothing new writes no article, rightly
    result = crawl_site(server.url, out, "-s", f"RECHECK_DAYS={RECHECK_DAYS}",
                        "-s", "MONITOR_MIN_ARTICLES=0")
    assert "Traceback" not in result.stderr
    crawl = latest_crawl(out, server.url)
    return crawl, read_manifest(crawl)


def _articles_requested(server) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {}
    for _method, path, status in server.requests:
        path = urlsplit(path).path
        if ARTICLE_PATH.match(path):
            seen.setdefault(path, []).append(status)
    return seen


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three crawls into one output; the site's generation 1 clock is about now."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("incremental") / "out"
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12 * 70)  # generation 1 at "now"
    gen0 = FixtureSite(articles=30, seed=11, now=start, generation=0)
    gen1 = FixtureSite(articles=30, seed=11, now=start, generation=1)
    results = {}
    with start_server(gen0) as server:
        base = server.url.rstrip("/")
        for name in ("full", "unchanged"):
            server.clear_requests()
            results[name] = (*_crawl(server, out), _articles_requested(server))
        server.set_site(gen1)
        server.clear_requests()
        results["evolved"] = (*_crawl(server, out), _articles_requested(server))
    return results, gen0, gen1, base


def _truth(site, base) -> dict[str, dict]:
    return {t["url"]: t for t in site.ground_truth(base_url=base)}


def test_first_run_is_a_full_crawl(runs):
    results, gen0, _, base = runs
    crawl, manifest, _ = results["full"]
    assert {r["canonical_url"] for r in read_records(crawl)} == set(_truth(gen0, base))
    assert not manifest["stats"]["state/incremental"]
    assert (crawl.parent / "state.sqlite").is_file()


def test_unchanged_site_costs_only_revalidation(runs):
    results, gen0, _, base = runs
    full_crawl, full, _ = results["full"]
    crawl, manifest, requested = results["unchanged"]
    stats = manifest["stats"]
    assert read_records(crawl) == [] and stats.get("articles/written", 0) == 0
    assert stats["state/incremental"]
    # only recent articles are asked again, all conditionally, all answered 304
    window = dt.datetime.now(dt.UTC) - dt.timedelta(days=RECHECK_DAYS)
    recent = {urlsplit(u).path for u, t in _truth(gen0, base).items()
              if dt.datetime.fromisoformat(t["published"]) >= window + MARGIN}
    assert recent and set(requested) <= {urlsplit(u).path for u in _truth(gen0, base)}
    assert recent <= set(requested) and all(s == [304] for s in requested.values())
    assert len(requested) < len(_truth(gen0, base)) / 2  # the old ones were not asked at all
    # 304s: dropped by HttpErrorMiddleware (no callback, no item), archived as server-not-modified
    # revisits of the full capture of run 1 (tests/test_replay_not_modified.py)
    not_modified = stats["incremental/not_modified"]
    assert stats["httperror/response_ignored_status_count/304"] == not_modified
    assert stats["downloader/response_status_count/304"] == not_modified
    assert stats["downloader/response_bytes"] < 0.05 * full["stats"]["downloader/response_bytes"]
    assert stats["warc/revisits_not_modified"] == not_modified
    cdxj = "".join(p.read_text() for p in crawl.glob("indexes/*.cdxj"))
    assert cdxj.count('"status": "304"') == 0 and cdxj.count("warc/revisit") >= not_modified
    for warc in crawl.glob("warc/*.warc.gz"):
        check = subprocess.run([*WARCIO, "check", str(warc)], capture_output=True)
        assert check.returncode == 0
    assert full_crawl != crawl


def test_new_and_edited_articles_only(runs):
    results, gen0, gen1, base = runs
    crawl, manifest, requested = results["evolved"]
    before, after = _truth(gen0, base), _truth(gen1, base)
    new = set(after) - set(before)
    edited = {u for u in before if after[u]["paragraphs"] != before[u]["paragraphs"]}
    assert len(new) == 24 and edited  # 12 new articles and some edits, in two languages
    records = {r["canonical_url"]: r for r in read_records(crawl)}
    assert set(records) == new | edited
    for url in edited:
        assert "дополнение" in records[url]["text"] or "доповнення" in records[url]["text"]
        assert records[url]["text_sha256"] != ""
    # an old article that neither changed nor is recent was not requested at all
    window = dt.datetime.now(dt.UTC) - dt.timedelta(days=RECHECK_DAYS)
    untouched = {urlsplit(u).path for u in before if before[u] == after[u]
                 and dt.datetime.fromisoformat(before[u]["published"]) < window - MARGIN}
    assert untouched and not untouched & set(requested)
    # rechecked pages whose HTML changed but whose text did not: fetched, no new record
    assert manifest["stats"]["incremental/records_unchanged"] > 0
