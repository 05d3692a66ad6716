"""Rendering stays bounded and within the crawl's rules: a page that hangs is given up and kept
as far as it got, contexts are recycled and the browser restarted above its memory cap, the
browser's requests pass the scope gate, ``--render never`` costs nothing, bad settings exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from fixture_site import FixtureSite
from fixture_site.jsapp import JsAppSite, serve_jsapp
from fixture_site.server import start_server
from tests.helpers.chromium import CHROMIUM
from tests.helpers.cli import FAST, ROOT, cli_env, run_cli
from tests.helpers.crawls import crawl_dir, crawl_site, read_manifest, read_records
from tests.helpers.servers import serving, url_of

needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed")


def _conversions(folder: Path) -> list[dict[str, str]]:
    out = []
    for path in (folder / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            out += [dict(r.rec_headers.headers) for r in ArchiveIterator(fh)
                    if r.rec_type == "conversion"]
    return out


@needs_chromium
def test_a_hanging_page_is_given_up_and_kept_as_far_as_it_got(tmp_path: Path) -> None:
    site = JsAppSite(app=4, printed=1, hang=("/api/articles/1001",))
    with serve_jsapp(site) as running:
        crawl_site(running.url, tmp_path, "-s", "RENDER_TIMEOUT=4", "-s", "DOWNLOAD_TIMEOUT=6",
                   "-s", "RETRY_TIMES=0", spider="news", timeout=180)
    folder = crawl_dir(tmp_path)
    stats = read_manifest(folder)["stats"]
    assert stats["render/incomplete"] == 1
    hung = [c for c in _conversions(folder) if c["WARC-Target-URI"].endswith(
        site.by_id[1001].path)]
    assert len(hung) == 1 and hung[0]["WARC-Render-Complete"] == "false"
    written = {r["url"] for r in read_records(folder)}
    assert {running.url.rstrip("/") + site.by_id[i].path for i in (1000, 1002, 1003)} <= written


@needs_chromium
def test_the_browser_is_restarted_above_its_memory_cap(tmp_path: Path) -> None:
    site = JsAppSite(app=3, printed=2)
    with serve_jsapp(site) as running:
        crawl_site(running.url, tmp_path, "-s", "RENDER_BROWSER_MAX_MB=1",
                   "-s", "RENDER_CONCURRENCY=1", spider="news", timeout=240)
        truth = {t["url"] for t in running.truth()}
    folder = crawl_dir(tmp_path)
    stats = read_manifest(folder)["stats"]
    assert stats["render/pages"] == 4
    # over 1 MB after every page: closed, and a new browser for each next page
    assert stats["render/browser_restarts/memory"] == 4
    assert stats["render/browser_launches"] == 4
    assert stats["render/browser_peak_mb"] > 1
    assert {r["url"] for r in read_records(folder)} == truth


@needs_chromium
def test_contexts_are_recycled_after_their_pages(tmp_path: Path) -> None:
    with serve_jsapp(JsAppSite(app=5, printed=2)) as running:
        crawl_site(running.url, tmp_path, "-s", "RENDER_CONTEXT_PAGES=2", spider="news",
                   timeout=240)
    stats = read_manifest(crawl_dir(tmp_path))["stats"]
    assert stats["render/pages"] == 6 and stats["render/contexts"] == 3
    assert stats["render/browser_launches"] == 1


class _Tracker(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Tracker.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@needs_chromium
def test_the_browser_cannot_reach_past_the_scope_gate(tmp_path: Path) -> None:
    _Tracker.hits = []
    with serving(_Tracker) as tracker:
        tag = (f'<script async src="{url_of(tracker)}/tag.js"></script>'
               f'<link rel="preconnect" href="{url_of(tracker)}">')
        with serve_jsapp(JsAppSite(app=3, printed=0, extra_head=tag)) as running:
            crawl_site(running.url, tmp_path, spider="news", timeout=180)
    stats = read_manifest(crawl_dir(tmp_path))["stats"]
    assert _Tracker.hits == []
    assert stats["render/aborted/refused"] == 4  # one tag per rendered page
    assert stats["scope/refused"] >= 4
    assert len(read_records(crawl_dir(tmp_path))) == 3


_LOADED = ("import sys; from crawler.__main__ import main; code = main(sys.argv[1:]); "
           "print(json.dumps({'code': code, 'playwright': sorted(m for m in sys.modules "
           "if m.split('.')[0] == 'playwright')}))")


def _crawl_in_process(url: str, out: Path, *extra: str) -> dict:
    """A crawl in a process of its own that says which Playwright modules it loaded."""
    done = subprocess.run([sys.executable, "-c", "import json; " + _LOADED, "crawl", "news",
                           "--url", url, "--out", str(out), *FAST, *extra],
                          cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_render_never_imports_no_browser_and_auto_none_on_a_static_site(tmp_path: Path) -> None:
    with serve_jsapp(JsAppSite(app=3, printed=2)) as running:
        never = _crawl_in_process(running.url, tmp_path / "never", "--render", "never")
    assert never == {"code": 0, "playwright": []}
    folder = crawl_dir(tmp_path / "never")
    stats = read_manifest(folder)["stats"]
    assert not [k for k in stats if k.startswith("render/")]
    assert {r["rendered"] for r in read_records(folder)} == {False}  # the shells stay shells
    assert len(read_records(folder)) == 2
    with start_server(FixtureSite(articles=15, seed=4)) as server:
        auto = _crawl_in_process(server.url, tmp_path / "auto", "--render", "auto")
    assert auto == {"code": 0, "playwright": []}  # a static site never starts a browser
    stats = read_manifest(crawl_dir(tmp_path / "auto"))["stats"]
    assert stats["render/mode"] == "auto" and "render/pages" not in stats


@needs_chromium
def test_render_always_renders_static_pages_too(tmp_path: Path) -> None:
    with start_server(FixtureSite(articles=3, seed=4)) as server:
        crawl_site(server.url, tmp_path, "--render", "always", "--max-items", "2",
                   spider="news", timeout=240)
    folder = crawl_dir(tmp_path)
    records = read_records(folder)
    assert records and all(r["rendered"] and r["rendered_warc"]["reason"] == "always"
                           for r in records)
    assert read_manifest(folder)["stats"]["render/reason/always"] >= len(records)


@pytest.mark.parametrize("args, says", [
    (["-s", "RENDER_MODE=sometimes"], "RENDER_MODE must be auto, always or never"),
    (["-s", 'RENDER_ALWAYS=["(unclosed"]'], "RENDER_ALWAYS: '(unclosed' is not a regular"),
    (["-s", "RENDER_TIMEOUT=0"], "RENDER_TIMEOUT must be above 0"),
    (["--render", "always", "-s", "RENDER_BROWSER=/nonexistent/chromium"],
     "RENDER_BROWSER /nonexistent/chromium is not an executable browser"),
])
def test_bad_render_settings_are_usage_errors(tmp_path: Path, args: list[str], says: str) -> None:
    done = run_cli("crawl", "news", "--url", "http://127.0.0.1:9/", "--out", str(tmp_path / "o"),
                   *args)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


@needs_chromium
def test_a_browser_that_dies_is_started_again(tmp_path: Path) -> None:
    import os
    import signal
    import time

    from crawler.render import procs
    from tests.helpers.cli import start_cli

    with serve_jsapp(JsAppSite(app=12, printed=2, latency=0.1, sitemap=True)) as running:
        proc = start_cli("crawl", "news", "--url", running.url, "--out", str(tmp_path), *FAST,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and proc.poll() is None:
            rendered = sum(path.startswith("/api/articles/") for path, _ in running.requests)
            if rendered >= 3:  # a few pages rendered, more to come
                killed = next(pid for pid in procs.descendants(proc.pid)
                              if "--remote-debugging-pipe" in (line := procs.cmdline(pid))
                              and "--type=" not in line)
                os.kill(killed, signal.SIGKILL)  # the browser, as the OOM killer would
            time.sleep(0.1)
        _, err = proc.communicate(timeout=240)
        truth = {t["url"] for t in running.truth()}
    assert killed is not None and proc.returncode == 0, err[-3000:]
    folder = crawl_dir(tmp_path)
    stats = read_manifest(folder)["stats"]
    assert stats["render/browser_launches"] >= 2 and stats["render/retried"] >= 1
    # the pages open when it died were rendered again in the new browser
    assert {r["url"] for r in read_records(folder)} == truth
