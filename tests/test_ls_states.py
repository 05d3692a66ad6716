"""``crawler ls`` tells each crawl's state with its reason: complete, failed (monitors), stopped
(finish reason), in progress or abandoned (no manifest). Real crawls of three sites in one
output."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from fixture_site import FixtureSite
from fixture_site.server import start_server
from tests.helpers.cli import FAST, run_cli, start_cli
from tests.helpers.crawls import crawl_site


def _states(out: Path) -> dict[str, str]:
    """crawl id → STATUS column of ``crawler ls``."""
    result = run_cli("ls", str(out))
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    at = header.index("STATUS")
    return {row.split()[1]: row[at:] for row in rows}


def _start(server, out: Path, *extra: str) -> subprocess.Popen[str]:
    return start_cli("crawl", "vsedelo", "--url", server.url, "--out", str(out), *FAST, *extra,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_crawl(out: Path, server) -> Path:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = [p for p in out.glob(f"127.0.0.1_{server.port}/*/warc/*") if p.is_file()]
        if found:
            return found[0].parent.parent
        time.sleep(0.2)
    raise AssertionError("the crawl did not start writing")


def test_ls_tells_complete_failed_stopped_in_progress_and_abandoned(tmp_path):
    out = tmp_path / "out"
    with start_server(FixtureSite(articles=6, seed=2)) as quick, \
            start_server(FixtureSite(articles=300, seed=3, latency=0.1)) as slow, \
            start_server(FixtureSite(articles=300, seed=4, latency=0.1)) as slower:
        crawl_site(quick.url, out)
        failed = run_cli("crawl", "vsedelo", "--url", quick.url, "--out", str(out), *FAST,
                         "-s", "MONITOR_MIN_ARTICLES=100000", "-s", "INCREMENTAL_ENABLED=False")
        assert failed.returncode == 1

        stopped, killed = _start(slow, out), _start(slower, out)
        try:
            stopped_dir, killed_dir = _wait_for_crawl(out, slow), _wait_for_crawl(out, slower)
            running = _states(out)
            assert running[stopped_dir.name].startswith("in progress (no manifest")
            assert running[killed_dir.name].startswith("in progress (no manifest")
            stopped.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy's graceful shutdown
            assert stopped.wait(timeout=120) == 1
            killed.kill()
            killed.wait()
        finally:
            for proc in (stopped, killed):
                if proc.poll() is None:
                    proc.kill()
    states = _states(out)
    assert len(states) == 4, states
    by_state = sorted(s.split(" (")[0] for s in states.values())
    assert by_state == ["abandoned", "complete", "failed", "stopped"], states
    assert states[stopped_dir.name] == "stopped (shutdown: Ctrl-C or SIGTERM)"
    assert states[killed_dir.name].startswith("abandoned (no manifest")
    assert "--resume" in states[killed_dir.name]
    (failed_state,) = [s for s in states.values() if s.startswith("failed")]
    assert "min_articles" in failed_state
    assert any(s == "complete (finished)" for s in states.values())


def test_manifest_state_reads_reason_and_monitors():
    from crawler.storage.listing import manifest_state

    results = [{"name": "finished", "state": "passed", "detail": "ok"},
               {"name": "max_error_rate", "state": "failed", "detail": "0.4 > 0.1"}]
    stats = {"downloader/response_count": 5, "monitors/results": results}
    assert manifest_state({"finish_reason": "finished", "stats": stats}) == (
        "failed", "max_error_rate: 0.4 > 0.1")
    assert manifest_state({"finish_reason": "discovery_stall", "stats": stats}) == (
        "stopped", "discovery_stall")
    assert manifest_state({"finish_reason": "closespider_itemcount",
                           "stats": {"downloader/response_count": 5}}) == (
        "complete", "closespider_itemcount")
    assert manifest_state({"finish_reason": "finished", "stats": {}}) == (
        "failed", "nothing fetched")
