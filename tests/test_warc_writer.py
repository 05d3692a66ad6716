"""Rotating WARC files: names, temporary ``.open`` names, rotation, and recovery after a kill."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.crawl.naming import final_path, open_path, warc_filename
from crawler.warc.archive import WarcArchive
from crawler.warc.cdxj import index_warcs
from crawler.warc.records import Capture, RecordFactory
from crawler.warc.recover import recover_crawl_dir, recover_warc
from crawler.warc.writer import RotatingWarcWriter, serialize
from tests.helpers.cli import ROOT, WARCIO

NAME = re.compile(r"^news-\d{17}-\d{5}-[A-Za-z0-9._]+\.warc\.gz$")


def capture(i: int) -> Capture:
    body = f"<html><body>page {i} ".encode() + os.urandom(300).hex().encode() + b"</body></html>"
    return Capture(
        url=f"http://127.0.0.1:8000/page/{i}?q={i}",
        method="GET",
        request_headers=[(b"User-Agent", b"t")],
        status=200,
        response_headers=[(b"Content-Type", b"text/html")],
        body=body,
        date=dt.datetime.now(dt.UTC),
    )


def warcio_check(path: Path) -> str:
    proc = subprocess.run([*WARCIO, "check", "-v", path], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_iipc_style_names() -> None:
    when = dt.datetime(2025, 11, 25, 22, 24, 0, 123999, tzinfo=dt.UTC)
    assert warc_filename("news", when, 7, "crawl-1.example") == (
        "news-20251125222400123-00007-crawl_1.example.warc.gz"
    )
    assert warc_filename("my-site", when, 0, "h", worker="w2").endswith("-00000-h-w2.warc.gz")
    assert warc_filename("my-site", when, 0, "h").startswith("my_site-")
    path = Path("/x/a.warc.gz")
    assert final_path(open_path(path)) == path and open_path(path).name == "a.warc.gz.open"


def test_open_name_while_writing_then_final_name(tmp_path: Path) -> None:
    closed: list[Path] = []
    writer = RotatingWarcWriter(tmp_path, "news", on_closed=closed.append, info={"a": "b"})
    exchange = RecordFactory().exchange(capture(1))
    places = writer.write(exchange.records)
    final = writer.current_path
    assert final is not None and NAME.match(final.name)
    assert open_path(final).is_file() and not final.exists()
    assert all(p.filename == final.name for p in places)
    writer.close()
    assert final.is_file() and not open_path(final).exists() and closed == [final]
    assert "digest pass" in warcio_check(final)


def test_rotation_at_tiny_size(tmp_path: Path) -> None:
    closed: list[Path] = []
    writer = RotatingWarcWriter(tmp_path, "news", max_size=1500, on_closed=closed.append)
    factory = RecordFactory()
    places = [writer.write(factory.exchange(capture(i)).records) for i in range(6)]
    writer.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert files == sorted(closed) and len(files) >= 3
    assert [f.name.split("-")[2] for f in files] == [f"{i:05d}" for i in range(len(files))]
    assert not list(tmp_path.glob("*.open"))
    for f in files:
        warcio_check(f)
        with open(f, "rb") as fh:
            recs = list(ArchiveIterator(fh))
        info_id = recs[0].rec_headers.get_header("WARC-Record-ID")
        assert recs[0].rec_type == "warcinfo"
        assert all(r.rec_headers.get_header("WARC-Warcinfo-ID") == info_id for r in recs[1:])
    for place_pair in places:  # one ranged read gives exactly the record written there
        place = place_pair[0]
        with open(tmp_path / place.filename, "rb") as fh:
            fh.seek(place.offset)
            raw = gzip.decompress(fh.read(place.length))
        rec = next(iter(ArchiveIterator(io.BytesIO(raw))))
        assert rec.rec_type == "response"


def test_recover_cuts_partial_record(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "news", info={"software": "test"})
    factory = RecordFactory()
    for i in range(3):
        writer.write(factory.exchange(capture(i)).records)
    opened = open_path(writer.current_path)  # type: ignore[arg-type]
    whole = opened.stat().st_size
    member = serialize(factory.exchange(capture(9)).records[0])
    with open(opened, "ab") as fh:  # a kill -9 in the middle of a write
        fh.write(member[: len(member) // 2])
    writer._fh = None  # the killed process never closes its file  # noqa: SLF001
    result = recover_warc(opened)
    assert result.ok and result.records == 7  # warcinfo + 3 x (response, request)
    assert result.kept_bytes == whole and result.discarded_bytes == len(member) // 2
    assert result.path == final_path(opened) and not opened.exists()
    assert warcio_check(result.path).count("digest pass") == 7


def test_recover_marks_file_without_whole_record(tmp_path: Path) -> None:
    garbage = tmp_path / "news-20250101000000000-00000-h.warc.gz.open"
    garbage.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    result = recover_warc(garbage)
    assert not result.ok and result.path is not None and result.path.name.endswith(".damaged")
    assert not list(tmp_path.glob("*.warc.gz"))
    empty = tmp_path / "news-20250101000000000-00001-h.warc.gz.open"
    empty.write_bytes(b"")
    assert recover_warc(empty).path is None and not empty.exists()


def test_recover_leaves_file_of_running_writer_alone(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path, "news")
    writer.write(RecordFactory().exchange(capture(1)).records)
    opened = open_path(writer.current_path)  # type: ignore[arg-type]
    result = recover_warc(opened)
    assert result.in_use and opened.exists()
    writer.close()


KILL_SCRIPT = """
import datetime as dt, sys
from pathlib import Path
from crawler.warc.archive import WarcArchive
from crawler.warc.records import Capture
from crawler.warc.writer import RotatingWarcWriter
crawl = Path(sys.argv[1])
writer = RotatingWarcWriter(crawl / "warc", "news", max_size=200_000)
archive = WarcArchive(writer, crawl / "indexes" / "news-c1.cdxj", "c1")
i = 0
while True:
    i += 1
    body = (b"<html>%d " % i) * (50 + i % 5000)
    archive.archive(Capture(f"http://127.0.0.1/p/{i}", "GET", [], 200,
                            [(b"Content-Type", b"text/html")], body, dt.datetime.now(dt.UTC)))
