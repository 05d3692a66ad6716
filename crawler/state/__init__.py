"""Durable crawl state between runs: SQLite store, recheck policy, resume of killed crawls.

Pure parts: ``store`` (SQLite), ``buffer`` (batched writes), ``policy`` (what to request again),
``session`` (one crawl's view), ``salvage`` and ``resume`` (a killed crawl's folder). Scrapy
parts: ``extension`` (lock, state, resume) and ``pipeline`` (records not to write again).
See docs/incremental.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def state_off(settings: BaseSettings, why: str = "STATE_ENABLED is off") -> NotConfigured:
    """The NotConfigured a state component raises when the state is off: silent for a worker
    of a distributed crawl (off by design; the distributed add-on says so once)."""
    return NotConfigured() if settings.get("REDIS_URL") else NotConfigured(why)
