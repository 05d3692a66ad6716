"""A seed list crawled in one run, through the real CLI, against real servers on loopback: each
site in its own folder as when crawled alone, politeness per site, dead sites given up with
their reason while the rest go on, per-site budgets, one run manifest and report, the exit
code, and a site's state shared by runs and lone crawls."""

from __future__ import annotations

import json
import os
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.helpers.cli import FAST, run_cli
from tests.helpers.crawls import read_manifest, read_records, site_folder
from tests.helpers.servers import serving, url_of

RUN_FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "EXTRACTION_WORKERS=1", "-s", "LOGSTATS_INTERVAL=0",
            "-s", "SITE_FACTS_HOLD_SECONDS=5"]


def _run_folder(out: Path) -> Path:
    (folder,) = (out / "_runs").iterdir()
    return folder


def _run_document(out: Path) -> dict:
    return json.loads((_run_folder(out) / "run.json").read_text())


def _shards_alive(folder: Path) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(folder) in cmdline:
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def world_run(tmp_path_factory):
    """Five sites in five zones on 127.0.0.2-6 (one answers 300 ms late) and a dead host,
    crawled in one run by two processes."""
    from dataclasses import replace

    from fixture_site.unseen.world import DEAD_HOST, WORLD, serve_world

    tmp = tmp_path_factory.mktemp("world")
    out = tmp / "out"
    # the slow site answers 0.8 s late (the judged one 0.3 s): slower than the others even on a
    # loaded machine
    places = tuple(replace(p, latency=0.8) if p.latency else p for p in WORLD)
    with serve_world(scale=0.5, places=places) as sites:
        dead = f"http://{DEAD_HOST}:{sites[0].port}/"
        seeds = tmp / "seeds.txt"
        seeds.write_text("# five live sites, one dead\n" + "\n".join(s.url for s in sites)
                         + f"\n{dead}\n{sites[0].url}news/\n")
        started = time.monotonic()
        result = run_cli("crawl", "news", "--seeds", str(seeds), "--out", str(out), *RUN_FAST,
                         "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4", "--processes", "2",
                         timeout=300)
        seconds = time.monotonic() - started
        most = {s.url: s.max_active for s in sites}
        yield {"result": result, "out": out, "sites": sites, "dead": dead, "most": most,
               "seconds": seconds}


def test_run_exits_1_and_names_the_dead_host(world_run) -> None:
    result, dead = world_run["result"], world_run["dead"]
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    dead_key = site_folder(dead, "news")
    summary = result.stdout
    assert f"FAILED sites: {dead_key}" in summary
    assert "unreachable: connection refused" in summary
    assert "5 complete, 0 stopped by budget, 1 failed" in summary
    assert "duplicate line merged" in result.stdout + result.stderr


def test_each_site_in_its_own_folder_with_only_its_own_records(world_run) -> None:
    out = world_run["out"]
    document = _run_document(out)
    assert document["totals"]["sites"] == 6
    for running in world_run["sites"]:
        key = site_folder(running.url, "news")
        entry = next(s for s in document["sites"] if s["site"] == key)
        assert entry["status"] == "complete", entry
        crawl = out / entry["crawl"]
        manifest = read_manifest(crawl)
        assert manifest["crawl_id"] == entry["crawl_id"]
        records = read_records(crawl)
        assert len(records) == entry["articles"] > 0
        host = urlsplit(running.url).netloc
        assert {urlsplit(r["url"]).netloc for r in records} == {host}
        assert (crawl / "report.html").is_file()
        # the zone each site prints its times in was learned from its own pages
        assert entry["zone"] == running.site.spec.zone.name, entry


def test_no_site_sees_more_than_its_concurrency(world_run) -> None:
    assert all(1 <= most <= 4 for most in world_run["most"].values()), world_run["most"]


def test_run_manifest_and_report_list_every_site(world_run) -> None:
    out = world_run["out"]
    folder = _run_folder(out)
    document = _run_document(out)
    assert document["schema"] == "newscrawler.run/1"
    assert [s["site"] for s in document["sites"]][:5] == [
        site_folder(s.url, "news") for s in world_run["sites"]]
    assert document["failed_sites"] == [site_folder(world_run["dead"], "news")]
    html = (folder / "report.html").read_text()
    assert html.index(document["failed_sites"][0]) < html.index(document["sites"][0]["site"])
    assert all(s["crawl"] in html for s in document["sites"] if s["crawl"])
    assert not _shards_alive(folder), "a crawler process outlived the run"


