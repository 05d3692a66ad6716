"""A crawl's WARC archive: records, de-duplication, rotating files and the CDXJ index together.

:class:`WarcArchive` takes one :class:`~crawler.warc.records.Capture` at a time and returns the
pointer to the record holding its payload (see :func:`pointer`). It knows nothing of Scrapy or
Twisted; the Scrapy middleware feeds it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from warcio.recordloader import ArcWarcRecord

from crawler.warc.blocks import exchange_parts
from crawler.warc.cdxj import IndexSpool, write_sorted
from crawler.warc.dedup import ORIGINALS_SUFFIX, DigestIndex, eligible
from crawler.warc.records import (
    NOT_MODIFIED_PROFILE,
    REVISIT_PROFILE,
    Capture,
    Original,
    base32_digest,
    payload_digest,
    warc_date,
)
from crawler.warc.writer import RotatingWarcWriter

logger = logging.getLogger(__name__)


def pointer(
    original: Original, target_uri: str, date: str, revisit_record_id: str | None = None
) -> dict[str, Any]:
    """The ``response.meta["warc"]`` dict: where the payload of a fetch can be read.

    ``filename``/``offset``/``length`` locate the record holding the payload (one gzip member),
    ``record_id`` is that record's id, ``crawl_id`` the crawl whose ``warc/`` folder holds the
    file; ``target_uri``/``date`` describe this fetch; a revisit also has ``revisit_record_id``.
    """
    out: dict[str, Any] = {
        "filename": original.filename,
        "offset": original.offset,
        "length": original.length,
        "record_id": original.record_id,
        "target_uri": target_uri,
        "date": date,
        "revisit": revisit_record_id is not None,
        "crawl_id": original.crawl_id,
    }
    if revisit_record_id is not None:
        out["revisit_record_id"] = revisit_record_id
    return out


class WarcArchive:
    """Writes every capture of one crawl; call :meth:`close` once at the end."""

    def __init__(
        self,
        writer: RotatingWarcWriter,
        index_path: Path,
        crawl_id: str,
        dedup: DigestIndex | None = None,
        on_index: Callable[[Path], object] | None = None,
    ) -> None:
        self.writer = writer
        self.crawl_id = crawl_id
        self.dedup = dedup
        self.on_index = on_index
        self.index = IndexSpool(index_path)
        self.originals_path = index_path.with_name(index_path.stem + ORIGINALS_SUFFIX)
        self.stats = {"responses": 0, "revisits": 0, "revisits_earlier_crawls": 0,
                      "revisits_not_modified": 0, "bytes": 0}
        self._earlier_lines: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False

    def archive(self, capture: Capture) -> dict[str, Any]:
        """Write the records of ``capture``; returns its pointer."""
        with self._lock:
            if self._closed:
                raise RuntimeError("WARC archive is closed")
            return self._archive(capture)

    def _archive(self, capture: Capture) -> dict[str, Any]:
        profile = REVISIT_PROFILE
        original: Original | None
        confirmed = self._not_modified(capture)
        if confirmed is not None:
            digest, original = confirmed
            dedupable = False
            profile = NOT_MODIFIED_PROFILE
        else:
            digest = payload_digest(capture.body)
            dedupable = self.dedup is not None and eligible(
                capture.status, len(capture.body), self.dedup.min_size
            )
            original = self._original(digest) if dedupable and not capture.truncated else None
        date = warc_date(capture.date)
        exchange = exchange_parts(capture, date, original, digest=digest, profile=profile)
        places = self.writer.write(exchange.records)
        self.index.add_fields(exchange.index, places[0].filename, places[0].offset,
                              places[0].length)
        self.stats["bytes"] += sum(place.length for place in places)
        if original is not None:
            self.stats["revisits"] += 1
            if confirmed is not None:
                self.stats["revisits_not_modified"] += 1
            return pointer(original, capture.url, date, revisit_record_id=exchange.record_id)
        self.stats["responses"] += 1
        place = places[0]
        mine = Original(
            capture.url,
            date,
            exchange.record_id,
            place.filename,
            place.offset,
            place.length,
            self.crawl_id,
        )
        if dedupable and not capture.truncated and self.dedup is not None:
            self.dedup.add(digest, mine)
        return pointer(mine, capture.url, date)

    def add_record(self, record: ArcWarcRecord) -> dict[str, Any]:
        """Write one record that is no HTTP exchange (a page's rendered DOM as a ``conversion``
        record) and return its pointer; it joins neither the CDXJ index nor de-duplication,
        so replay never takes it for the server's response."""
        headers = record.rec_headers
        with self._lock:
            if self._closed:
                raise RuntimeError("WARC archive is closed")
            place = self.writer.write([record])[0]
            self.stats["bytes"] += place.length
        uri = headers.get_header("WARC-Target-URI")
        date = headers.get_header("WARC-Date")
        mine = Original(uri, date, headers.get_header("WARC-Record-ID"), place.filename,
                        place.offset, place.length, self.crawl_id)
        return pointer(mine, uri, date)

    def _not_modified(self, capture: Capture) -> tuple[str, Original] | None:
        """For a bodiless 304 to a conditional request: the confirmed payload's digest and the
        record holding it, when that record is known (this crawl or a finished earlier one)."""
        if capture.status != 304 or capture.body or self.dedup is None:
            return None
        digest = base32_digest(capture.revalidates)
        if digest is None:
            return None
        original = self._original(digest)
        return (digest, original) if original is not None else None

    def _original(self, digest: str) -> Original | None:
        assert self.dedup is not None
        original = self.dedup.lookup(digest)
        if original is None:
            return None
        line = self.dedup.earlier_line(digest)
        if line is not None:
            original = self.dedup.resolve_earlier(digest)
            self._earlier_lines[digest] = line
            self.stats["revisits_earlier_crawls"] += 1
        return original

    def close(self) -> list[Path]:
        """Close the WARC file and write the sorted index (and the earlier originals' index)."""
        with self._lock:
            if self._closed:
                return []
            self._closed = True
            if self.dedup is not None:
                self.dedup.close()
            self.writer.close()
            written = [self.index.finish()]
            if self._earlier_lines:
                written.append(write_sorted(self._earlier_lines.values(), self.originals_path))
        logger.info("WARC archive closed: %s", self.stats)
        if self.on_index is not None:
            for path in written:
                self.on_index(path)
        return written
