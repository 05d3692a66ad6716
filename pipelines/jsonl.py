"""Article records as gzipped JSON Lines parts under ``<crawl>/articles/``.

One record per canonical URL per crawl. Parts are written as ``*.open`` and renamed when closed
(rotated every ``ARTICLES_PART_RECORDS`` records, or at the end of the crawl); the gzip stream is
flushed every ``ARTICLES_FLUSH_RECORDS`` records so a killed crawl loses at most that many.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.crawl.context import CrawlContext
from crawler.engine.seen import SeenUrls
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


@dataclass(frozen=True)
class ArticlesSettings:
    """``ARTICLES_PART_RECORDS`` and ``ARTICLES_FLUSH_RECORDS``."""

    part_records: int
    flush_records: int

    @classmethod
    def from_settings(cls, settings: Any) -> ArticlesSettings:
        read = SettingsReader(settings)
        return cls(part_records=read.int("ARTICLES_PART_RECORDS"),
                   flush_records=read.int("ARTICLES_FLUSH_RECORDS"))


class ArticleJsonLinesPipeline:
    """Writes records (dicts with ``schema_version``) and drops repeated canonical URLs."""

    def __init__(self, crawler: Crawler):
        context = CrawlContext.of(crawler)
        config = context.config(ArticlesSettings)
        self.crawler = crawler
        self.part_records = config.part_records
        self.flush_every = config.flush_records
        # --max-items: items already in flight when the spider closes are not written.
        self.max_records = context.crawl_settings.max_items
        # the canonical URLs written, as 64-bit keys (crawler.engine.seen)
        self.written = SeenUrls()
        self.out = context.output
        self._file: IO[str] | None = None
        self._path: Path | None = None
        self._in_part = 0
        self._serial = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleJsonLinesPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.out.add_closer(self._close_part, "articles")
        self.out.add_rotator(self._close_part)

    def process_item(self, item: Any) -> Any:
        if not (isinstance(item, dict) and "schema_version" in item):
            return item
        key = item["canonical_url"]
        if self.max_records and len(self.written) >= self.max_records:
            self.crawler.stats.inc_value("articles/over_max_items")
            raise DropItem(f"--max-items {self.max_records} reached: {key}", "INFO")
        if key in self.written:
            self.crawler.stats.inc_value("articles/duplicate_canonical")
            raise DropItem(f"already written for this crawl: {key}")
        self.written.add(key)
        if self._file is None:
            self._open_part()
        assert self._file is not None
        self._file.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._in_part += 1
        self.crawler.stats.inc_value("articles/written")
        if self._in_part >= self.part_records:
            self._close_part()
        elif self._in_part % self.flush_every == 0:
            self._file.flush()
        return item

    def _open_part(self) -> None:
        self._serial += 1
        self._path = self.out.articles_dir / self.out.names.articles_part(self._serial)
        raw = open(str(self._path) + ".open", "wb")  # noqa: SIM115 - closed in _close_part
        self._file = gzip.open(raw, "wt", encoding="utf-8", compresslevel=6)  # noqa: SIM115
        self._raw = raw
        self._in_part = 0

    def _close_part(self) -> None:
        if self._file is None or self._path is None:
            return
        self._file.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(str(self._path) + ".open", self._path)
        self.out.file_completed(self._path, "articles")
        self._file = None
