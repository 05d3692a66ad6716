"""scrapyd end to end: a real scrapyd on loopback, the project deployed with scrapyd-deploy
(``deploy/scrapyd_deploy.py``), a crawl of the fixture site scheduled, run and checked."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.cli import ROOT
from tests.helpers.crawls import crawl_dir, read_manifest, read_records
from tests.helpers.net import free_port

pytest.importorskip("scrapyd")
pytest.importorskip("scrapyd_client")


def _api(base: str, path: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + path, data=body, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    """A scrapyd on a free loopback port, with its own folders; yields its base URL."""
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\nitems_dir =\npoll_interval = 0.2\nmax_proc = 1\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # code comes from the egg
    proc = subprocess.Popen([str(Path(sys.executable).parent / "scrapyd")], cwd=home, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base, home
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_deploy_schedule_and_crawl(scrapyd, tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    base, home = scrapyd
    deploy = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "scrapyd_deploy.py"), "--url", base,
         "--project", "newscrawler", "--version", "t1"],
        capture_output=True, text=True, timeout=180)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert not (ROOT / "setup.py").exists()  # built in a temporary copy, tree left clean
    assert _api(base, "listprojects.json")["projects"] == ["newscrawler"]
    spiders = _api(base, "listspiders.json?project=newscrawler")["spiders"]
    assert {"vsedelo", "news"} <= set(spiders)

    out = tmp_path / "out"
    site = FixtureSite(articles=8, seed=4)
    with start_server(site) as server:
        job = _api(base, "schedule.json", [
            ("project", "newscrawler"), ("spider", "vsedelo"), ("url", server.url),
            ("setting", f"OUTPUT_URI={out}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "EXTRACTION_WORKERS=2"), ("setting", "LOGSTATS_INTERVAL=0"),
        ])["jobid"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            jobs = _api(base, "listjobs.json?project=newscrawler")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"scrapyd job did not finish: {jobs}")
        expected = set(site.article_urls(server.url.rstrip("/")))

    log = next((home / "logs" / "newscrawler" / "vsedelo").glob(f"{job}.log")).read_text()
    crawl = crawl_dir(out)
    manifest = read_manifest(crawl)
    assert manifest["finish_reason"] == "finished", log[-3000:]
    assert {r["canonical_url"] for r in read_records(crawl)} == expected
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"warc", "index", "articles"} <= kinds
    assert list((home / "eggs" / "newscrawler").glob("t1*.egg"))  # the deployed egg, stored
