"""pywb's wayback (from ``.venv-pywb``) on a free loopback port, and fetching from it."""

from __future__ import annotations

import gzip
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.replay import pywb as replay
from tests.helpers.net import free_port


def wait_for_wayback(proc: Any, url: str, limit: float = 60) -> None:
    """Poll ``url`` until pywb answers; fail if wayback exits or ``limit`` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            assert proc.poll() is None, "wayback exited"
            assert time.monotonic() < deadline, f"wayback did not start in {limit:.0f} s"
            time.sleep(0.3)


@contextmanager
def serving_wayback(work: Path, ready: str = "") -> Iterator[str]:
    """pywb's wayback on ``work`` (collections built already) on a free port, until the block
    ends; yields its base URL once ``<base>/<ready>`` answers."""
    port = free_port()
    proc = replay.start_wayback(work, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_wayback(proc, f"{url}/{ready}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands a redirect back to the caller instead of following it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET without following redirects; the body decoded if pywb kept Content-Encoding."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as resp:
            status, headers, body = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, headers, body = err.code, dict(err.headers), err.read()
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body
