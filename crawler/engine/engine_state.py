"""What the Scrapy engine holds right now: requests queued in the scheduler and in flight."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def queue_and_inflight(crawler: Crawler) -> tuple[int | None, int | None]:
    """``(queued, in flight)``; None for what cannot be told (no engine, closed scheduler)."""
    engine = getattr(crawler, "engine", None)
    if engine is None:
        return None, None
    queue = inflight = None
    try:
        scheduler = engine.scheduler
        if scheduler is not None and hasattr(scheduler, "__len__"):
            queue = len(scheduler)
    except Exception:  # a closed or custom scheduler: the number is optional
        queue = None
    downloader = getattr(engine, "downloader", None)
    if downloader is not None:
        inflight = len(getattr(downloader, "active", ()))
    return queue, inflight
