"""Running a small crawl through the CLI and reading what it wrote (folders, records, manifest)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from warcio.archiveiterator import ArchiveIterator

from tests.helpers.cli import FAST, run_cli

if TYPE_CHECKING:
    from fixture_site import FixtureSite
    from fixture_site.server import RunningServer

# The path of an article page on the fixture site (either language).
ARTICLE_PATH = re.compile(r"^/(?:ru/)?news/\w+/\d+-[\w-]+\.html$")


def crawl_site(url: str, out: Path | str, *extra: str, spider: str = "vsedelo",
               env: dict[str, str] | None = None,
               timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``crawler crawl SPIDER --url URL --out OUT`` with the ``FAST`` settings, then ``extra``;
    fails the test unless it exits 0."""
    result = run_cli("crawl", spider, "--url", url, "--out", str(out), *FAST, *extra, env=env,
                     timeout=timeout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result


def crawl_id_of(result: subprocess.CompletedProcess[str]) -> str:
    """The crawl id a finished ``crawler crawl`` printed (``crawl <id>: ...``)."""
    return result.stdout.split("crawl ", 1)[1].split(":", 1)[0]


def site_folder(url: str, spider: str = "vsedelo") -> str:
    """The folder (site key, ``crawler.pages.site``) of a crawl of ``spider`` from ``url``."""
    from crawler.pages.profiles import PROFILES, VSEDELO
    from crawler.pages.site import site_for

    return site_for(url, VSEDELO if spider == "vsedelo" else PROFILES["generic"],
                    PROFILES.values()).key


def site_dir(out: Path) -> Path:
    """The single site folder (``<out>/<site>``, ``crawler.pages.site``) of an output."""
    (site,) = [p for p in out.iterdir() if p.is_dir()]
    return site


def crawl_dir(out: Path, site: str | None = None) -> Path:
    """The single crawl folder under ``out/<site>`` (default: the output's only site)."""
    (crawl,) = [p for p in (out / site if site else site_dir(out)).iterdir() if p.is_dir()]
    return crawl


def latest_crawl(out: Path, url: str) -> Path:
    """The newest crawl folder (crawl ids sort by time) of the site at ``url`` in ``out``."""
    return max(p for p in (out / site_folder(url)).iterdir() if p.is_dir())


def read_manifest(crawl: Path) -> dict:
    """A crawl folder's ``manifest.json``."""
    return json.loads((crawl / "manifest.json").read_text())


def read_records(crawl: Path) -> list[dict]:
    """All article JSON records of a crawl folder."""
    records = []
    for part in sorted((crawl / "articles").glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f)
    return records


def tiny_crawl(crawl: Path) -> None:
    """A crawl folder with one archived page and no index (replay indexes it)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    (crawl / "warc").mkdir(parents=True)
    with open(crawl / "warc" / "t-20260101000000000-00000-h.warc.gz", "wb") as f:
        writer = WARCWriter(f, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://example.test/", "response", payload=io.BytesIO(b"<html>hello</html>"),
            http_headers=headers))


def check_crawl_folder(crawl: Path, site: FixtureSite, server: RunningServer) -> dict:
    """Every article written once, every file listed with its digest, records point at WARCs."""
    expected = set(site.article_urls(server.url.rstrip("/")))
    records = read_records(crawl)
    found = Counter(r["canonical_url"] for r in records)
    assert set(found) == expected, f"missing {sorted(expected - set(found))[:3]}"
    assert max(found.values()) == 1, f"written twice: {found.most_common(3)}"

    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished"
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(crawl).as_posix() for p in crawl.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert set(listed) == on_disk, (set(listed) ^ on_disk)
    assert not [p for p in on_disk if p.endswith(".open")]
    for path, entry in listed.items():
        data = (crawl / path).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()

    for record in records[:: max(1, len(records) // 40)]:
        ptr = record["warc"]
        assert f"warc/{ptr['filename']}" in listed
        with open(crawl / "warc" / ptr["filename"], "rb") as fh:
            fh.seek(ptr["offset"])
            warc_record = next(iter(ArchiveIterator(fh)))
            assert warc_record.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
            assert warc_record.rec_headers.get_header("WARC-Target-URI") == record["url"]
    return manifest
