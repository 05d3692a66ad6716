"""Process helpers for the throughput benchmark: servers, timed CLI runs, peak RSS from /proc.

Linux only (``/proc``). A run's peak RSS is the kernel's high-water mark (``VmHWM``) of each
process, polled while it lives; CPU seconds come from ``/proc/<pid>/stat`` at the last poll.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FixtureServer:
    """``bench/_fixture_server.py`` in its own process; a context manager."""

    def __init__(self, articles: int, latency: float = 0.0, prewarm: bool = True) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        cmd = [sys.executable, str(ROOT / "bench" / "_fixture_server.py"), "--port",
               str(self.port), "--articles", str(articles), "--latency", str(latency)]
        self.proc = subprocess.Popen(cmd + (["--prewarm"] if prewarm else []), cwd=ROOT,
                                     stdout=subprocess.PIPE, text=True)
        self.prewarm_line = ""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # "prewarmed ..." then "listening on ..."
            if line.startswith("prewarmed"):
                self.prewarm_line = line.strip()
            if line.startswith("listening"):
                break
        else:
            raise RuntimeError("fixture server did not start")

    def stats(self, reset: bool = False) -> dict[str, int]:
        """The server's counts (requests, article_200); ``reset`` clears them afterwards."""
        path = "__bench/reset" if reset else "__bench/stats"
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())

    def set_latency(self, seconds: float) -> None:
        """Delay every response by ``seconds`` from now on."""
        urllib.request.urlopen(f"{self.url}__bench/latency/{seconds}", timeout=10).read()

    def __enter__(self) -> FixtureServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _proc_status(pid: int) -> tuple[int, float] | None:
    """(VmHWM in bytes, CPU seconds) of ``pid``, None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    hwm = next((int(line.split()[1]) * 1024 for line in status.splitlines()
                if line.startswith("VmHWM:")), 0)
    fields = stat.rsplit(")", 1)[1].split()
    return hwm, (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(p) for p in text.split()]


@dataclass
class RunResult:
    """A finished command: exit code, wall seconds, peak RSS and CPU per process role."""

    returncode: int
    seconds: float
    main_rss: int = 0
    main_cpu: float = 0.0
    workers_rss: int = 0  # largest peak RSS among descendants (extraction workers, forkserver)
    workers_cpu: float = 0.0  # CPU seconds of all descendants seen
    stderr: str = ""
    workers: dict[int, tuple[int, float]] = field(default_factory=dict)


def run_measured(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT,
                 interval: float = 0.1) -> RunResult:
    """Run ``cmd``, polling the peak RSS and CPU of it and its descendants."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    err: list[str] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)
    reader.start()
    result = RunResult(0, 0.0)
    while proc.poll() is None:
        if (main := _proc_status(proc.pid)) is not None:
            result.main_rss, result.main_cpu = max(result.main_rss, main[0]), main[1]
        todo = _children(proc.pid)
        while todo:
            pid = todo.pop()
            if (seen := _proc_status(pid)) is not None:
                # a process that has exited but is not yet reaped has no VmHWM: keep the peak
                rss, cpu = result.workers.get(pid, (0, 0.0))
                result.workers[pid] = (max(rss, seen[0]), max(cpu, seen[1]))
                todo.extend(_children(pid))
        time.sleep(interval)
    result.returncode = proc.wait()
    result.seconds = time.monotonic() - started
    reader.join(timeout=5)
    result.stderr = "".join(err)
    if result.workers:
        result.workers_rss = max(rss for rss, _ in result.workers.values())
        result.workers_cpu = sum(cpu for _, cpu in result.workers.values())
    return result


def crawl_command(url: str, out: Path, *settings: str, concurrency: int = 16) -> list[str]:
    """The real CLI, fast settings for a loopback site (no delay, no article minimum)."""
    return [sys.executable, "-m", "crawler", "crawl", "vsedelo", "--url", url, "--out", str(out),
            "-s", "DOWNLOAD_DELAY=0", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
            "-s", "MONITOR_MIN_ARTICLES=0", "-s", "LOGSTATS_INTERVAL=0",
            "-s", "PROGRESS_MODE=json", "--log-level", "WARNING", *settings]


def crawl_stats(out: Path) -> dict:
    """The manifest stats of the (only) crawl under ``out``."""
    crawl_dir = max(p for p in out.glob("*/*") if (p / "warc").is_dir())
    return json.loads((crawl_dir / "manifest.json").read_text())["stats"]
