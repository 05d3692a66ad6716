"""A real Scrapy crawl of a loopback HTTP server, archived by WarcArchiveMiddleware.

Two crawls write into one output folder so the second de-duplicates against the first; the site
and the crawl runner are in ``tests/helpers/warc_site.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.warc.cdxj import index_warcs, read_cdxj
from crawler.warc.records import payload_digest
from tests.helpers.cli import WARCIO
from tests.helpers.crawls import read_manifest
from tests.helpers.servers import serving, url_of
from tests.helpers.warc_site import (
    CHUNKS,
    HTML,
    PATHS,
    SAME,
    SPIDER,
    OldHandler,
    SiteHandler,
    by_uri,
    records,
    run_crawl,
)


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, str]]:
    """An HTTP/1.1 and an HTTP/1.0 server on loopback ports."""
    with serving(SiteHandler) as new, serving(OldHandler) as old:
        yield url_of(new), url_of(old)


@pytest.fixture(scope="module")
def crawls(site: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two crawls of the site into one output folder; the second sees the first's manifest."""
    base, old = site
    out = tmp_path_factory.mktemp("warc-out")
    urls = [base + p for p in PATHS] + [old + "/old.html"]
    first = run_crawl(out, "20250101T000000Z-aaaa", urls, WARC_MAX_SIZE=3000)
    second = run_crawl(out, "20250102T000000Z-bbbb", [base + "/gzip.html", base + "/same-b"])
    return {"base": base, "old": old, "out": out, "first": first, "second": second}


# --- tests ----------------------------------------------------------------------------------


def test_every_fetch_has_request_and_response(crawls: dict[str, Any]) -> None:
    recs = records(crawls["first"])
    base = crawls["base"]
    responses = [r for r in recs if r["type"] in ("response", "revisit")]
    requests = {r["warc"]["WARC-Concurrent-To"]: r for r in recs if r["type"] == "request"}
    assert len(requests) == len(responses)
    for resp in responses:
        req = requests[resp["warc"]["WARC-Record-ID"]]
        assert req["uri"] == resp["uri"]
        assert req["warc"]["WARC-Date"] == resp["warc"]["WARC-Date"]
        assert resp["warc"]["WARC-IP-Address"] == "127.0.0.1"
    fetched = sorted(r["uri"] for r in responses if r["uri"].startswith(base))
    expected = [base + p for p in PATHS] + [base + "/robots.txt", base + "/target.html"]
    expected.append(base + "/error")  # RETRY_TIMES=1: the 500 is fetched twice, both archived
    assert fetched == sorted(expected)
    assert by_uri(recs, "/old.html", "response") and by_uri(recs, "/robots.txt", "response")


def test_status_lines_and_request_lines(crawls: dict[str, Any]) -> None:
    recs = records(crawls["first"])
    lines = {
        "/redirect": "HTTP/1.1 301 Moved Permanently",
        "/missing": "HTTP/1.1 404 Not Found",
        "/error": "HTTP/1.1 500 Internal Server Error",
        "/old.html": "HTTP/1.0 200 OK",
    }
    for suffix, line in lines.items():
        http = by_uri(recs, suffix, "response")[0]["http"]
        assert f"{http.protocol} {http.statusline}" == line
    redirect = by_uri(recs, "/redirect", "response")[0]["http"]
    assert redirect.get_header("Location") == "/target.html"
    req = by_uri(recs, "/same-a?x=1&y=2", "request")[0]["http"]
    port = crawls["base"].rsplit(":", 1)[1]
    assert f"{req.protocol} {req.statusline}" == "GET /same-a?x=1&y=2 HTTP/1.1"
    assert req.get_header("Host") == f"127.0.0.1:{port}"
    assert req.get_header("User-Agent") == "warc-test/1.0"
    assert "gzip" in req.get_header("Accept-Encoding")


def test_gzip_body_kept_as_sent(crawls: dict[str, Any]) -> None:
    rec = by_uri(records(crawls["first"]), "/gzip.html", "response")[0]
    assert rec["http"].get_header("Content-Encoding") == "gzip"
    assert int(rec["http"].get_header("Content-Length")) == len(rec["payload"])
    assert gzip.decompress(rec["payload"]).decode() == HTML


def test_chunked_body_and_headers_agree(crawls: dict[str, Any]) -> None:
    rec = by_uri(records(crawls["first"]), "/chunked.html", "response")[0]
    assert rec["http"].get_header("Transfer-Encoding") is None
    assert rec["payload"] == b"".join(CHUNKS)
    assert int(rec["http"].get_header("Content-Length")) == len(rec["payload"])


