"""One big site on all cores: N workers of the distributed mode on a ``redis-server`` of their own.

``crawler crawl SPIDER --url URL --processes N`` (N > 1) starts ``redis-server`` on a free
loopback port (no persistence, its files in a temporary folder), runs N ``crawler crawl``
workers of one shared crawl against it (``--redis``, one ``--crawl-id``, ``--worker-id w0..``:
the shared queue, duplicate filter, per-host politeness and manifest of
:mod:`crawler.distributed`), then stops the server. The workers and the server get a
parent-death signal, and a Ctrl-C or SIGTERM here goes to the workers, so nothing outlives
the command. The summary printed is the one of the worker that wrote the crawl's manifest.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, UsageError
from crawler.pageworkers.parent_death import die_with_parent_preexec

START_SECONDS = 10.0
FINALIZED = "written by this worker"  # the summary line of the worker that wrote the manifest


def redis_binary() -> str:
    """The ``redis-server`` on PATH; :class:`UsageError` saying how to get one."""
    found = shutil.which("redis-server")
    if found is None:
        raise UsageError("--processes N for one site needs redis-server (Debian: apt install "
                         "redis-server; ./run.sh setup installs it), or crawl with --processes 1")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def local_redis() -> Iterator[str]:
    """A ``redis-server`` on a free loopback port for the block; yields its URL."""
    binary = redis_binary()
    with tempfile.TemporaryDirectory(prefix="crawler-redis-") as workdir:
        for _attempt in range(3):  # a free port can be taken before the server binds it
            port = _free_port()
            server = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", workdir, "--protected-mode", "yes"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=die_with_parent_preexec(signal.SIGTERM))
            deadline = time.monotonic() + START_SECONDS
            while server.poll() is None and not _answers(port) and time.monotonic() < deadline:
                time.sleep(0.05)
            if server.poll() is None and _answers(port):
                break
            server.kill()
            server.wait()
        else:
            raise UsageError(f"redis-server ({binary}) did not start on a loopback port")
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def worker_argv(argv: Sequence[str]) -> list[str]:
    """The command line of the run without ``--processes``, for its workers."""
    found: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--processes":
            skip = True
        elif not arg.startswith("--processes="):
            found.append(arg)
    return found


def crawl_lines(manifest: Path) -> list[str]:
    """The whole crawl in a few lines, from the manifest its last worker wrote."""
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return [f"  crawl manifest:   not written ({manifest})"]
    stats, totals = document.get("stats") or {}, document.get("totals") or {}
    warc = totals.get("warc") or {"files": 0, "bytes": 0}
    return [f"  pages fetched:    {stats.get('downloader/response_count', 0)} (all workers)",
            f"  articles written: {stats.get('articles/written', 0)} (all workers)",
            f"  WARC files:       {warc['files']} ({warc['bytes'] / 1e6:.2f} MB)",
            f"  crawl manifest:   {manifest}"]


def run_workers(argv: Sequence[str], processes: int, crawl_id: str,
                manifest: Path | None = None) -> int:
    """Run ``processes`` workers of the crawl ``argv`` describes on a local Redis; the exit
    code: 0 when every worker exited 0. ``manifest``: where the crawl's manifest will be (a
    local output), for the summary."""
    with local_redis() as url:
        children = [subprocess.Popen(
            [sys.executable, "-m", "crawler", *worker_argv(argv), "--redis", url,
             "--crawl-id", crawl_id, "--worker-id", f"w{index}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
            preexec_fn=die_with_parent_preexec(signal.SIGTERM)) for index in range(processes)]

        def forward(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            outputs = [child.communicate()[0] for child in children]
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    codes = [child.returncode for child in children]
    final = next((text for text in outputs if FINALIZED in text), outputs[-1])
    lines = [f"crawl {crawl_id}: {processes} worker processes on one shared crawl, exit codes "
             f"{', '.join(map(str, codes))}"]
    lines += crawl_lines(manifest) if manifest is not None else []
    lines += ["  the worker that wrote the manifest:",
              *("    " + line for line in final.rstrip().splitlines())]
    print("\n".join(lines), flush=True)
    return EXIT_OK if all(code == 0 for code in codes) else EXIT_CHECKS_FAILED
