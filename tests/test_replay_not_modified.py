"""A 304 Not Modified in an incremental recrawl, archived as a server-not-modified revisit.

The fixture news site is crawled in full, then recrawled incrementally: recent articles and the
listings are asked again with If-None-Match / If-Modified-Since and answer 304. Each such 304 must
be a ``revisit`` record (profile ``server-not-modified``) that names the earlier full capture, and
real pywb must replay the page at the recrawl's timestamp from that capture, also when the
recrawl is replayed alone. A 304 whose earlier capture the archive does not know stays a plain
``response`` record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.replay import pywb as replay
from crawler.warc.archive import WarcArchive
from crawler.warc.cdxj import index_warcs, read_cdxj
from crawler.warc.dedup import DigestIndex, crawl_index_files, earlier_originals
from crawler.warc.records import NOT_MODIFIED_PROFILE, Capture, payload_digest
from crawler.warc.writer import RotatingWarcWriter
from tests.helpers.cli import WARCIO, run_cli
from tests.helpers.crawls import ARTICLE_PATH, crawl_site, latest_crawl, read_manifest
from tests.helpers.wayback import fetch, serving_wayback

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
PAGE = b"<html><body>" + b"<p>unchanged article text</p>" * 20 + b"</body></html>"


# --- the archive on its own: real writer, real digest index --------------------------------------
def _capture(status: int, body: bytes, revalidates: str | None = None) -> Capture:
    return Capture(
        url="http://site.test/news/a.html", method="GET",
        request_headers=[(b"If-None-Match", b'"v1"')] if status == 304 else [],
        status=status, response_headers=[(b"ETag", b'"v1"')], body=body, date=NOW,
        revalidates=revalidates,
    )


def _records(warc_dir: Path) -> list[Any]:
    out = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "revisit"):
                    out.append((rec.rec_type, rec.rec_headers, rec.http_headers))
    return out


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[WarcArchive]:
    writer = RotatingWarcWriter(tmp_path / "warc", "news")
    index = tmp_path / "indexes" / "news-c1.cdxj"
    index.parent.mkdir()
    yield WarcArchive(writer, index, "c1", DigestIndex(folder=tmp_path))


def test_304_with_known_original_is_a_not_modified_revisit(archive: WarcArchive,
                                                            tmp_path: Path) -> None:
    full = archive.archive(_capture(200, PAGE))
    state_digest = "sha1:" + hashlib.sha1(PAGE).hexdigest()  # as the crawl state keeps it
    ptr = archive.archive(_capture(304, b"", revalidates=state_digest))
    unknown = archive.archive(_capture(304, b"", revalidates="sha1:" + "0" * 40))
    plain = archive.archive(_capture(304, b""))  # not a request the state revalidated
    archive.close()
    assert ptr["revisit"] and ptr["offset"] == full["offset"]  # points at the payload
    assert not unknown["revisit"] and not plain["revisit"]
    (_, first, _), (kind, rev, http), *others = _records(tmp_path / "warc")
    assert kind == "revisit" and http is None
    assert rev.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
    assert rev.get_header("WARC-Refers-To") == first.get_header("WARC-Record-ID")
    assert rev.get_header("WARC-Refers-To-Date") == first.get_header("WARC-Date")
    assert rev.get_header("WARC-Refers-To-Target-URI") == first.get_header("WARC-Target-URI")
    assert rev.get_header("WARC-Payload-Digest") == payload_digest(PAGE)
    # originals unknown: archived as the 304 response they were
    assert [(k, h.get_statuscode()) for k, _, h in others] == [("response", "304")] * 2
    assert archive.stats["revisits_not_modified"] == 1
    lines = [e.fields for e in read_cdxj(tmp_path / "indexes" / "news-c1.cdxj")]
    revisit = [f for f in lines if f.get("mime") == "warc/revisit"]
    assert len(revisit) == 1 and revisit[0]["digest"] == payload_digest(PAGE)


# --- the real crawler, twice, and real pywb ------------------------------------------------------
def _crawl(server: Any, out: Path) -> Path:
    crawl_site(server.url, out, "-s", "RECHECK_DAYS=1.0", "-s", "MONITOR_MIN_ARTICLES=0")
    return latest_crawl(out, server.url)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path_factory.mktemp("not-modified") / "out"
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12 * 70)
    site = FixtureSite(articles=30, seed=11, now=start, generation=0)
    with start_server(site) as server:
        full = _crawl(server, out)
        server.clear_requests()
        recrawl = _crawl(server, out)
        not_modified = sorted({path for _m, path, status in server.requests if status == 304})
    base = server.url.rstrip("/")
    articles = [base + p for p in not_modified if ARTICLE_PATH.match(urlsplit(p).path)]
    assert articles, "the recrawl revalidated no article"
    return {"full": full, "recrawl": recrawl, "articles": articles,
            "not_modified": [base + p for p in not_modified]}


def _lines(crawl: Path, originals: bool = False) -> list[Any]:
    files = sorted(crawl.glob("indexes/*.cdxj"))
    return [e for f in files if f.name.endswith("-originals.cdxj") == originals
            for e in read_cdxj(f)]


def _by_url(entries: list[Any]) -> dict[str, Any]:
    return {e.fields["url"]: e for e in entries}


def test_every_304_is_a_revisit_of_the_full_capture(crawls: dict[str, Any]) -> None:
    full, recrawl = _by_url(_lines(crawls["full"])), _by_url(_lines(crawls["recrawl"]))
    originals = _by_url(_lines(crawls["recrawl"], originals=True))
    for url in crawls["not_modified"]:
        line = recrawl[url]
        assert line.is_revisit and "status" not in line.fields, line.line
        assert line.fields["digest"] == full[url].fields["digest"]
        assert originals[url].line == full[url].line  # the earlier crawl's line, for pywb
    headers = {}
    for path in crawls["recrawl"].glob("warc/*.warc.gz"):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "revisit":
                    headers[rec.rec_headers.get_header("WARC-Target-URI")] = rec.rec_headers
    for url in crawls["not_modified"]:
        h = headers[url]
        assert h.get_header("WARC-Profile") == NOT_MODIFIED_PROFILE
        assert h.get_header("WARC-Refers-To-Target-URI") == url
        assert h.get_header("WARC-Refers-To").startswith("<urn:uuid:")
        assert h.get_header("WARC-Refers-To-Date")[:19].replace("-", "").replace(":", "")\
            .replace("T", "") == full[url].timestamp
    stats = read_manifest(crawls["recrawl"])["stats"]
    assert stats["warc/revisits_not_modified"] == stats["incremental/not_modified"] == len(
        crawls["not_modified"])


def test_originals_index_can_be_rebuilt(crawls: dict[str, Any]) -> None:
    """What `crawler recover` and replay without the originals file fall back on."""
    recrawl = crawls["recrawl"]
    rebuilt = earlier_originals(recrawl, crawl_index_files(recrawl))
    assert sorted(rebuilt) == sorted(e.line for e in _lines(recrawl, originals=True))


def test_recrawl_index_matches_cdxj_indexer_and_files_verify(crawls: dict[str, Any],
                                                             tmp_path: Path) -> None:
    recrawl = crawls["recrawl"]
    warcs = sorted(recrawl.glob("warc/*.warc.gz"))
    reference = index_warcs(warcs, tmp_path / "ref.cdxj").read_text().splitlines()
    assert [e.line.rstrip("\n") for e in _lines(recrawl)] == reference
    for warc in warcs:
        check = subprocess.run([*WARCIO, "check", "-v", str(warc)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    verify = run_cli("verify", str(recrawl))
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.fixture(scope="module")
def wayback(crawls: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb with collection ``recrawl`` (the recrawl alone) and ``both`` (the two crawls)."""
    work = tmp_path_factory.mktemp("pywb-not-modified")
    replay.build_collection(crawls["recrawl"], work, name="recrawl")
    replay.build_collection([crawls["full"], crawls["recrawl"]], work, name="both")
    with serving_wayback(work, "recrawl/") as url:
        yield url


@pytest.mark.pywb
@pytest.mark.parametrize("collection", ["recrawl", "both"])
def test_not_modified_page_replays_at_the_recrawl_timestamp(
    crawls: dict[str, Any], wayback: str, collection: str
) -> None:
    full, recrawl = _by_url(_lines(crawls["full"])), _by_url(_lines(crawls["recrawl"]))
    for url in crawls["articles"][:3]:
        ts, earlier = recrawl[url].timestamp, full[url].timestamp
        assert ts > earlier
        status, headers, body = fetch(f"{wayback}/{collection}/{ts}id_/{url}")
        assert status == 200, (url, status)
        assert headers["Content-Type"].startswith("text/html") and b"</html>" in body
        # the recrawl's capture (its date), with the earlier capture's payload
        memento = dt.datetime.strptime(headers["Memento-Datetime"], "%a, %d %b %Y %H:%M:%S GMT")
        assert memento.strftime("%Y%m%d%H%M%S") == ts
        if collection == "both":
            _, _, first = fetch(f"{wayback}/{collection}/{earlier}id_/{url}")
            assert body == first
        status, _, page = fetch(f"{wayback}/{collection}/{ts}mp_/{url}")
        assert status == 200 and b"</html>" in page
