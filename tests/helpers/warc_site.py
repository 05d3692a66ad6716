"""The loopback site and the crawl runner shared by the WARC middleware and replay tests.

Its handlers (served with ``tests.helpers.servers``) answer gzip, chunked, redirect, 404, 500,
robots.txt, two URLs with one payload, and as an HTTP/1.0 server; ``run_crawl`` runs a Scrapy crawl
with the WARC middleware in a subprocess (``python -m tests.helpers.warc_site``), since a Twisted
reactor cannot be restarted in one process.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from tests.helpers.cli import ROOT

SPIDER = "warcsite"

WORDS = " ".join(f"news{i * 7919 % 10007}" for i in range(400))  # gzips to over 256 bytes
HTML = f"<html><head><title>Gzip</title></head><body>{WORDS}</body></html>"
GZ = gzip.compress(HTML.encode(), mtime=0)
CHUNKS = [b"<html><body><p>first chunk</p>", b"<p>second chunk</p>" * 40, b"</body></html>"]
SAME = ("<html><body>" + "identical payload " * 40 + "</body></html>").encode()
TARGET = b"<html><body>redirect target</body></html>"
ROBOTS = b"User-agent: *\nAllow: /\n"
PATHS = ["/gzip.html", "/chunked.html", "/redirect", "/missing", "/error", "/same-a?x=1&y=2",
         "/same-b"]  # fmt: skip


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the pages the WARC tests crawl; HTTP/1.1 unless the server says otherwise."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html", **extra: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path
        if path == "/robots.txt":
            self._send(200, ROBOTS, "text/plain")
        elif path == "/gzip.html":
            self._send(200, GZ, Content_Encoding="gzip", Vary="Accept")
        elif path == "/chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/redirect":
            self._send(301, b"", Location="/target.html")
        elif path == "/target.html":
            self._send(200, TARGET)
        elif path == "/error":
            self._send(500, b"<html>server error</html>")
        elif path in ("/same-a?x=1&y=2", "/same-b"):
            self._send(200, SAME)
        elif path == "/old.html":
            self._send(200, b"<html><body>an HTTP/1.0 server</body></html>")
        else:
            self._send(404, b"")


class OldHandler(SiteHandler):
    """The same pages from an HTTP/1.0 server."""

    protocol_version = "HTTP/1.0"


def run_crawl(out: Path, crawl_id: str, urls: list[str], **settings: Any) -> Path:
    """Crawl ``urls`` in a subprocess into ``out``; returns the crawl folder."""
    cmd = [sys.executable, "-m", "tests.helpers.warc_site", str(out), crawl_id,
           json.dumps(settings), *urls]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out / SPIDER / crawl_id


def crawl_main(argv: list[str]) -> None:
    """Subprocess entry: one crawl of the given URLs with the WARC middleware."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("crawl_id")
    p.add_argument("settings")
    p.add_argument("urls", nargs="+")
    args = p.parse_args(argv)
    crawl_dir = Path(args.out) / SPIDER / args.crawl_id

    class WarcSiteSpider(scrapy.Spider):
        name = SPIDER
        custom_settings = {"HTTPERROR_ALLOW_ALL": True}
        seen: dict[str, Any] = {}

        async def start(self) -> Any:
            for url in args.urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response: Any) -> None:
            self.seen[response.url] = response.meta.get("warc")

        def closed(self, reason: str) -> None:
            (crawl_dir / "pointers.json").write_text(json.dumps(self.seen, indent=1))

    settings = {
        "OUTPUT_URI": args.out,
        "CRAWL_ID": args.crawl_id,
        "ROBOTSTXT_OBEY": True,
        "USER_AGENT": "warc-test/1.0",
        "WARC_OPERATOR": "tests@example.org",
        # the crawl context (an add-on) and the two components this crawl is about; no state
        "ADDONS": {"crawler.crawl.context.CrawlContext": 10},
        "STATE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {"crawler.warc.middleware.WarcArchiveMiddleware": 950},
        "EXTENSIONS": {"crawler.storage.commit.ManifestExtension": 100},
        "RETRY_TIMES": 1,
        "CONCURRENT_REQUESTS": 1,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        **json.loads(args.settings),
    }
    process = CrawlerProcess(settings)
    process.crawl(WarcSiteSpider)
    process.start()
    sys.exit(0 if (crawl_dir / "manifest.json").is_file() else 1)


# --- reading what the crawl wrote ------------------------------------------------------------


def records(crawl_dir: Path) -> list[dict[str, Any]]:
    """Every record of every WARC of a crawl, with its payload and place."""
    out = []
    for path in sorted((crawl_dir / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                payload = rec.raw_stream.read()  # as sent: no content decoding
                h = rec.http_headers
                out.append({
                    "file": path.name, "offset": it.get_record_offset(), "type": rec.rec_type,
                    "warc": dict(rec.rec_headers.headers), "uri": rec.rec_headers.get_header(
                        "WARC-Target-URI"), "http": h, "payload": payload,
                })  # fmt: skip
                it.read_to_end()
                out[-1]["length"] = it.get_record_length()
    return out


def by_uri(recs: list[dict[str, Any]], suffix: str, rtype: str) -> list[dict[str, Any]]:
    return [r for r in recs if r["type"] == rtype and (r["uri"] or "").endswith(suffix)]


if __name__ == "__main__":
    crawl_main(sys.argv[1:])
