"""Helpers of ``bench/world_sites.py``: a timed CLI run in its own session, what it left
running, the seed list of a served world, and each site's records and checks.

Linux only (``/proc``): a crawler started in a new session keeps that session id in every
process it starts (page workers, forkserver, shard processes) unless one of them leaves it, so
the processes of the session still alive after the crawler exits are what it left running.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CRAWL_SETTINGS = ("-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
GRACE = 3.0  # seconds a process of the run may take to notice the crawler is gone


@dataclass
class CliRun:
    """One finished CLI run: exit code, wall seconds, its output, what it left running."""

    code: int
    seconds: float
    output: str
    left_at_exit: list[str]
    left_after_grace: list[str]


def session_processes(sid: int) -> list[str]:
    """``pid command`` of every live process of session ``sid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) != sid or fields[0] == "Z":  # session id; zombies are gone
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError, IndexError):
            continue
        found.append(f"{entry.name} {cmd[:160]}")
    return found


def crawler_command() -> str:
    return str(Path(sys.executable).parent / "crawler")


def run_cli(args: list[str], log: Path) -> CliRun:
    """Run ``crawler ARGS`` in its own session; stdout and stderr go to ``log``."""
    start = time.monotonic()
    with log.open("w") as fh:
        proc = subprocess.Popen([crawler_command(), *args], cwd=ROOT, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)
        code = proc.wait()
    seconds = time.monotonic() - start
    left = session_processes(proc.pid)
    after = left
    deadline = time.monotonic() + GRACE
    while after and time.monotonic() < deadline:
        time.sleep(0.2)
        after = session_processes(proc.pid)
    if after:  # never leave them to the next measurement
        for line in after:
            with contextlib.suppress(OSError):
                os.kill(int(line.split()[0]), 9)
    return CliRun(code, seconds, log.read_text(errors="replace"), left, after)


def dead_url(host: str) -> str:
    """An http URL on ``host`` where nothing listens (a port bound and let go)."""
    with socket.socket() as s:
        s.bind((host, 0))
        port = s.getsockname()[1]
    return f"http://{host}:{port}/"


def folder_key(url: str) -> str:
    """The site folder a crawl of ``url`` writes (``crawler.pages.site``: host_port)."""
    parts = urlsplit(url)
    return f"{parts.hostname}_{parts.port}" if parts.port else str(parts.hostname)


def read_site_records(folder: Path) -> list[dict[str, Any]]:
    """Every article record of the crawls in one site folder (``<folder>/<crawl-id>/``)."""
    records = []
    for path in sorted(folder.glob("*/articles/*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            records += [json.loads(line) for line in fh if line.strip()]
    return records


def foreign_records(records: list[dict[str, Any]], origin: str) -> list[str]:
    """URLs of records that are not on ``origin`` (scheme, host and port)."""
    want = urlsplit(origin)
    return [r["url"] for r in records
            if (urlsplit(r["url"]).hostname, urlsplit(r["url"]).port)
            != (want.hostname, want.port)]
