"""Scrapy settings read once, as typed values, with the defaults of ``crawler/settings.py``.

Each feature reads its settings into a small frozen dataclass with a ``from_settings``
classmethod (``WarcSettings`` in ``crawler.warc.middleware``, ``StateSettings`` in
``crawler.state.state_extension``, ...), through a :class:`SettingsReader`; the crawl-wide ones
are :class:`CrawlSettings` here. The crawl context builds each of them once per crawl
(``CrawlContext.config(WarcSettings)``). Defaults are written in one place, ``crawler/settings.py``:
a setting that is not set (a bare ``scrapy.settings.Settings()`` in a test, a plain dict of the
storage commands) takes its value from there, and one of Scrapy's own from Scrapy's defaults.
No other module passes a default to a settings read (``tests/test_settings_reads.py``).

Pure: Scrapy's default settings are imported only when one of Scrapy's own settings is missing.
"""

from __future__ import annotations

import builtins
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler import settings as project_defaults

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def default_of(name: str) -> Any:
    """The default of a setting: ``crawler/settings.py``'s, else Scrapy's (None if neither)."""
    if hasattr(project_defaults, name):
        return getattr(project_defaults, name)
    from scrapy.settings import default_settings

    return getattr(default_settings, name, None)


class SettingsReader:
    """Typed reads of Scrapy ``Settings`` or a plain mapping; an unset value (None) takes
    :func:`default_of`, and so does an empty string for numbers and flags. A setting of
    Scrapy's that ``crawler/settings.py`` changes is ours unless set above Scrapy's defaults (a
    bare ``Settings()`` holds Scrapy's: ``DOWNLOAD_TIMEOUT`` 180 where the crawler's is 30)."""

    def __init__(self, settings: Mapping[str, Any] | Any) -> None:
        self.settings = settings

    def get(self, name: builtins.str) -> Any:
        """The value as it is set, else the default."""
        value = self._raw(name)
        return default_of(name) if value is None else value

    def _raw(self, name: builtins.str) -> Any:
        if self.settings is None:
            return None
        priority = getattr(self.settings, "getpriority", None)
        if priority is not None and hasattr(project_defaults, name) and not priority(name):
            return None  # only Scrapy's default: the crawler's own comes first
        return self.settings.get(name)

    def str(self, name: builtins.str) -> builtins.str:
        value = self.get(name)
        return "" if value is None else str(value)

    def text(self, name: builtins.str) -> builtins.str:
        """:meth:`str`, an empty value taking the default too."""
        value = self._set_or_default(name)
        return "" if value is None else str(value)

    def optional(self, name: builtins.str) -> builtins.str | None:
        """The value as text, None when it is unset or empty (and so is its default)."""
        return self.text(name) or None

    def bool(self, name: builtins.str) -> builtins.bool:
        value = self._set_or_default(name)
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return bool(value)

    def int(self, name: builtins.str) -> builtins.int:
        value = self._set_or_default(name)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{name} must be a whole number")
        return int(value)

    def float(self, name: builtins.str) -> builtins.float:
        return float(self._set_or_default(name))

    def list(self, name: builtins.str) -> builtins.list[Any]:
        """A list; a string is split on commas (as Scrapy's ``getlist``)."""
        value = self.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return value.split(",") if value else []
        return list(value)

    def dict(self, name: builtins.str) -> builtins.dict[builtins.str, Any]:
        """A dict; a string is read as JSON (as Scrapy's ``getdict``)."""
        value = self.get(name)
        if isinstance(value, str):
            value = json.loads(value)
        return dict(value or {})

    def _set_or_default(self, name: builtins.str) -> Any:
        value = self._raw(name)
        return default_of(name) if value is None or value == "" else value


@dataclass(frozen=True)
class CrawlSettings:
    """What makes a crawl: its output, its id, a resume, this process's worker id, whether it
    is distributed, and the crawl-wide switches several features read."""

    output_uri: str  # OUTPUT_URI: a folder or s3://bucket/prefix
    spool_dir: str  # SPOOL_DIR, else $CRAWLER_SPOOL, else .crawler-spool (s3:// outputs)
    crawl_id: str  # CRAWL_ID: empty for a new one
    resume: bool  # RESUME
    worker_id: str  # WORKER_ID: names a distributed worker's files
    redis_url: str  # REDIS_URL: this process is a worker of a distributed crawl
    state_enabled: bool  # STATE_ENABLED
    extraction_enabled: bool  # EXTRACTION_ENABLED
    manifest_write: bool  # MANIFEST_WRITE: off for distributed workers
    max_items: int  # CLOSESPIDER_ITEMCOUNT (--max-items)
    since: str  # SINCE
    warc_prefix: str  # WARC_PREFIX: empty for the spider's name
    spool_keep: bool  # SPOOL_KEEP

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | Any) -> CrawlSettings:
        read = SettingsReader(settings)
        return cls(
            output_uri=read.str("OUTPUT_URI") or str(default_of("OUTPUT_URI")),
            spool_dir=read.str("SPOOL_DIR") or os.environ.get("CRAWLER_SPOOL", "")
            or ".crawler-spool",
            crawl_id=read.str("CRAWL_ID"),
            resume=read.bool("RESUME"),
            worker_id=read.str("WORKER_ID"),
            redis_url=read.str("REDIS_URL"),
            state_enabled=read.bool("STATE_ENABLED"),
            extraction_enabled=read.bool("EXTRACTION_ENABLED"),
            manifest_write=read.bool("MANIFEST_WRITE"),
            max_items=read.int("CLOSESPIDER_ITEMCOUNT"),
            since=read.str("SINCE"),
            warc_prefix=read.str("WARC_PREFIX"),
            spool_keep=read.bool("SPOOL_KEEP"),
        )

    @property
    def distributed(self) -> bool:
        """This process is a worker of a distributed crawl (``REDIS_URL`` is set)."""
        return bool(self.redis_url)
