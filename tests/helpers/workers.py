"""Workers of a distributed crawl: ``crawler crawl --redis`` processes, their logs and stats."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.cli import start_cli

if TYPE_CHECKING:
    from fixture_site.server import RunningServer

STARTED: list[subprocess.Popen] = []  # workers of the running test (tests/conftest.py kills them)


def start_worker(redis_url: str, server: RunningServer, out: Path | str, worker: str,
                 prefix: str, *extra: str, logs: Path | None = None,
                 env: dict[str, str] | None = None, spider: str = "vsedelo") -> subprocess.Popen:
    """``crawler crawl <spider> --redis ...`` as its own process (and process group)."""
    log = open((logs or Path(out).parent) / f"{worker}.log", "w")  # noqa: SIM115 - process owns it
    proc = start_cli("crawl", spider, "--url", server.url, "--out", str(out),
                     "--redis", redis_url, "--worker-id", worker,
                     "-s", f"REDIS_KEY_PREFIX={prefix}", "-s", "DOWNLOAD_DELAY=0",
                     "-s", "LOGSTATS_INTERVAL=0", "-s", "EXTRACTION_WORKERS=1",
                     "--log-level", "INFO", *extra, env=env,
                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    STARTED.append(proc)
    return proc


def kill_started_workers() -> None:
    """Kill every worker still running (each is its own process group, extraction workers too)."""
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_all(procs: dict[str, subprocess.Popen], out: Path, timeout: float = 180) -> None:
    """Wait for every worker; fail the test (with its log) if one hangs or exits non-zero."""
    for name, proc in procs.items():
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"worker {name} did not finish:\n{log_of(out, name)[-3000:]}")
        assert code == 0, f"worker {name} exited {code}:\n{log_of(out, name)[-3000:]}"


def log_of(out: Path, worker: str) -> str:
    """A worker's log (``<worker>.log`` beside the output)."""
    return (out.parent / f"{worker}.log").read_text(errors="replace")


def worker_stats(crawl: Path, worker: str) -> dict:
    """A worker's own stats, as its report (``report-<worker>.json``) keeps them."""
    return json.loads((crawl / f"report-{worker}.json").read_text())["stats"]


def fetched_paths(server: RunningServer) -> Counter:
    """GETs per path, leaving out robots.txt (each worker reads it) and retried errors."""
    retried = {path for _, path, status in server.requests if status >= 500}
    return Counter(path for method, path, _ in server.requests
                   if method == "GET" and path != "/robots.txt" and path not in retried)
