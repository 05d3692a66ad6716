"""Scratch files of a crawl killed with SIGKILL are removed by the next crawl, never those of a
crawl still running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler.crawl.scratch import ScratchLock, sweep
from tests.helpers.cli import FAST, ROOT, start_cli
from tests.helpers.crawls import crawl_site

HOLD = "import sys, time; from crawler.crawl.scratch import ScratchLock; " \
       "ScratchLock(sys.argv[1]); print('locked', flush=True); time.sleep(60)"


def _age(path: Path, seconds: float = 120) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _holder(path: Path) -> subprocess.Popen[str]:
    """Another process holding the scratch lock on ``path``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_sweep_spares_paths_a_live_process_holds_and_young_ones(tmp_path):
    held, dead, young = tmp_path / "crawler-spool-held", tmp_path / "crawler-spool-dead", \
        tmp_path / "crawler-spool-young"
    for folder in (held, dead, young):
        folder.mkdir()
        (folder / "queue").write_bytes(b"x")
    holder = _holder(held)
    try:
        _age(held), _age(dead)
        assert sweep("crawler-spool-*", tmp_path) == [dead]
        assert held.exists() and young.exists() and not dead.exists()
    finally:
        holder.kill()
        holder.wait()
    assert sweep("crawler-spool-*", tmp_path) == [held]  # its owner is gone now


def test_a_lock_is_exclusive_until_released(tmp_path):
    path = tmp_path / "crawler-digests-x.sqlite"
    path.write_bytes(b"")
    lock = ScratchLock(path)
    try:
        ScratchLock(path)
        raise AssertionError("a second lock was granted")
    except OSError:
        pass
    lock.release()
    ScratchLock(path).release()


def test_the_next_crawl_removes_what_a_killed_crawl_left(tmp_path):
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    settings = ["-s", f"SCHEDULER_SPOOL_DIR={scratch}", "-s", f"WARC_DEDUP_DIR={scratch}"]
    with start_server(FixtureSite(articles=40, seed=5)) as server:
        args = ["crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path / "a"), *FAST,
                *settings, "-s", "DOWNLOAD_DELAY=0.5", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        proc = start_cli(*args, start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                left = sorted(p.name.split("-")[1] for p in scratch.iterdir())
                if left == ["digests", "spool"]:
                    break
                time.sleep(0.2)
            time.sleep(1)  # a few pages in
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        left = sorted(scratch.iterdir())
        assert [p.name.split("-")[1] for p in left] == ["digests", "spool"]
        for path in left:
            _age(path)
        result = crawl_site(server.url, tmp_path / "b", *settings, "--max-items", "2")
    removed = "Removed 1 scratch path(s) left by crawls that were killed: "
    for path in left:
        assert removed + path.name in result.stderr
    assert list(scratch.iterdir()) == []  # theirs swept, its own removed at its close
