"""Shared test fixtures: the fixture news site on loopback and running the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CRAWLER = [sys.executable, "-m", "crawler"]

# Loopback-friendly settings for test crawls: no politeness delay against our own server.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "EXTRACTION_WORKERS=2", "-s", "LOGSTATS_INTERVAL=0"]


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 240,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``crawler ARGS`` as a real process and return its result (text output)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([*CRAWLER, *args], cwd=cwd or ROOT, env=full_env, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


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


def tiny_crawl(crawl: Path) -> None:
    """A crawl folder with one archived page and no index (replay indexes it)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    (crawl / "warc").mkdir(parents=True)
    with open(crawl / "warc" / "t-20260101000000000-00000-h.warc.gz", "wb") as f:
        writer = WARCWriter(f, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "http://example.test/", "response", payload=io.BytesIO(b"<html>hello</html>"),
            http_headers=headers))


def read_records(crawl: Path) -> list[dict]:
    """All article JSON records of a crawl folder."""
    import gzip

    records = []
    for part in sorted((crawl / "articles").glob("*.jsonl.gz")):
        with gzip.open(part, "rt", encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f)
    return records


@pytest.fixture(scope="session")
def small_site():
    """A 30-article fixture site served on 127.0.0.1 for the whole session."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    site = FixtureSite(articles=30, seed=7)
    with start_server(site) as server:
        yield site, server
