"""Waiting for a condition in a test, with a limit that only keeps a broken test from hanging."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], object], what: str, limit: float = 60,
               interval: float = 0.05) -> None:
    """Poll until ``condition()`` is true; fail the test if ``limit`` seconds pass first."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(interval)
