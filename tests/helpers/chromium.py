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


def replay_shows(url: str, text: str, timeout: float = 60) -> list[str]:
    """Open ``url`` (a pywb replay, framed or not) in headless Chromium through Playwright and
    wait until ``text`` is in the visible text of one of its frames; the frames' URLs where it
    was found (empty when it never appeared)."""
    import time

    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is not installed: `./run.sh setup` installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url, timeout=timeout * 1000)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                found = []
                for frame in page.frames:
                    try:
                        shown = frame.evaluate("document.body ? document.body.innerText : ''")
                    except Exception:  # a frame navigating away
                        continue
                    if text in shown:
                        found.append(frame.url)
                if found:
                    return found
                page.wait_for_timeout(200)
            return []
        finally:
            browser.close()
