"""The engine tuning settings, read once per component: ``GC_TUNING`` (``gctune``),
``SCHEDULER_SPOOL``, ``SCHEDULER_SPOOL_DIR`` and ``SCHEDULER_MEMORY_REQUESTS`` (``queues``),
``RETRY_AFTER_ENABLED`` and ``RETRY_AFTER_MAX`` (``retry_after``, and a distributed crawl's
shared politeness)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.typed_settings import SettingsReader


@dataclass(frozen=True)
class EngineSettings:
    """See the module docstring."""

    gc_tuning: bool
    scheduler_spool: bool
    scheduler_spool_dir: str
    memory_requests: int
    retry_after: bool
    retry_after_max: float

    @classmethod
    def from_settings(cls, settings: Any) -> EngineSettings:
        read = SettingsReader(settings)
        return cls(gc_tuning=read.bool("GC_TUNING"), scheduler_spool=read.bool("SCHEDULER_SPOOL"),
                   scheduler_spool_dir=read.str("SCHEDULER_SPOOL_DIR"),
                   memory_requests=read.int("SCHEDULER_MEMORY_REQUESTS"),
                   retry_after=read.bool("RETRY_AFTER_ENABLED"),
                   retry_after_max=read.float("RETRY_AFTER_MAX"))
