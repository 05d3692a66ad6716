"""Which payloads were archived before: in this crawl, or in earlier crawls of the same store.

Only 2xx responses whose payload is at least ``min_size`` bytes take part. Earlier crawls are the
sibling folders of this crawl (``<out>/<spider>/<crawl-id>/``) that hold a ``manifest.json``,
that is, crawls that finished; their CDXJ indexes give the payload digests and where each
original record is. A revisit refers to the first capture of a payload found (oldest crawl
first, then this crawl's earliest capture).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import timestamp_to_iso_date

from crawler.crawl.naming import MANIFEST
from crawler.crawl.scratch import ScratchLock, sweep
from crawler.warc.cdxj import read_cdxj
from crawler.warc.records import Original

logger = logging.getLogger(__name__)

DEFAULT_MIN_SIZE = 256
SCRATCH_PREFIX = "crawler-digests-"  # the index file in the temporary folder


def eligible(status: int, size: int, min_size: int = DEFAULT_MIN_SIZE) -> bool:
    """Whether a response takes part in de-duplication."""
    return 200 <= status < 300 and size >= min_size


def completed_crawls(spider_dir: Path, exclude: str | None = None) -> list[Path]:
    """Finished crawl folders under ``spider_dir``, oldest id first, except ``exclude``."""
    if not spider_dir.is_dir():
        return []
    return sorted(d for d in spider_dir.iterdir() if d.name != exclude and (d / MANIFEST).is_file())


def crawl_index_files(crawl_dir: Path) -> list[Path]:
    """The CDXJ files that index a crawl's own WARC files."""
    return sorted(
        p for p in (crawl_dir / "indexes").glob("*.cdxj") if not p.name.endswith(ORIGINALS_SUFFIX)
    )


ORIGINALS_SUFFIX = "-originals.cdxj"


_SCHEMA = """
CREATE TABLE originals (
    digest TEXT PRIMARY KEY, uri TEXT NOT NULL, date TEXT NOT NULL, record_id TEXT,
    filename TEXT NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, crawl_id TEXT,
    line TEXT, crawl_dir TEXT
) WITHOUT ROWID
"""
_INSERT = "INSERT OR IGNORE INTO originals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_ORIGINAL = ("SELECT uri, date, record_id, filename, offset, length, crawl_id "
             "FROM originals WHERE digest = ?")
_BATCH = 1000  # additions per transaction


