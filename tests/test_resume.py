"""``crawler crawl … --resume`` after ``kill -9``: no article lost, none twice, WARCs valid."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.state.part_salvage import readable_prefix, salvage_part, whole_records
from tests.helpers.cli import FAST, WARCIO, run_cli, start_cli
from tests.helpers.crawls import crawl_dir, read_manifest, read_records, site_folder


def _killed_part(path: Path, records: list[dict], flush_every: int, tail: str) -> None:
    """What the JSON Lines pipeline leaves when killed: flushed blocks, then a cut-off tail."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        flushed = 0
        for n, record in enumerate(records, start=1):
            gz.write((json.dumps(record) + "\n").encode())
            if n % flush_every == 0:
                gz.flush()
                flushed = buf.tell()
        gz.write(b"x" * 5000)
        gz.flush()
        data = buf.getvalue()
    # the kernel got part of the next block, or the file system left zeros after a crash
    path.write_bytes(data[: flushed + 7] if tail == "cut" else data[:flushed] + b"\0" * 7)


@pytest.mark.parametrize("tail", ["cut", "zeros"])
def test_salvage_keeps_whole_flushed_records(tmp_path, tail):
    records = [{"url": f"http://s.test/{i}", "text": "слово " * 50} for i in range(23)]
    part = tmp_path / "articles-00001.jsonl.gz.open"
    _killed_part(part, records, flush_every=5, tail=tail)
    lines, _ = whole_records(readable_prefix(part))
    assert len(lines) == 20  # four flushes of five; the last three never reached the file
    result = salvage_part(part)
    assert not part.exists() and result.path == tmp_path / "articles-00001.jsonl.gz"
    with gzip.open(result.path, "rt", encoding="utf-8") as f:
        assert [json.loads(line) for line in f] == records[:20]

    empty = tmp_path / "articles-00002.jsonl.gz.open"
    _killed_part(empty, records[:3], flush_every=5, tail=tail)
    assert salvage_part(empty).path is None and not empty.exists()


def _flushed_records(crawl: Path) -> int:
    parts = list(crawl.glob("articles/*.open"))
    return len(whole_records(readable_prefix(parts[0]))[0]) if parts else 0


def test_resume_after_sigkill(tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path / "out"
    site = FixtureSite(articles=40, seed=5, latency=0.15)  # slow enough to be killed mid-crawl
    with start_server(site) as server:
        args = ["crawl", "vsedelo", "--url", server.url, "--out", str(out), *FAST,
                "-s", "ARTICLES_FLUSH_RECORDS=5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
        # its own process group: the kill takes the extraction workers too, as a container
        # kill or the OOM killer would, and leaves no orphans behind
        proc = start_cli(*args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                crawls = [p for p in (out / site_folder(server.url)).glob("*") if p.is_dir()]
                if crawls and _flushed_records(crawls[0]) >= 10:
                    break
                time.sleep(0.2)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        crawl = crawl_dir(out)
        assert not (crawl / "manifest.json").exists(), "the crawl ended before it was killed"
        assert list(crawl.glob("warc/*.open")) and list(crawl.glob("articles/*.open"))

        result = run_cli(*args, "--resume")
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert f"resuming crawl {crawl.name}" in result.stdout
        expected = set(site.article_urls(server.url.rstrip("/")))

    assert crawl_dir(out) == crawl  # continued in the same folder, same crawl id
    found = Counter(r["canonical_url"] for r in read_records(crawl))
    assert set(found) == expected, f"missing {sorted(expected - set(found))[:3]}"
    assert max(found.values()) == 1, found.most_common(2)
    parts = sorted(p.name for p in crawl.glob("articles/*.jsonl.gz"))
    assert any(p.startswith("articles-r1-") for p in parts)  # the killed run's salvaged part
    assert any(not p.startswith("articles-r1-") for p in parts)  # and the resumed run's own

    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished" and manifest["crawl_id"] == crawl.name
    assert manifest["stats"]["resume/records_kept"] >= 10
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(crawl).as_posix() for p in crawl.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert listed == on_disk and not [p for p in on_disk if p.endswith(".open")]
    warcs = sorted(crawl.glob("warc/*.warc.gz"))
    assert len(warcs) >= 2  # the recovered one and the resumed run's
    for warc in warcs:
        check = subprocess.run([*WARCIO, "check", str(warc)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    # every record's WARC pointer still leads to a record in this crawl's files
    names = {w.name for w in warcs}
    assert {r["warc"]["filename"] for r in read_records(crawl)} <= names
