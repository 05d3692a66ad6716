"""The revisit digest index (a SQLite scratch file) and the bounded-memory CDXJ sort."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawler.warc import cdxj
from crawler.warc.dedup import DigestIndex, eligible
from crawler.warc.records import Original


def _original(n: int, crawl: str = "c2") -> Original:
    return Original(f"http://site.test/{n}", "2026-01-01T00:00:00Z", f"<urn:uuid:{n}>",
                    "a.warc.gz", 100 * n, 50, crawl)


def test_first_capture_wins_and_the_file_goes_on_close(tmp_path: Path) -> None:
    index = DigestIndex(folder=tmp_path)
    assert index.path.parent == tmp_path and index.path.is_file()
    assert index.lookup("sha1:A") is None
    index.add("sha1:A", _original(1))
    index.add("sha1:A", _original(2))  # a later capture of the same payload
    index.add("sha1:B", _original(3))
    assert len(index) == 2
    assert index.lookup("sha1:A") == _original(1)
    assert index.earlier_line("sha1:A") is None  # this crawl's: no earlier CDXJ line
    index.close()
    assert not index.path.exists()


def test_memory_does_not_hold_the_entries(tmp_path: Path) -> None:
    index = DigestIndex(folder=tmp_path)
    for n in range(5000):
        index.add(f"sha1:{n:032d}", _original(n))
    assert len(index) == 5000
    assert index.lookup(f"sha1:{4321:032d}") == _original(4321)
    assert index.path.stat().st_size > 5000 * 50  # on disk
    assert not any(isinstance(v, dict) for v in vars(index).values())
    index.close()


def test_earlier_crawls_oldest_first_with_their_lines(tmp_path: Path) -> None:
    spider = tmp_path / "site"
    lines = {
        "20260101T000000Z-aaaa": [
            ('com,site)/a 20260101000000 {"url": "http://site.com/a", "status": "200", '
             '"digest": "sha1:A", "filename": "old.warc.gz", "offset": "10", "length": "99"}'),
            ('com,site)/gone 20260101000000 {"url": "http://site.com/gone", "status": "404", '
             '"digest": "sha1:G", "filename": "old.warc.gz", "offset": "200", "length": "9"}'),
        ],
        "20260201T000000Z-bbbb": [
            ('com,site)/a2 20260201000000 {"url": "http://site.com/a2", "status": "200", '
             '"digest": "sha1:A", "filename": "new.warc.gz", "offset": "5", "length": "7"}'),
            ('com,site)/b 20260201000000 {"url": "http://site.com/b", "status": "200", '
             '"mime": "warc/revisit", "digest": "sha1:B", "filename": "new.warc.gz", '
             '"offset": "50", "length": "7"}'),
        ],
        "20260301T000000Z-cccc": [],  # this crawl: excluded
    }
    for crawl, rows in lines.items():
        (spider / crawl / "indexes").mkdir(parents=True)
        (spider / crawl / "indexes" / f"site-{crawl}.cdxj").write_text("\n".join(rows) + "\n")
        (spider / crawl / "manifest.json").write_text("{}")
    index = DigestIndex(folder=tmp_path)
    assert index.load_earlier(spider, exclude="20260301T000000Z-cccc") == 1
    found = index.lookup("sha1:A")
    assert (found.uri, found.filename, found.offset, found.crawl_id) == (
        "http://site.com/a", "old.warc.gz", 10, "20260101T000000Z-aaaa")
    assert found.date == "2026-01-01T00:00:00Z" and found.record_id is None
    assert index.earlier_line("sha1:A") == lines["20260101T000000Z-aaaa"][0] + "\n"
    assert index.lookup("sha1:G") is None and index.lookup("sha1:B") is None
    # the WARC is not there: the CDXJ's date stands, no record id, no error
    assert index.resolve_earlier("sha1:A") == found
    index.close()


def test_eligible() -> None:
    assert eligible(200, 256) and not eligible(200, 255) and not eligible(304, 9999)


@pytest.mark.parametrize("buffer", [64, 10**9])
def test_write_sorted_spills_to_disk_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          buffer: int) -> None:
    monkeypatch.setattr(cdxj, "SORT_BUFFER_CHARS", buffer)
    rng = random.Random(7)
    lines = [f"com,site)/{rng.randrange(500):04d} 2026 {{}}\n" for _ in range(2000)]
    out = cdxj.write_sorted(lines, tmp_path / "index.cdxj")
    assert out.read_text().splitlines(keepends=True) == sorted(set(lines))
