"""Repairing the files of a crawl that was killed: ``.open`` WARCs and the missing index.

A killed writer leaves ``<name>.warc.gz.open`` whose last gzip member (record) may be cut short.
:func:`recover_warc` keeps the longest prefix of whole gzip members whose records warcio reads
and whose digests verify, cuts the rest off and renames the file to ``<name>.warc.gz``. A file
with no whole record is renamed ``<name>.warc.gz.damaged`` (kept for a person to look at), or
removed when it is empty. :func:`recover_crawl_dir` does this for a crawl folder and then
rebuilds its CDXJ index with cdxj-indexer from every WARC in it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.limitreader import LimitReader

from crawler.crawl.naming import OPEN_SUFFIX, WARC_SUFFIX, final_path
from crawler.warc.cdxj import index_warcs, write_sorted
from crawler.warc.dedup import MANIFEST, ORIGINALS_SUFFIX, earlier_originals

logger = logging.getLogger(__name__)

DAMAGED_SUFFIX = ".damaged"
_CHUNK = 1 << 20


@dataclass
class RecoverResult:
    """What :func:`recover_warc` did with one ``.open`` file."""

    source: Path
    path: Path | None  # the file now: final name, ``.damaged`` name, or None when removed
    records: int
    kept_bytes: int
    discarded_bytes: int
    ok: bool
    in_use: bool = False  # a running writer holds the file: left alone

    def __str__(self) -> str:
        if self.in_use:
            return f"{self.source.name}: in use by a running crawl, left alone"
        if self.path is None:
            return f"{self.source.name}: empty, removed"
        state = "recovered" if self.ok else "NOT recoverable, marked"
        return (
            f"{self.source.name}: {state} as {self.path.name} ({self.records} records, "
            f"{self.kept_bytes} bytes kept, {self.discarded_bytes} bytes cut off)"
        )


@dataclass
class IndexResult:
    """An index :func:`recover_crawl_dir` rebuilt."""

    path: Path
    lines: int

    def __str__(self) -> str:
        return f"{self.path.name}: index rebuilt ({self.lines} lines)"


def gzip_member_ends(fh: BinaryIO) -> list[int]:
    """Byte offsets where each whole gzip member ends, up to the first cut or damaged one."""
    ends: list[int] = []
    consumed = 0
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while chunk := fh.read(_CHUNK):
        while chunk:
            try:
                inflater.decompress(chunk)
            except zlib.error:
                return ends
            if not inflater.eof:
                consumed += len(chunk)
                break
            used = len(chunk) - len(inflater.unused_data)
            consumed += used
            ends.append(consumed)
            chunk = inflater.unused_data
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return ends


def verified_record_ends(fh: BinaryIO, limit: int) -> list[int]:
    """End offsets of the records warcio reads with good digests in the first ``limit`` bytes."""
    ends: list[int] = []
    try:
        it = ArchiveIterator(LimitReader(fh, limit), check_digests=True)
        for record in it:
            stream = record.raw_stream
            while stream.read(_CHUNK):
                pass
            it.read_to_end(record)
            if record.digest_checker.passed is False:
                break
            ends.append(it.get_record_offset() + it.get_record_length())
    except Exception as exc:  # noqa: BLE001 - any parse failure ends the good prefix
        logger.info("WARC recovery stopped reading: %s", exc)
    return ends


def good_prefix(path: Path) -> tuple[int, int]:
    """(records, bytes) of the longest prefix of whole, verified records in a WARC file."""
    with open(path, "rb") as fh:
        member_ends = gzip_member_ends(fh)
    if not member_ends:
        return 0, 0
    with open(path, "rb") as fh:
        record_ends = verified_record_ends(fh, member_ends[-1])
    members = set(member_ends)
    best = (0, 0)
    for count, end in enumerate(record_ends, start=1):
        if end in members:
            best = (count, end)
    return best


def recover_warc(path: Path) -> RecoverResult:
    """Cut an ``.open`` WARC file to its last whole record and give it its final name."""
    path = Path(path)
    final = final_path(path)
    with open(path, "r+b") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return RecoverResult(path, path, 0, 0, 0, False, in_use=True)
        size = os.fstat(lock.fileno()).st_size
        if size == 0:
            path.unlink()
            return RecoverResult(path, None, 0, 0, 0, True)
        records, end = good_prefix(path)
        if records == 0 or final.exists():
            marked = final.with_name(final.name + DAMAGED_SUFFIX)
            os.replace(path, marked)
            logger.warning(
                "WARC %s: no whole record (or %s exists), kept as %s", path, final, marked
            )
            return RecoverResult(path, marked, 0, 0, size, False)
        if end < size:
            lock.truncate(end)
        lock.flush()
        os.fsync(lock.fileno())
        os.replace(path, final)
    logger.info("WARC %s recovered: %d records, %d bytes cut off", final, records, size - end)
    return RecoverResult(path, final, records, end, size - end, True)


def index_name(crawl_dir: Path) -> str:
    """The crawl's index file name: from its unsorted spool, else ``<prefix>-<crawl-id>.cdxj``."""
    spools = sorted((crawl_dir / "indexes").glob(".*.cdxj.unsorted"))
    if spools:
        return spools[0].name[1 : -len(".unsorted")]
    warcs = sorted((crawl_dir / "warc").glob("*" + WARC_SUFFIX))
    prefix = warcs[0].name.split("-", 1)[0] if warcs else "crawl"
    return f"{prefix}-{crawl_dir.name}.cdxj"


def recover_crawl_dir(crawl_dir: Path) -> list[RecoverResult | IndexResult]:
    """Recover every ``.open`` WARC of an unfinished crawl and rebuild its CDXJ index.

    A finished crawl (one with ``manifest.json``) and no ``.open`` files is left alone.
    """
    crawl_dir = Path(crawl_dir)
    results: list[RecoverResult | IndexResult] = [
        recover_warc(p) for p in sorted((crawl_dir / "warc").glob("*" + WARC_SUFFIX + OPEN_SUFFIX))
    ]
    if any(r.in_use for r in results if isinstance(r, RecoverResult)):
        return results  # a crawl is still writing here: its own close writes the index
    if (crawl_dir / MANIFEST).is_file() and not results:
        return results
    index_dir = crawl_dir / "indexes"
    index_dir.mkdir(parents=True, exist_ok=True)
    out = index_dir / index_name(crawl_dir)
    warcs = sorted((crawl_dir / "warc").glob("*" + WARC_SUFFIX))
    index_warcs(warcs, out)
    results.append(IndexResult(out, _count_lines(out)))
    for spool in index_dir.glob(".*.cdxj.unsorted"):
        spool.unlink()
    originals = earlier_originals(crawl_dir, [out])
    if originals:
        path = write_sorted(originals, out.with_name(out.stem + ORIGINALS_SUFFIX))
        results.append(IndexResult(path, len(originals)))
    return results


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)
