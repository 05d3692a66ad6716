"""The crawl state without Scrapy: SQLite store, batched writes, recheck policy, a crawl's view."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.state.buffer import WriteBuffer
from crawler.state.policy import DAY, Action, RecheckPolicy, Trust
from crawler.state.session import CrawlState, http_seconds, iso_seconds
from crawler.state.store import SCHEMA_VERSION, StateError, StateStore, UrlState

NOW = 1_800_000_000.0
ART = "http://site.test/news/a/1-x.html"


@pytest.fixture
def store(tmp_path):
    s = StateStore(tmp_path / "state.sqlite")
    yield s
    s.close()


def test_store_schema_wal_and_partial_upserts(store, tmp_path):
    db = sqlite3.connect(tmp_path / "state.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.apply({ART: {"etag": '"a"', "status": 200, "first_seen": 1.0}})
    store.apply({ART: {"status": 304, "first_seen": 5.0, "checked_at": 6.0}})
    got = store.get(ART)
    assert (got.etag, got.status, got.first_seen, got.checked_at) == ('"a"', 304, 1.0, 6.0)
    assert store.get("http://site.test/other") is None
    with pytest.raises(ValueError, match="unknown state columns"):
        store.apply({ART: {"nope": 1}})


def test_store_refuses_newer_schema_and_foreign_files(tmp_path):
    path = tmp_path / "s.sqlite"
    StateStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="schema"):
        StateStore(path)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateError, match="not a crawl state"):
        StateStore(junk)


def test_crawls_and_trust(store):
    store.begin_crawl("c1", 1.0)
    store.begin_crawl("c2", 2.0)
    store.finish_crawl("c1", "finished", complete=True, now=3.0)
    trust = Trust.from_crawls(store.crawls(), exclude="c3")
    assert trust.finished == {"c1"} and trust.complete == {"c1"}
    store.begin_crawl("c1", 4.0)  # resumed: untrusted again until it ends
    assert not Trust.from_crawls(store.crawls()).any


def test_write_buffer_merges_and_commits_in_batches(store):
    buf = WriteBuffer(store, max_rows=3)
    buf.add("u1", status=200)
    buf.add("u1", etag='"e"')
    buf.add("u2", status=404)
    assert len(buf) == 2 and store.get("u1") is None  # nothing committed yet
    buf.add("u3", status=200)  # third row: the batch is written
    assert len(buf) == 0 and buf.flushes == 1
    assert (store.get("u1").status, store.get("u1").etag) == (200, '"e"')
    assert buf.flush() == 0


def known(**kw) -> UrlState:
    base = dict(url=ART, etag='"e"', crawl_id="c1", written_crawl="c1", is_article=True,
                published=NOW - 10 * DAY, changed_at=NOW - 10 * DAY, fetched_at=NOW - DAY)
    return UrlState(**{**base, **kw})


TRUST = Trust(frozenset({"c1"}), frozenset({"c1"}))


@pytest.mark.parametrize("row,lastmod,expected", [
    (None, None, Action.FETCH),  # never seen
    (known(), None, Action.SKIP),  # old, written, unchanged
    (known(published=NOW - DAY), None, Action.REVALIDATE),  # recent
    (known(published=None, first_seen=NOW - DAY), None, Action.REVALIDATE),  # no date: seen
    (known(), NOW - 5 * DAY, Action.REVALIDATE),  # sitemap lastmod newer than what we know
    (known(), NOW - 10 * DAY + 0.5, Action.SKIP),  # same minute: not newer
    (known(written_crawl="c0"), None, Action.FETCH),  # crawl c0 was killed: untrusted
    (known(crawl_id="c2"), None, Action.FETCH),  # last full fetch (c2) wrote no record
])
def test_article_policy(row, lastmod, expected):
    assert RecheckPolicy(recheck_days=3).article(row, TRUST, NOW, lastmod) is expected


def test_validators_only_from_trusted_crawls():
    policy = RecheckPolicy()
    assert policy.validators(known(last_modified="Mon, 01 Jan 2024 00:00:00 GMT"), TRUST) == {
        "If-None-Match": '"e"', "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert policy.validators(known(written_crawl=None), TRUST) == {}
    listing = UrlState("http://site.test/", etag='"l"', crawl_id="c1")
    assert policy.validators(listing, TRUST) == {"If-None-Match": '"l"'}
    finished_not_complete = Trust(frozenset({"c1"}), frozenset())  # e.g. --max-items, --since
    assert policy.validators(listing, finished_not_complete) == {}
    assert policy.validators(UrlState("http://site.test/", crawl_id="c1"), TRUST) == {}


def test_date_parsing():
    assert iso_seconds("2025-11-23T12:00:00+02:00") == 1763892000.0
    assert iso_seconds("2025-11-23") == 1763856000.0
    assert iso_seconds("not a date") is None and iso_seconds(None) is None
    assert http_seconds("Sun, 23 Nov 2025 10:00:00 GMT") == 1763892000.0
    assert http_seconds("garbage") is None


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_crawl_state_across_runs(tmp_path):
    """Run 1 fetches and writes; run 2 skips the old article, revalidates the recent one,
    and a record with unchanged text is recognised; a killed run 3 is not trusted."""
    path, clock = tmp_path / "state.sqlite", Clock(NOW)
    old, new = ART, "http://site.test/news/a/2-y.html"
    run1 = CrawlState(StateStore(path), "c1", clock=clock)
    run1.begin()
    assert not run1.incremental  # nothing trusted yet: a full crawl
    for url, published in ((old, "2020-01-01T00:00:00Z"), (new, None)):
        assert run1.wants(url)
        run1.response_seen(url + "?utm_source=x", 200, '"e"', None, b"<html>")
        run1.record_written({"url": url, "canonical_url": url, "text_sha256": "h-" + url,
                             "published": published})
    run1.finish("finished", complete=True)
    run1.close()

    clock.now += DAY
    run2 = CrawlState(StateStore(path), "c2", clock=clock, count=lambda k, n: None)
    run2.begin()
    assert run2.incremental
    assert not run2.wants(old)  # old, unchanged: no request
    assert run2.wants(old, True, {"lastmod": "2030-01-01T00:00:00Z"})  # the sitemap: edited
    assert run2.recheck_urls() == [new]  # no date, first seen yesterday: recent
    assert run2.conditional_headers(new) == {"If-None-Match": '"e"'}
    run2.response_seen(new, 200, '"f"', None, b"<html>2")  # changed page...
    assert run2.unchanged({"url": new, "text_sha256": "h-" + new})  # ...same text: no record
    assert not run2.unchanged({"url": old, "text_sha256": "other"})
    run2.close()  # killed: never finished

    run3 = CrawlState(StateStore(path), "c3", clock=clock)
    # c2 never finished: its fetch of `new` has no trusted record, so it is fetched in full
    assert run3.conditional_headers(new) == {}
    assert run3.wants(new)
    assert run3.conditional_headers(old) == {"If-None-Match": '"e"'}
    run3.close()


def test_resumed_crawl_skips_what_its_parts_hold(tmp_path):
    path = tmp_path / "state.sqlite"
    first = CrawlState(StateStore(path), "c1")
    first.begin()
    for url in (ART, "http://site.test/news/a/3-z.html"):
        first.response_seen(url, 200, None, None, b"x")
        first.record_written({"url": url, "canonical_url": url, "text_sha256": "h"})
    first.close()  # killed; only ART's record survived in the parts
    again = CrawlState(StateStore(path), "c1")
    again.begin(resumed=[ART])
    assert not again.wants(ART + "?utm_medium=y")
    assert again.already_written({"url": "http://x.test/", "canonical_url": ART})
    assert again.wants("http://site.test/news/a/3-z.html")
    lost = again.store.get("http://site.test/news/a/3-z.html")
    assert lost.written_crawl is None  # its record was lost: never trusted as written
    again.close()


def test_only_the_last_unfinished_crawl_is_resumed(tmp_path):
    from crawler.crawl.output import resumable_crawl

    spider = tmp_path / "vsedelo"
    assert resumable_crawl(spider) is None
    for name, finished in (("20260101T000000Z-aaaa", False), ("20260102T000000Z-bbbb", True)):
        (spider / name / "warc").mkdir(parents=True)
        if finished:
            (spider / name / "manifest.json").write_text("{}")
    assert resumable_crawl(spider) is None  # the last run finished: start a new crawl
    (spider / "20260103T000000Z-cccc" / "warc").mkdir(parents=True)
    assert resumable_crawl(spider) == spider / "20260103T000000Z-cccc"


def test_sitemap_hints_come_with_the_response_not_from_memory(tmp_path):
    """The dates a request carried reach the state when its response is seen; the state keeps
    nothing per queued URL in between."""
    state = CrawlState(StateStore(tmp_path / "state.sqlite"), "c1", clock=Clock(NOW))
    state.begin()
    assert state.wants(ART, True, {"lastmod": "2025-03-02T10:00:00Z"})
    assert not hasattr(state, "_hints")
    state.response_seen(ART, 200, None, None, b"<html>", hints={
        "lastmod": "2025-03-02T10:00:00Z", "published": "2025-03-01T09:00:00+02:00"})
    state.response_seen(ART.replace("1-x", "2-y"), 200, None, None, b"<html>")
    state.flush()
    got = state.store.get(ART)
    assert got.published == iso_seconds("2025-03-01T07:00:00Z")
    assert got.changed_at == iso_seconds("2025-03-02T10:00:00Z")
    assert state.store.get(ART.replace("1-x", "2-y")).published is None
    state.close()


def test_records_compared_with_the_sites_earlier_records(tmp_path):
    """Each record is new, changed or unchanged against what finished crawls wrote for its
    URL (the report's comparison with the previous crawl counts these)."""
    path, clock = tmp_path / "state.sqlite", Clock(NOW)
    kept, edited, fresh = ART, "http://site.test/news/a/2-y.html", "http://site.test/n/3-z.html"
    run1 = CrawlState(StateStore(path), "c1", clock=clock)
    run1.begin()
    assert run1.compare({"url": kept, "text_sha256": "a"}) == "new"  # nothing before it
    for url in (kept, edited):
        run1.record_written({"url": url, "canonical_url": url, "text_sha256": "h-" + url})
    run1.finish("finished", complete=True)
    run1.close()

    clock.now += DAY
    run2 = CrawlState(StateStore(path), "c2", clock=clock)
    run2.begin()
    assert run2.compare({"url": kept + "?utm_source=x", "text_sha256": "h-" + kept}) == \
        "unchanged"
    assert run2.compare({"url": edited, "text_sha256": "edited"}) == "changed"
    assert run2.compare({"url": fresh, "text_sha256": "x"}) == "new"
    run2.record_written({"url": fresh, "canonical_url": fresh, "text_sha256": "x"})
    run2.close()  # killed: what it wrote is not trusted

    run3 = CrawlState(StateStore(path), "c3", clock=clock)
    run3.begin()
    assert run3.compare({"url": fresh, "text_sha256": "x"}) == "new"
    run3.close()
