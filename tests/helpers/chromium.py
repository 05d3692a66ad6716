"""Headless Chromium (Debian's ``chromium``, installed by run.sh) for pages and replays."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with its own profile folder, no sandbox, nothing in the background."""
    assert CHROMIUM, "chromium is not installed: `./run.sh setup` installs it"
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def open_file(page: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Open a local HTML file (a crawl's report) with Chromium's log on stderr."""
    return chromium(tmp / "chromium-profile", "--enable-logging=stderr", "--v=0", *extra,
                    page.resolve().as_uri())