def test_duplicate_payload_becomes_revisit(crawls: dict[str, Any]) -> None:
    recs = records(crawls["first"])
    same = [r for r in recs if "/same-" in (r["uri"] or "") and r["type"] != "request"]
    assert sorted(r["type"] for r in same) == ["response", "revisit"]
    original = next(r for r in same if r["type"] == "response")
    revisit = next(r for r in same if r["type"] == "revisit")
    w = revisit["warc"]
    assert w["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert w["WARC-Refers-To-Target-URI"] == original["uri"]
    assert w["WARC-Refers-To-Date"] == original["warc"]["WARC-Date"]
    assert w["WARC-Refers-To"] == original["warc"]["WARC-Record-ID"]
    assert (
        w["WARC-Payload-Digest"] == payload_digest(SAME) == original["warc"]["WARC-Payload-Digest"]
    )
    assert revisit["payload"] == b"" and revisit["http"].get_header("Content-Type") == "text/html"
    # Small bodies and non-2xx responses are never de-duplicated.
    assert not by_uri(recs, "/missing", "revisit") and len(by_uri(recs, "/error", "response")) == 2


def test_warcio_check_and_index_pass(crawls: dict[str, Any]) -> None:
    files = sorted(crawls["first"].glob("warc/*.warc.gz")) + sorted(
        crawls["second"].glob("warc/*.warc.gz")
    )
    assert len(list(crawls["first"].glob("warc/*.warc.gz"))) > 1  # WARC_MAX_SIZE=3000 rotated
    assert not list(crawls["first"].glob("warc/*.open"))
    for path in files:
        check = subprocess.run([*WARCIO, "check", "-v", path], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
        assert "digest pass" in check.stdout and "failed" not in check.stdout
        index = subprocess.run([*WARCIO, "index", path], capture_output=True, text=True)
        assert index.returncode == 0 and index.stdout.count("\n") >= 2, index.stderr


def test_warcinfo_opens_every_file(crawls: dict[str, Any]) -> None:
    for path in crawls["first"].glob("warc/*.warc.gz"):
        with open(path, "rb") as fh:
            first = next(iter(ArchiveIterator(fh)))
            assert first.rec_type == "warcinfo"
            assert first.rec_headers.get_header("WARC-Filename") == path.name
            body = first.content_stream().read().decode()
        assert "format: WARC File Format 1.1" in body
        assert "isPartOf: 20250101T000000Z-aaaa" in body
        assert "operator: tests@example.org" in body and "robots: obey" in body
        assert "http-header-user-agent: warc-test/1.0" in body
        assert "software: newscrawler/" in body


def test_pointer_reads_back_with_one_ranged_read(crawls: dict[str, Any]) -> None:
    pointers = json.loads((crawls["first"] / "pointers.json").read_text())
    base = crawls["base"]
    for url in (base + "/gzip.html", base + "/chunked.html", base + "/same-b",
                base + "/same-a?x=1&y=2", base + "/target.html"):  # fmt: skip
        ptr = pointers[url]
        path = crawls["out"] / SPIDER / ptr["crawl_id"] / "warc" / ptr["filename"]
        with open(path, "rb") as fh:
            fh.seek(ptr["offset"])
            member = fh.read(ptr["length"])
        raw = gzip.decompress(member)  # exactly one whole gzip member
        rec = next(iter(ArchiveIterator(io.BytesIO(raw))))
        assert rec.rec_type == "response"
        assert rec.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
        assert ptr["target_uri"] == url
    revisited = [pointers[base + p] for p in ("/same-a?x=1&y=2", "/same-b")]
    assert sorted(p["revisit"] for p in revisited) == [False, True]
    assert revisited[0]["offset"] == revisited[1]["offset"]
    assert any(p.get("revisit_record_id") for p in revisited)


def test_index_is_sorted_and_matches_cdxj_indexer(crawls: dict[str, Any], tmp_path: Path) -> None:
    crawl = crawls["first"]
    ours = sorted(crawl.glob("indexes/*.cdxj"))
    assert [p.name for p in ours] == [f"{SPIDER}-20250101T000000Z-aaaa.cdxj"]
    lines = ours[0].read_text().splitlines()
    assert lines == sorted(lines) and len(lines) >= 10
    reference = index_warcs(sorted(crawl.glob("warc/*.warc.gz")), tmp_path / "ref.cdxj")
    assert lines == reference.read_text().splitlines()
    manifest = read_manifest(crawl)
    kinds = {f["path"]: f["kind"] for f in manifest["files"]}
    assert kinds[f"indexes/{ours[0].name}"] == "index"
    assert sorted(p for p, k in kinds.items() if k == "warc") == sorted(
        f"warc/{p.name}" for p in crawl.glob("warc/*.warc.gz")
    )


def test_second_crawl_revisits_first(crawls: dict[str, Any]) -> None:
    recs = records(crawls["second"])
    first_recs = records(crawls["first"])
    for suffix in ("/gzip.html", "/same-b"):
        revisit = by_uri(recs, suffix, "revisit")
        assert revisit, f"{suffix} not de-duplicated against the first crawl"
        w = revisit[0]["warc"]
        digest = w["WARC-Payload-Digest"]
        orig = next(
            r for r in first_recs
            if r["type"] == "response" and r["warc"].get("WARC-Payload-Digest") == digest
        )  # fmt: skip
        assert w["WARC-Refers-To"] == orig["warc"]["WARC-Record-ID"]
        assert w["WARC-Refers-To-Date"] == orig["warc"]["WARC-Date"]
    originals = list(crawls["second"].glob("indexes/*-originals.cdxj"))
    assert len(originals) == 1
    entries = list(read_cdxj(originals[0]))
    first_files = {p.name for p in crawls["first"].glob("warc/*.warc.gz")}
    assert entries and all(e.fields["filename"] in first_files for e in entries)
    manifest = read_manifest(crawls["second"])
    kinds = {f["path"]: f["kind"] for f in manifest["files"]}
    assert kinds[f"indexes/{originals[0].name}"] == "revisit-originals"
    pointers = json.loads((crawls["second"] / "pointers.json").read_text())
    ptr = pointers[crawls["base"] + "/gzip.html"]
    assert ptr["revisit"] and ptr["crawl_id"] == "20250101T000000Z-aaaa"
