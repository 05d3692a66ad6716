"""The settings of uploads to object storage, read once: by the upload extension of a crawl and
by ``crawler upload``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.typed_settings import SettingsReader


@dataclass(frozen=True)
class UploadSettings:
    """``STORE_*`` and ``SPOOL_*`` (docs/storage.md; ``SPOOL_KEEP`` is crawl-wide); the store
    itself is ``StoreConfig``."""

    final_timeout: float
    resume_spool: bool
    workers: int
    spool_max_bytes: int
    spool_remove: str
    retry_base: float
    retry_max: float

    @classmethod
    def from_settings(cls, settings: Any) -> UploadSettings:
        read = SettingsReader(settings)
        return cls(final_timeout=read.float("STORE_FINAL_TIMEOUT"),
                   resume_spool=read.bool("STORE_RESUME_SPOOL"),
                   workers=read.int("STORE_WORKERS"), spool_max_bytes=read.int("SPOOL_MAX_BYTES"),
                   spool_remove=read.text("SPOOL_REMOVE"),
                   retry_base=read.float("STORE_RETRY_BASE"),
                   retry_max=read.float("STORE_RETRY_MAX"))
