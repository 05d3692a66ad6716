"""The repository and its command line, run as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CRAWLER = [sys.executable, "-m", "crawler"]
WARCIO = [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())"]

# Loopback-friendly settings for test crawls: no politeness delay against our own server.
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "EXTRACTION_WORKERS=2", "-s", "LOGSTATS_INTERVAL=0"]


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the checkout importable, plus ``env``."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 240,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``crawler ARGS`` as a real process and return its result (text output)."""
    return subprocess.run([*CRAWLER, *args], cwd=cwd or ROOT, env=cli_env(env), text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def run_scrapy(*args: str, timeout: float = 240,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy ARGS`` (the project's own ``scrapy.cfg``, as scrapyd does) as a real process."""
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=cli_env(env),
                          text=True, capture_output=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def start_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
              **popen: Any) -> subprocess.Popen:
    """Start ``crawler ARGS`` as a real process with stdin closed; ``popen`` goes on to
    ``subprocess.Popen`` (stdout, stderr, text, start_new_session ...)."""
    return subprocess.Popen([*CRAWLER, *args], cwd=cwd or ROOT, env=cli_env(env),
                            stdin=subprocess.DEVNULL, **popen)
