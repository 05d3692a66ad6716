"""Crawls of different sites keep apart, and one scope gate sends nothing outside a crawl's site.

Real crawls through the CLI against fixture sites on two ports of 127.0.0.1 (one host: the case
where a crawl keyed by host name alone mixes them up).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.cli import FAST, run_cli, start_cli
from tests.helpers.crawls import crawl_dir, crawl_site, read_manifest, read_records
from tests.helpers.servers import serving, url_of

NEWS = [*FAST, "-s", "RECHECK_DAYS=3650"]  # every article counts as recent: rechecked next time


def _crawl_news(server, out: Path, *extra: str) -> subprocess.Popen[str]:
    return start_cli("crawl", "news", "--url", server.url, "--out", str(out), *NEWS, *extra,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _folder(server) -> str:
    return f"127.0.0.1_{server.port}"


def test_crawls_of_two_sites_run_at_once_into_one_output(tmp_path):
    out = tmp_path / "out"
    with start_server(FixtureSite(articles=8, seed=3, latency=0.02)) as a, \
            start_server(FixtureSite(articles=8, seed=4, latency=0.02)) as b:
        first, second = _crawl_news(a, out), _crawl_news(b, out)
        results = [(p.wait(timeout=240), *p.communicate()) for p in (first, second)]
        for code, stdout, stderr in results:
            assert code == 0, stdout + stderr[-3000:]
            assert "another crawl is running" not in stderr
        hosts_a = {path.split("?")[0] for _, path, _ in a.requests}
    assert sorted(p.name for p in out.iterdir()) == sorted([_folder(a), _folder(b)])
    for server in (a, b):
        site = out / _folder(server)
        assert (site / "state.sqlite").is_file()
        records = read_records(crawl_dir(out, site.name))
        assert records and {r["site"] for r in records} == {server.url.rstrip("/")}
        assert all(r["url"].startswith(server.url) for r in records)
        manifest = read_manifest(crawl_dir(out, site.name))
        assert manifest["site"] == site.name
        assert manifest["spider_args"]["site_origin"] == server.url.rstrip("/")
    assert hosts_a  # site A was crawled, by its own crawl only


def test_a_sites_crawl_never_requests_another_sites_urls(tmp_path):
    """The second crawl is its site's first: a full crawl, judged against no other site's state,
    and none of the recent articles of the site crawled before (on another port of the same
    host) is rechecked."""
    out = tmp_path / "out"
    with start_server(FixtureSite(articles=8, seed=3)) as a, \
            start_server(FixtureSite(articles=8, seed=4)) as b:
        assert run_cli("crawl", "news", "--url", a.url, "--out", str(out), *NEWS).returncode == 0
        a.clear_requests()
        result = run_cli("crawl", "news", "--url", b.url, "--out", str(out), *NEWS)
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert a.requests == []  # not one request to the other site
    manifest = read_manifest(crawl_dir(out, _folder(b)))
    stats = manifest["stats"]
    assert stats["state/incremental"] is False  # its site's first crawl: a full one
    assert not stats.get("incremental/rechecks_scheduled")
    assert not stats.get("scope/refused")


# --- the scope gate: sitemap entries and redirects to another port are never sent -----------
class _Recorder(BaseHTTPRequestHandler):
    """A site on another port of the same host: records every request it gets."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body>elsewhere</body></html>")

    def log_message(self, *args: object) -> None:
        pass


ARTICLE = ("<html lang=en><head><title>Rain in the city</title>"
           "<meta property='og:type' content='article'>"
           "<meta property='article:published_time' content='2026-01-02T10:00:00+00:00'></head>"
           "<body><article><h1>Rain in the city</h1>"
           + "".join(f"<p>Paragraph {n} of a long enough article about the weather, which goes "
                     f"on for a while so that it reads as an article.</p>" for n in range(8))
           + "<img src='{other}/photo.jpg'></article></body></html>")


class _Site(BaseHTTPRequestHandler):
    """The crawl's site: its sitemap lists a URL on the other port, ``/go`` redirects there."""

    other = ""

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        pages = {
            "/robots.txt": ("text/plain",
                            f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n"),
            "/sitemap.xml": ("application/xml",
                             "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/"
                             f"schemas/sitemap/0.9'><url><loc>{base}/news/rain.html</loc></url>"
                             f"<url><loc>{self.other}/news/elsewhere.html</loc></url></urlset>"),
            "/": ("text/html", "<html><body><a href='/news/rain.html'>rain</a>"
                               "<a href='/go'>more</a></body></html>"),
            "/news/rain.html": ("text/html", ARTICLE.replace("{other}", self.other)),
        }
        if self.path == "/go":
            self.send_response(302)
            self.send_header("Location", f"{self.other}/redirected.html")
            self.end_headers()
            return
        ctype, body = pages.get(self.path, ("text/html", ""))
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", ctype)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def two_ports() -> Iterator[tuple[str, str]]:
    with serving(_Recorder) as other:
        handler = type("SiteHandler", (_Site,), {"other": url_of(other)})
        with serving(handler) as site:
            _Recorder.hits = []
            yield f"{url_of(site)}/", url_of(other)


def test_out_of_scope_requests_are_counted_listed_and_never_sent(two_ports, tmp_path):
    site_url, other_url = two_ports
    out = tmp_path / "out"
    result = crawl_site(site_url, out, "-s", "MONITOR_MIN_ARTICLES=0", spider="news")
    assert _Recorder.hits == []  # neither the sitemap entry, the redirect nor the image
    crawl = crawl_dir(out)
    stats = read_manifest(crawl)["stats"]
    assert stats["scope/refused"] == 2
    refused = json.loads((crawl / "report.json").read_text())["observations"]["out_of_scope"]
    assert refused["total"] == 2
    assert refused["origins"] == {other_url.split("//")[1]: 2}
    via = {e["url"]: e["via"] for e in refused["entries"]}
    assert via == {f"{other_url}/news/elsewhere.html": f"link on {site_url}sitemap.xml",
                   f"{other_url}/redirected.html": f"redirect from {site_url}go"}
    assert "Out of scope (not sent)" in (crawl / "report.html").read_text()
    assert "out of the crawl's scope" in result.stderr
