"""Nothing outlives the crawler: page workers, their forkserver, multiprocessing's resource
tracker, the Playwright driver and Chromium of a render, and the pywb that ``crawler replay``
starts all end within seconds of a real SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from fixture_site import FixtureSite
from fixture_site.jsapp import JsAppSite, serve_jsapp
from fixture_site.server import start_server
from tests.helpers.chromium import CHROMIUM
from tests.helpers.cli import FAST, start_cli
from tests.helpers.crawls import tiny_crawl
from tests.helpers.net import free_port

GRACE = 10.0  # seconds the helpers get to notice their parent is gone


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids of every live process (from /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rpartition(")")[2].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """True for a process that exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _kill_and_watch(proc: subprocess.Popen, helpers: set[int]) -> set[int]:
    """SIGKILL ``proc`` alone; the helpers still alive after :data:`GRACE` seconds."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline and any(alive(p) for p in helpers):
        time.sleep(0.1)
    return {p for p in helpers if alive(p)}


def _cleanup(proc: subprocess.Popen, helpers: set[int]) -> None:
    for pid in helpers | {proc.pid}:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "?"


def test_killed_crawl_leaves_no_process_behind(tmp_path):
    site = FixtureSite(articles=300, seed=5, latency=0.05)
    with start_server(site) as server:
        proc = start_cli("crawl", "vsedelo", "--url", server.url, "--out", str(tmp_path / "out"),
                         *FAST, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        helpers: set[int] = set()
        try:
            deadline = time.monotonic() + 120
            # the resource tracker, the forkserver and the two page workers
            while time.monotonic() < deadline and len(helpers) < 4 and proc.poll() is None:
                helpers = descendants(proc.pid)
                time.sleep(0.2)
            assert len(helpers) >= 4, f"expected page workers under the crawler: {helpers}"
            kinds = " ".join(_cmdline(p) for p in helpers)
            assert "forkserver" in kinds and "resource_tracker" in kinds, kinds
            left = _kill_and_watch(proc, helpers)
            assert not left, f"still running {GRACE:.0f} s after SIGKILL: " + "; ".join(
                f"{p}: {_cmdline(p)[:120]}" for p in left)
        finally:
            _cleanup(proc, helpers)


@pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (./run.sh setup)")
def test_killed_crawl_mid_render_leaves_no_browser_behind(tmp_path):
    site = JsAppSite(app=40, printed=2, latency=0.2)
    with serve_jsapp(site) as running:
        proc = start_cli("crawl", "news", "--url", running.url, "--out", str(tmp_path / "out"),
                         "--render", "always", *FAST, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        helpers: set[int] = set()
        try:
            deadline = time.monotonic() + 120
            # the Playwright driver, Chromium and its renderers, besides the page workers
            while time.monotonic() < deadline and proc.poll() is None:
                helpers = descendants(proc.pid)
                kinds = [_cmdline(p) for p in helpers]
                if any("--type=renderer" in k for k in kinds) and \
                        any("run-driver" in k for k in kinds):
                    break
                time.sleep(0.2)
            kinds = [_cmdline(p) for p in helpers]
            assert any("run-driver" in k for k in kinds), kinds
            assert sum("chromium" in k for k in kinds) >= 3, kinds
            time.sleep(1.0)  # mid-render: pages open, requests in flight
            helpers = descendants(proc.pid)
            left = _kill_and_watch(proc, helpers)
            assert not left, f"still running {GRACE:.0f} s after SIGKILL: " + "; ".join(
                f"{p}: {_cmdline(p)[:120]}" for p in left)
        finally:
            _cleanup(proc, helpers)


@pytest.mark.pywb
def test_killed_replay_takes_pywb_with_it(tmp_path):
    crawl = tmp_path / "site" / "20260101T000000Z-abcd"
    tiny_crawl(crawl)
    port = free_port()
    proc = start_cli("replay", str(crawl), "--port", str(port), cwd=tmp_path,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except OSError:
                assert proc.poll() is None, "crawler replay exited"
                time.sleep(0.3)
        helpers = descendants(proc.pid)
        assert any("wayback" in _cmdline(p) for p in helpers), helpers
        left = _kill_and_watch(proc, helpers)
        assert not left, [_cmdline(p) for p in left]
    finally:
        _cleanup(proc, helpers)
