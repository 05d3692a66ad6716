"""Two runs of the same crawl at once: the second stops with a clear message and exit code 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from crawler.crawl.lock import CrawlLock, CrawlLocked, held_here, lock_path
from tests.helpers.cli import FAST, ROOT, run_cli, run_scrapy
from tests.helpers.crawls import site_folder


def test_lock_is_exclusive_and_says_who_holds_it(tmp_path):
    path = lock_path(tmp_path / "vsedelo")
    with CrawlLock(path) as first:
        assert first.held and held_here(path)
        with pytest.raises(CrawlLocked, match=rf"pid {os.getpid()} on .*{path}"):
            CrawlLock(path).acquire()
    assert not held_here(path)
    CrawlLock(path).acquire().release()  # free again


def test_lock_of_a_killed_holder_is_free(tmp_path):
    path = lock_path(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from crawler.crawl.lock import CrawlLock; "
         f"CrawlLock({str(path)!r}).acquire(); print('held', flush=True); time.sleep(60)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CrawlLocked):
            CrawlLock(path).acquire()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    CrawlLock(path).acquire().release()  # the kernel dropped it with the process


def test_second_crawl_exits_2_without_writing(tmp_path, small_site):
    _, server = small_site
    out = tmp_path / "out"
    site = out / site_folder(server.url)
    with CrawlLock(lock_path(site)):  # "another crawl" of the site holds the lock
        result = run_cli("crawl", "vsedelo", "--url", server.url, "--out", str(out), *FAST)
        assert result.returncode == 2, result.stdout + result.stderr[-2000:]
        assert "another crawl is running" in result.stderr
        assert "Traceback" not in result.stderr
        assert [p.name for p in site.iterdir()] == [".crawl.lock"]

        # `scrapy crawl` (and scrapyd) go through the state extension: it refuses too
        plain = run_scrapy("crawl", "vsedelo", "-a", f"url={server.url}",
                           "-s", f"OUTPUT_URI={out}", *FAST, timeout=120)
        assert "another crawl is running" in plain.stderr
        assert [p.name for p in site.iterdir()] == [".crawl.lock"]