class DigestIndex:
    """Payload digest → the original record; earlier crawls' entries keep their CDXJ line.

    The entries live in a SQLite file of their own (in ``folder``, default the system's
    temporary folder, removed by :meth:`close`), so a crawl's memory does not grow with the
    payloads it archives: one primary-key lookup per eligible response.
    """

    def __init__(self, min_size: int = DEFAULT_MIN_SIZE, folder: str | Path | None = None) -> None:
        self.min_size = min_size
        sweep(f"{SCRATCH_PREFIX}*.sqlite", folder)  # left by crawls that were killed
        handle, name = tempfile.mkstemp(prefix=SCRATCH_PREFIX, suffix=".sqlite", dir=folder)
        os.close(handle)
        self.path = Path(name)
        self._lock = ScratchLock(name)  # held while this crawl lives (crawler.crawl.scratch)
        self._db = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
        # a scratch file, rebuilt by every crawl and read by no one else: no journal, no fsync,
        # its lock taken once; additions are committed in batches
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE",
                       "cache_size=-4096"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(_SCHEMA)
        self._pending = 0

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM originals").fetchone()[0])

    def lookup(self, digest: str) -> Original | None:
        """The original of ``digest``, if archived before."""
        row = self._db.execute(_ORIGINAL, (digest,)).fetchone()
        return Original(*row) if row else None

    def add(self, digest: str, original: Original) -> None:
        """Remember ``original`` unless the digest is known already."""
        o = original
        if not self._db.in_transaction:
            self._db.execute("BEGIN")
        self._db.execute(_INSERT, (digest, o.uri, o.date, o.record_id, o.filename, o.offset,
                                   o.length, o.crawl_id, None, None))
        self._pending += 1
        if self._pending >= _BATCH:
            self._commit()

    def _commit(self) -> None:
        if self._db.in_transaction:
            self._db.execute("COMMIT")
        self._pending = 0

    def earlier_line(self, digest: str) -> str | None:
        """The CDXJ line of an original from an earlier crawl (None for this crawl's)."""
        row = self._db.execute("SELECT line FROM originals WHERE digest = ?", (digest,)).fetchone()
        return row[0] if row else None

    def load_crawl(self, crawl_dir: Path) -> int:
        """Add the eligible originals indexed by a finished crawl; returns how many were new."""
        before = self._db.total_changes
        self._commit()
        self._db.execute("BEGIN")
        try:
            for index in crawl_index_files(crawl_dir):
                self._db.executemany(_INSERT, self._earlier_rows(index, crawl_dir))
        finally:
            self._commit()
        return self._db.total_changes - before

    @staticmethod
    def _earlier_rows(index: Path, crawl_dir: Path) -> Iterator[tuple[Any, ...]]:
        for entry in read_cdxj(index):
            f = entry.fields
            digest = f.get("digest")
            if not digest or entry.is_revisit or not str(f.get("status", "")).startswith("2"):
                continue
            yield (digest, f["url"], timestamp_to_iso_date(entry.timestamp), None,
                   f["filename"], int(f["offset"]), int(f["length"]), crawl_dir.name,
                   entry.line, str(crawl_dir))

    def load_earlier(self, spider_dir: Path, exclude: str | None = None) -> int:
        """Load every finished crawl under ``spider_dir`` except ``exclude``."""
        total = sum(self.load_crawl(d) for d in completed_crawls(spider_dir, exclude))
        logger.info("WARC dedup: %d payload digests from earlier crawls", total)
        return total

    def resolve_earlier(self, digest: str) -> Original | None:
        """The original of an earlier crawl with its exact date and record id read from its WARC.

        The CDXJ line has the date to the second only; the WARC header has it exactly and the
        record id. One ranged read, done once per digest.
        """
        original = self.lookup(digest)
        row = self._db.execute("SELECT crawl_dir FROM originals WHERE digest = ?",
                               (digest,)).fetchone()
        if original is None or original.record_id or not row or not row[0]:
            return original
        path = Path(row[0]) / "warc" / original.filename
        if not path.is_file():
            return original
        try:
            with open(path, "rb") as fh:
                fh.seek(original.offset)
                record = next(iter(ArchiveIterator(fh)))
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                date = record.rec_headers.get_header("WARC-Date") or original.date
        except Exception as exc:  # noqa: BLE001 - a damaged earlier file must not stop the crawl
            logger.warning("WARC dedup: cannot read %s@%d: %s", path, original.offset, exc)
            return original
        self._db.execute("UPDATE originals SET record_id = ?, date = ? WHERE digest = ?",
                         (record_id, date, digest))
        return replace(original, record_id=record_id, date=date)

    def close(self) -> None:
        """Close and remove the index file."""
        self._db.close()
        self.path.unlink(missing_ok=True)
        self._lock.release()


def earlier_originals(crawl_dir: Path, index_files: list[Path]) -> list[str]:
    """CDXJ lines, from finished earlier crawls, of the originals a crawl's revisits refer to.

    Revisits whose payload this crawl holds itself need nothing; for the others the earliest
    finished crawl (crawl ids sort by time) holding the digest is used.
    """
    own: set[str] = set()
    revisited: set[str] = set()
    for index in index_files:
        for entry in read_cdxj(index):
            digest = entry.fields.get("digest")
            if digest:
                (revisited if entry.is_revisit else own).add(digest)
    missing = revisited - own
    if not missing:
        return []
    earlier = DigestIndex(min_size=0)
    try:
        for other in completed_crawls(crawl_dir.parent, exclude=crawl_dir.name):
            if other.name < crawl_dir.name:
                earlier.load_crawl(other)
        return [line for d in sorted(missing) if (line := earlier.earlier_line(d)) is not None]
    finally:
        earlier.close()
