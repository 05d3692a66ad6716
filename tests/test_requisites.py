"""Page requisites on real crawls: every image, stylesheet and script of an archived article is
archived once; CDN hosts only when configured; CSS references to ``REQUISITES_DEPTH``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.reader import open_crawl
from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.crawls import crawl_dir, crawl_site, read_records
from tests.helpers.requisites import requisites_of
from tests.helpers.servers import serving


def archived(crawl: Path) -> dict[str, int]:
    """Target URI → status of every response record in the crawl's WARCs."""
    found: dict[str, int] = {}
    for warc in crawl.glob("warc/*.warc.gz"):
        with open(warc, "rb") as f:
            for record in ArchiveIterator(f):
                if record.rec_type in ("response", "revisit") and record.http_headers:
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    found[uri] = int(record.http_headers.get_statuscode())
    return found


def _crawl(server, out: Path, *extra: str) -> Path:
    crawl_site(server.url, out, *extra)
    return crawl_dir(out)


def test_every_requisite_of_an_archived_article_is_archived_once(tmp_path: Path) -> None:
    with start_server(FixtureSite(articles=8, seed=5)) as server:
        crawl = _crawl(server, tmp_path)
        fetched = Counter(urlsplit(p).path for _m, p, _s in server.requests)
    reader = open_crawl(crawl)
    warc = archived(crawl)
    records = read_records(crawl)
    assert len(records) >= 8
    needed: set[str] = set()
    for record in records:
        html = reader.raw_response(record).body.decode(record["extraction"]["charset"])
        needed |= requisites_of(html, record["warc"]["target_uri"])
    kinds = {Path(urlsplit(u).path).suffix for u in needed}
    assert {".css", ".js", ".png", ".jpg"} <= kinds, kinds  # logo, article photos, CSS, JS
    missing = sorted(u for u in needed if warc.get(u) != 200)
    assert not missing, missing[:5]
    for url in needed:  # the duplicate filter: one fetch each, however many pages use it
        assert fetched[urlsplit(url).path] == 1, url
    assert {r["url"] for r in records}.isdisjoint(needed)  # requisites make no records


# --- CDN hosts and CSS depth ------------------------------------------------------------
CDN_FILES = {
    "/cdn/theme.css": ("text/css", b"@import 'more.css';\n"
                       b"@font-face{font-family:x;src:url(\"fonts/x.woff2\") format('woff2')}\n"
                       b"body{background:url(data:image/png;base64,AAAA)}"),
    "/cdn/more.css": ("text/css", b".a{background:url(/cdn/deep.png)}"),  # level 2: not fetched
    "/cdn/fonts/x.woff2": ("font/woff2", b"wOF2" + b"\0" * 60),
    "/cdn/lib.js": ("application/javascript", b"var x=1;"),
    "/cdn/deep.png": ("image/png", b"\x89PNG"),
    "/other/tracker.js": ("application/javascript", b"var y=2;"),
}


class CdnHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        self.log.append((self.headers.get("Host", ""), self.path))
        ctype, body = CDN_FILES.get(self.path, ("text/plain", b"nope"))
        self.send_response(200 if self.path in CDN_FILES else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class CdnSite(FixtureSite):
    """The fixture site whose articles also use a CDN (``localhost``) and a tracker host."""

    cdn_port = 0

    def render(self, method, path_with_query, headers, state=None):  # type: ignore[override]
        plain = {k: v for k, v in headers.items() if k.lower() != "accept-encoding"}
        resp = super().render(method, path_with_query, plain, state)
        if resp.status != 200 or "/news/" not in path_with_query:
            return resp
        cdn = f"http://localhost:{self.cdn_port}"
        tags = (f'<link rel="stylesheet" href="{cdn}/cdn/theme.css">'
                f'<script src="{cdn}/cdn/lib.js"></script>'
                f'<script src="http://127.1:{self.cdn_port}/other/tracker.js"></script></head>')
        body = resp.body.replace(b"</head>", tags.encode(), 1)
        heads = [(k, str(len(body)) if k.lower() == "content-length" else v)
                 for k, v in resp.headers]
        return replace(resp, body=body, headers=heads)


@pytest.fixture
def cdn() -> Iterator[ThreadingHTTPServer]:
    CdnHandler.log = []
    with serving(CdnHandler) as server:
        yield server


def test_cdn_hosts_and_css_depth(cdn: ThreadingHTTPServer, tmp_path: Path) -> None:
    site = CdnSite(articles=3, seed=5)
    site.cdn_port = port = cdn.server_address[1]
    with start_server(site) as server:
        crawl = _crawl(server, tmp_path / "on", "-s", "REQUISITES_HOSTS=localhost",
                       "-s", "ROBOTSTXT_OBEY=False")
        site_paths = {urlsplit(p).path for _m, p, _s in server.requests}
    paths = Counter(path for _host, path in CdnHandler.log)
    assert paths == Counter({"/cdn/theme.css": 1, "/cdn/lib.js": 1, "/cdn/more.css": 1,
                             "/cdn/fonts/x.woff2": 1}), paths
    assert {host for host, _ in CdnHandler.log} == {f"localhost:{port}"}  # never 127.1
    warc = archived(crawl)
    cdn_url = f"http://localhost:{port}/cdn"
    for name in ("theme.css", "more.css", "fonts/x.woff2", "lib.js"):
        assert warc[f"{cdn_url}/{name}"] == 200
    assert "/static/css/site.css" in site_paths

    CdnHandler.log.clear()
    with start_server(site) as server:
        _crawl(server, tmp_path / "off", "-s", "REQUISITES_ENABLED=False")
        site_paths = {urlsplit(p).path for _m, p, _s in server.requests}
    assert CdnHandler.log == []
    assert not [p for p in site_paths if p.startswith("/static/")]
