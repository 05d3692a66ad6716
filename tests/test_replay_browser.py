"""A fixture article replayed through real pywb in headless Chromium: every requisite comes from
the archive with 200, nothing reaches the live site, and a screenshot is saved.

Set ``REPLAY_SCREENSHOT=/path/shot.png`` to keep the screenshot (otherwise it is in tmp_path).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from crawler.reader import open_crawl
from crawler.replay import pywb as replay
from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.chromium import CHROMIUM, chromium
from tests.helpers.crawls import crawl_dir, crawl_site, read_records
from tests.helpers.net import free_port
from tests.helpers.pngdiff import aligned_row_share
from tests.helpers.requisites import requisites_of
from tests.helpers.wayback import wait_for_wayback

pytestmark = [pytest.mark.pywb,
              pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (./run.sh setup)")]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A crawl of a 3-article site, and pywb serving it while the live site still runs."""
    out = tmp_path_factory.mktemp("browser")
    with start_server(FixtureSite(articles=3, seed=5)) as server:
        crawl_site(server.url, out)
        crawl = crawl_dir(out)
        work = out / "work"
        replay.build_collection(crawl, work)
        port = free_port()
        log_path = out / "pywb.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(replay.wayback_bin()), "-p", str(port), "-b", "127.0.0.1", "-d", str(work)],
                cwd=work, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        base = f"http://127.0.0.1:{port}/crawl"
        try:
            wait_for_wayback(proc, base + "/")
            yield {"crawl": crawl, "base": base, "server": server, "proc": proc,
                   "log": log_path, "out": out}
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


def test_article_replays_from_the_archive_only(replayed: dict[str, Any]) -> None:
    crawl, server = replayed["crawl"], replayed["server"]
    record = next(r for r in read_records(crawl) if r["image"])
    page = open_crawl(crawl).raw_response(record).body.decode(record["extraction"]["charset"])
    target = record["warc"]["target_uri"]
    needed = requisites_of(page, target)
    assert len(needed) >= 4  # stylesheet, script, logo, article photo
    ts = "".join(ch for ch in record["warc"]["date"] if ch.isdigit())[:14]
    url = f"{replayed['base']}/{ts}mp_/{target}"
    server.clear_requests()

    dom = chromium(replayed["out"] / "profile", "--virtual-time-budget=2000", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert html.escape(record["title"], quote=False) in dom.stdout
    shot = replayed["out"] / "replay.png"
    snap = chromium(replayed["out"] / "profile", "--window-size=1280,1600",
                    "--virtual-time-budget=2000", f"--screenshot={shot}", url)
    assert snap.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank frame
    if os.environ.get("REPLAY_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["REPLAY_SCREENSHOT"])

    live = server.requests
    # The same page rendered live, for comparison (after the escape check's snapshot above).
    live_shot = replayed["out"] / "live.png"
    live_snap = chromium(replayed["out"] / "profile", "--window-size=1280,1600",
                         "--virtual-time-budget=2000", f"--screenshot={live_shot}", target)
    assert live_snap.returncode == 0
    shift, share = aligned_row_share(shot, live_shot)  # pywb's banner pushes the page down
    if os.environ.get("REPLAY_SCREENSHOT"):
        shutil.copyfile(live_shot, os.environ["REPLAY_SCREENSHOT"] + ".live.png")
    # below the shift, only the fixed cookie bar (bottom of the viewport) may differ
    assert share > 0.8, f"replay unlike the live page: {share:.1%} rows alike (shift {shift})"
    replayed["proc"].terminate()
    replayed["proc"].wait(timeout=30)
    assert live == [], f"replay escaped to the live site: {live[:5]}"
    served = re.findall(r'"GET /crawl/\d{14}(?:[a-z]{2}_)?/(\S+) HTTP/1\.[01]" (\d{3})',
                        replayed["log"].read_text(errors="replace"))
    status = {}
    for served_url, code in served:
        status.setdefault(served_url, set()).add(code)
    for requisite in needed:
        assert status.get(requisite) == {"200"}, (requisite, status.get(requisite))