def test_slow_site_does_not_hold_back_the_others(world_run) -> None:
    document = _run_document(world_run["out"])
    by_host = {s["url"]: s for s in document["sites"]}
    slow = next(r for r in world_run["sites"] if r.url.startswith("http://127.0.0.6"))
    fast = [by_host[r.url]["seconds"] for r in world_run["sites"] if r is not slow]
    assert max(fast) < by_host[slow.url]["seconds"], document["sites"]
    assert world_run["seconds"] < sum(s["seconds"] for s in document["sites"])


class RobotsDown(BaseHTTPRequestHandler):
    """robots.txt answers 503, everything else a page: the site must not be crawled."""

    def do_GET(self) -> None:
        code = 503 if self.path == "/robots.txt" else 200
        body = b"<html><body><a href='/a.html'>a</a></body></html>"
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class ServerErrors(BaseHTTPRequestHandler):
    """A storm of 500s: an empty robots.txt and a home page linking 80 pages, each an error."""

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            code, body = 200, b""
        elif self.path == "/":
            code, body = 200, "".join(f"<a href='/p{i}'>x</a>" for i in range(80)).encode()
        else:
            code, body = 500, b"<html>error</html>"
        self.send_response(code)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_budgets_and_dead_sites_in_one_process(tmp_path: Path) -> None:
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path / "out"
    with (start_server(FixtureSite(articles=15, seed=3)) as small,
          start_server(FixtureSite(articles=15, seed=4)) as paged,
          serving(RobotsDown) as robots_down, serving(ServerErrors) as errors):
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"{small.url} profile=vsedelo max_articles=4\n"
                         f"{paged.url} profile=vsedelo max_pages=12\n"
                         f"{url_of(robots_down)}/\n{url_of(errors)}/\n")
        result = run_cli("crawl", "news", "--seeds", str(seeds), "--out", str(out), *RUN_FAST,
                         "-s", "RETRY_TIMES=1", "--processes", "1", timeout=240)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    sites = {s["url"]: s for s in _run_document(out)["sites"]}
    assert sites[small.url]["status"] == "stopped"
    assert sites[small.url]["reason"] == "max articles (4)" and sites[small.url]["articles"] == 4
    assert sites[paged.url]["status"] == "stopped"
    assert sites[paged.url]["reason"] == "max pages (12)"
    down = sites[url_of(robots_down) + "/"]
    assert down["status"] == "failed" and "robots.txt answered HTTP 503" in down["reason"]
    assert down["articles"] == 0
    storm = sites[url_of(errors) + "/"]
    assert storm["status"] == "failed" and "server errors in a row" in storm["reason"], storm
    assert 30 <= storm["pages"] < 70
    assert result.stderr.count("giving up on") == 2


def test_state_is_shared_by_runs_and_lone_crawls(tmp_path: Path) -> None:
    """A site crawled alone, then in a run, then alone again: one state, incremental each time."""
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    out = tmp_path / "out"
    with (start_server(FixtureSite(articles=10, seed=5)) as one,
          start_server(FixtureSite(articles=10, seed=6)) as two):
        first = run_cli("crawl", "vsedelo", "--url", one.url, "--out", str(out), *FAST)
        assert first.returncode == 0, first.stderr[-3000:]
        seeds = tmp_path / "seeds.txt"
        seeds.write_text(f"{one.url}\n{two.url}\n")
        one.clear_requests()
        run = run_cli("crawl", "vsedelo", "--seeds", str(seeds), "--out", str(out), *RUN_FAST,
                      "-s", "MONITOR_MIN_ARTICLES=0", "--processes", "1")
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
        again = {s["site"]: s for s in _run_document(out)["sites"]}
        key_one, key_two = site_folder(one.url), site_folder(two.url)
        assert again[key_one]["articles"] == 0  # nothing new: known and unchanged
        assert again[key_two]["articles"] == 20  # a new site: all of it
        assert any(status == 304 for _m, _p, status in one.requests)
        two.clear_requests()
        last = run_cli("crawl", "vsedelo", "--url", two.url, "--out", str(out), *FAST,
                       "-s", "MONITOR_MIN_ARTICLES=0")
        assert last.returncode == 0, last.stderr[-3000:]
        assert "articles written: 0" in last.stdout
        assert any(status == 304 for _m, _p, status in two.requests)
    assert sorted(p.name for p in out.iterdir()) == sorted(["_runs", key_one, key_two])
    assert len(list((out / key_one).glob("2*"))) == 2 and os.path.exists(out / key_one)