"""


def test_kill_9_then_recover_crawl_dir(tmp_path: Path) -> None:
    crawl = tmp_path / "news" / "c1"
    (crawl / "warc").mkdir(parents=True)
    (crawl / "indexes").mkdir()
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(crawl)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while len(list(crawl.glob("warc/*"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(crawl.glob("warc/*.open")), "the killed writer left no open file"
    results = recover_crawl_dir(crawl)
    assert all(getattr(r, "ok", True) for r in results), [str(r) for r in results]
    warcs = sorted(crawl.glob("warc/*.warc.gz"))
    assert len(warcs) >= 3 and not list(crawl.glob("warc/*.open"))
    for warc in warcs:
        warcio_check(warc)
    index = crawl / "indexes" / "news-c1.cdxj"
    assert index.is_file() and not list(crawl.glob("indexes/.*"))
    reference = index_warcs(warcs, tmp_path / "ref.cdxj")
    assert index.read_text() == reference.read_text() and index.read_text().count("\n") > 10


def test_archive_close_writes_sorted_index_of_all_files(tmp_path: Path) -> None:
    reported: list[Path] = []
    writer = RotatingWarcWriter(tmp_path / "warc", "news", max_size=2000, on_closed=reported.append)
    archive = WarcArchive(writer, tmp_path / "news-c1.cdxj", "c1", on_index=reported.append)
    for i in range(8):
        archive.archive(capture(i))
    (index,) = archive.close()
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert reported == [*warcs, index] and len(warcs) > 2
    lines = index.read_text().splitlines()
    assert lines == sorted(lines) and len(lines) == 8
    assert index.read_text() == index_warcs(warcs, tmp_path / "ref.cdxj").read_text()
