"""Which payloads were archived before: in this crawl, or in earlier crawls of the same store.

Only 2xx responses whose payload is at least ``min_size`` bytes take part. Earlier crawls are the
sibling folders of this crawl (``<out>/<spider>/<crawl-id>/``) that hold a ``manifest.json``,
that is, crawls that finished; their CDXJ indexes give the payload digests and where each
original record is. A revisit refers to the first capture of a payload found (oldest crawl
first, then this crawl's earliest capture).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import timestamp_to_iso_date

from crawler.warc.cdxj import read_cdxj
from crawler.warc.records import Original

logger = logging.getLogger(__name__)

DEFAULT_MIN_SIZE = 256
MANIFEST = "manifest.json"


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


@dataclass
class DigestIndex:
    """Payload digest → the original record; earlier crawls' entries keep their CDXJ line."""

    min_size: int = DEFAULT_MIN_SIZE
    _seen: dict[str, Original] = field(default_factory=dict)
    _lines: dict[str, str] = field(default_factory=dict)
    _dirs: dict[str, Path] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self._seen)

    def lookup(self, digest: str) -> Original | None:
        """The original of ``digest``, if archived before."""
        return self._seen.get(digest)

    def add(self, digest: str, original: Original) -> None:
        """Remember ``original`` unless the digest is known already."""
        self._seen.setdefault(digest, original)

    def earlier_line(self, digest: str) -> str | None:
        """The CDXJ line of an original from an earlier crawl (None for this crawl's)."""
        return self._lines.get(digest)

    def load_crawl(self, crawl_dir: Path) -> int:
        """Add the eligible originals indexed by a finished crawl; returns how many were new."""
        added = 0
        for index in crawl_index_files(crawl_dir):
            for entry in read_cdxj(index):
                f = entry.fields
                digest = f.get("digest")
                if not digest or entry.is_revisit or digest in self._seen:
                    continue
                if not str(f.get("status", "")).startswith("2"):
                    continue
                self._seen[digest] = Original(
                    uri=f["url"],
                    date=timestamp_to_iso_date(entry.timestamp),
                    record_id=None,
                    filename=f["filename"],
                    offset=int(f["offset"]),
                    length=int(f["length"]),
                    crawl_id=crawl_dir.name,
                )
                self._lines[digest] = entry.line
                self._dirs[crawl_dir.name] = crawl_dir
                added += 1
        return added

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
        original = self._seen.get(digest)
        if original is None or original.record_id or digest not in self._lines:
            return original
        crawl_dir = self._dirs.get(original.crawl_id or "")
        path = crawl_dir / "warc" / original.filename if crawl_dir else None
        if path is None or not path.is_file():
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
        original = replace(original, record_id=record_id, date=date)
        self._seen[digest] = original
        return original


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
    for other in completed_crawls(crawl_dir.parent, exclude=crawl_dir.name):
        if other.name < crawl_dir.name:
            earlier.load_crawl(other)
    return [line for d in sorted(missing) if (line := earlier.earlier_line(d)) is not None]
