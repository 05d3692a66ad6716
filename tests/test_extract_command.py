"""``crawler extract URL|FILE``: one page, the crawl's way, printed as its article record.

Only loopback: the fixture site (``fixture_site``) and the unseen sites with their simulated
clocks (``fixture_site.unseen``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.record import validate_record
from crawler.settings import USER_AGENT
from tests.helpers.cli import run_cli
from tests.helpers.crawls import crawl_dir, crawl_site, read_records
from tests.helpers.servers import serving, url_of

CONTENT = ("title", "text", "text_sha256", "authors", "published", "published_source",
           "published_offset_source", "modified", "language", "categories", "tags", "image",
           "translations", "canonical_url", "url", "site", "description", "paragraphs")


@pytest.fixture(scope="module")
def crawled(small_site, tmp_path_factory):
    """The fixture site crawled once with the vsedelo profile: its records by URL."""
    _, server = small_site
    out = tmp_path_factory.mktemp("extract") / "out"
    crawl_site(server.url, out)
    return {r["url"]: r for r in read_records(crawl_dir(out))}


def _extract(*args: str, cwd: Path | None = None):
    return run_cli("extract", *args, cwd=cwd, timeout=120)


def test_url_gives_the_record_the_crawl_wrote(crawled, small_site):
    _, server = small_site
    urls = sorted(crawled)[:3]
    for url in urls:
        result = _extract(url, "--profile", "vsedelo")
        assert result.returncode == 0, result.stderr
        record = json.loads(result.stdout)
        validate_record(record)
        assert record["warc"] is None and record["crawl_id"] is None
        expected = crawled[url]
        assert {k: record[k] for k in CONTENT} == {k: expected[k] for k in CONTENT}, url
    compact = _extract(urls[0], "--profile", "vsedelo", "--compact")
    assert len(compact.stdout.strip().splitlines()) == 1


def test_file_with_or_without_its_url(crawled, small_site, tmp_path):
    url = sorted(crawled)[0]
    with urllib.request.urlopen(url, timeout=10) as resp:
        (tmp_path / "page.html").write_bytes(resp.read())
    given = _extract(str(tmp_path / "page.html"), "--url", url, "--profile", "vsedelo",
                     "--out", str(tmp_path / "r.json"))
    assert given.returncode == 0 and given.stdout == "", given.stderr
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["title"] == crawled[url]["title"] and record["text"] == crawled[url]["text"]
    # without --url the page's canonical link says where it is from
    canonical = _extract(str(tmp_path / "page.html"), "--profile", "vsedelo")
    assert canonical.returncode == 0, canonical.stderr
    assert json.loads(canonical.stdout)["url"] == crawled[url]["canonical_url"]


def test_relative_dates_count_from_the_servers_clock():
    """The unseen sites' clocks are months away from now: "3 години тому" must be read
    against the response's Date header, not against when we parse it."""
    from fixture_site.unseen import serve_unseen_sites

    checked = 0
    with serve_unseen_sites(only=("wp",)) as (running,):
        for story, gold in zip(running.site.stories, running.site.gold(), strict=True):
            if story.mode != "relative" or not gold.published or len(gold.published) <= 10:
                continue
            with urllib.request.urlopen(gold.url, timeout=10) as resp:
                server_now = parsedate_to_datetime(resp.headers["Date"])
            result = _extract(gold.url)
            assert result.returncode == 0, result.stderr
            record = json.loads(result.stdout)
            published = dt.datetime.fromisoformat(record["published"])
            truth = dt.datetime.fromisoformat(gold.published)
            assert abs(published - truth) <= dt.timedelta(hours=1), (gold.url, record)
            assert abs(server_now - dt.datetime.now(dt.UTC)) > dt.timedelta(days=30)
            checked += 1
            if checked == 3:
                break
    assert checked


class _Recorder(BaseHTTPRequestHandler):
    """A tiny site: robots.txt forbids /private/, one article page; every request recorded."""

    seen: list[tuple[str, str]] = []
    page = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Recorder.seen.append((self.path, self.headers.get("User-Agent", "")))
        if self.path == "/robots.txt":
            body, ctype, status = b"User-agent: *\nDisallow: /private/\n", "text/plain", 200
        elif self.path in ("/news/a.html", "/private/a.html"):
            body, ctype, status = _Recorder.page, "text/html; charset=utf-8", 200
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/private/a.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        else:
            body, ctype, status = b"gone", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder(crawled):
    url = sorted(crawled)[0]
    with urllib.request.urlopen(url, timeout=10) as resp:
        _Recorder.page = resp.read()
    _Recorder.seen = []
    with serving(_Recorder) as server:
        yield url_of(server)


def test_fetched_politely_once(recorder):
    result = _extract(f"{recorder}/news/a.html")
    assert result.returncode == 0, result.stderr
    assert [path for path, _ in _Recorder.seen] == ["/robots.txt", "/news/a.html"]
    assert {agent for _, agent in _Recorder.seen} == {USER_AGENT}
    _Recorder.seen = []
    forbidden = _extract(f"{recorder}/private/a.html")
    assert forbidden.returncode == 2 and "robots.txt" in forbidden.stderr
    moved = _extract(f"{recorder}/moved")  # a redirect into the forbidden part
    assert moved.returncode == 2 and "does not allow" in moved.stderr
    assert "/private/a.html" not in [path for path, _ in _Recorder.seen]


@pytest.mark.parametrize(("args", "code", "wanted"), [
    (["{site}nope.html"], 2, "answered HTTP 404"),
    (["http://127.0.0.1:9/x.html"], 2, "cannot fetch http://127.0.0.1:9/x.html"),
    (["{site}", "--profile", "nope"], 2, "no profile named 'nope'; available: generic, vsedelo"),
    (["{site}", "--url", "http://127.0.0.1:9/"], 2, "--url is for a FILE"),
    (["missing.html"], 2, "cannot read missing.html"),
    (["{site}robots.txt"], 2, "is not an HTML page (text/plain)"),
    (["{site}"], 1, "is not an article page"),
    (["{site}", "--timeout", "0"], 2, "--timeout must be more than 0"),
])
def test_bad_input_is_one_line(args, code, wanted, small_site, tmp_path):
    _, server = small_site
    result = _extract(*[a.replace("{site}", server.url) for a in args], cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert wanted in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_file_without_a_canonical_link_needs_url(tmp_path):
    (tmp_path / "p.html").write_text("<html><body><h1>T</h1><p>text</p></body></html>")
    result = _extract(str(tmp_path / "p.html"), cwd=tmp_path)
    assert result.returncode == 2 and "pass --url URL" in result.stderr
    assert re.search(r"names no canonical URL", result.stderr)
