"""CDXJ index lines for pywb, made with cdxj-indexer's own field logic.

Lines for records this crawl writes are made when each record is written (the record, its file
name, offset and length are all in hand, so no WARC is read back), appended to a spool, and
sorted into the final index when the crawl ends with cdxj-indexer's external sort. Whole WARC
files (recovery, replay) are indexed with cdxj-indexer directly. A line is
``<surt> <14-digit timestamp> {json}`` as cdxj-indexer writes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

from cdxj_indexer.main import CDXJIndexer, SortingWriter, write_cdx_index
from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_timestamp

from crawler.warc.blocks import IndexFields

SORT_BUFFER_CHARS = 4 * 2**20  # lines sorted in memory at once; more go through sorted runs on disk


class _Position:
    """Stands in for the ArchiveIterator cdxj-indexer asks for a record's offset and length."""

    def __init__(self, offset: int, length: int) -> None:
        self.offset, self.length = offset, length

    def get_record_offset(self) -> int:
        return self.offset

    def get_record_length(self) -> int:
        return self.length


class LineMaker:
    """Makes the CDXJ line cdxj-indexer would write for a record at a known place."""

    def __init__(self) -> None:
        self._indexer = CDXJIndexer(output=None, inputs=[])

    def line(self, record: ArcWarcRecord, filename: str, offset: int, length: int) -> str | None:
        """The line (with newline) for ``record``, or None for records pywb does not index."""
        if not self._indexer.filter_record(record):
            return None
        self._indexer.curr_filename = filename
        out = StringIO()
        self._indexer.process_index_entry(_Position(offset, length), record, filename, out)
        return out.getvalue()

    def fields_line(self, fields: IndexFields, filename: str, offset: int, length: int) -> str:
        """The same line for a response or revisit record built by ``crawler.warc.blocks``,
        from what it holds (cdxj-indexer's fields, their order and its JSON)."""
        index: dict[str, str] = {"url": fields.url}
        mime = fields.mime
        if mime and mime != "warc/revisit":
            mime = CDXJIndexer.RE_SPACE.split(mime, 1)[0].strip()
        if mime is not None:
            index["mime"] = mime
        if fields.status is not None:
            index["status"] = fields.status
        index.update(digest=fields.digest, length=str(length), offset=str(offset),
                     filename=filename)
        timestamp = iso_date_to_timestamp(fields.date)
        return f"{self._indexer.get_url_key(fields.url)} {timestamp} {json.dumps(index)}\n"


@dataclass(frozen=True)
class CdxjEntry:
    """One parsed CDXJ line."""

    urlkey: str
    timestamp: str
    fields: dict[str, Any]
    line: str

    @property
    def is_revisit(self) -> bool:
        return self.fields.get("mime") == "warc/revisit"


def parse_line(line: str) -> CdxjEntry | None:
    """Parse one CDXJ line; None for blank, comment or malformed lines."""
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) != 3 or not parts[2].startswith("{"):
        return None
    try:
        fields = json.loads(parts[2])
    except ValueError:
        return None
    return CdxjEntry(parts[0], parts[1], fields, line if line.endswith("\n") else line + "\n")


def read_cdxj(path: Path) -> Iterator[CdxjEntry]:
    """The entries of a CDXJ file."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            entry = parse_line(line)
            if entry is not None:
                yield entry


def write_sorted(lines: Iterable[str], out_path: Path) -> Path:
    """Write ``lines`` sorted (and de-duplicated) to ``out_path``, atomically, holding at most
    :data:`SORT_BUFFER_CHARS` of them in memory (cdxj-indexer's external merge sort)."""
    tmp = out_path.with_name(out_path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        sorter = SortingWriter(fh, max_sort_buff_size=SORT_BUFFER_CHARS)
        for line in lines:
            sorter.write(line)
        sorter.flush()
    os.replace(tmp, out_path)
    return out_path


def index_warcs(warc_paths: Iterable[Path], out_path: Path) -> Path:
    """Index whole WARC files with cdxj-indexer into one sorted CDXJ file."""
    tmp = out_path.with_name(out_path.name + ".tmp")
    write_cdx_index(str(tmp), [str(p) for p in warc_paths], {"sort": True})
    os.replace(tmp, out_path)
    return out_path


class IndexSpool:
    """Collects a crawl's CDXJ lines as records are written; :meth:`finish` sorts them."""

    def __init__(self, out_path: Path) -> None:
        self.out_path = out_path
        self.spool_path = out_path.with_name("." + out_path.name + ".unsorted")
        self._maker = LineMaker()
        out_path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.spool_path, "a", encoding="utf-8")  # noqa: SIM115 - see finish()
        self.count = 0

    def add(self, record: ArcWarcRecord, filename: str, offset: int, length: int) -> str | None:
        """Index one written record; returns its line (None when not indexed)."""
        line = self._maker.line(record, filename, offset, length)
        if line is not None:
            self._fh.write(line)
            self.count += 1
        return line

    def add_fields(self, fields: IndexFields, filename: str, offset: int, length: int) -> str:
        """Index the response or revisit record of an exchange built by ``crawler.warc.blocks``;
        returns its line."""
        line = self._maker.fields_line(fields, filename, offset, length)
        self._fh.write(line)
        self.count += 1
        return line

    def finish(self) -> Path:
        """Sort the spooled lines into :attr:`out_path` and remove the spool."""
        self._fh.close()
        with open(self.spool_path, encoding="utf-8") as fh:
            write_sorted(fh, self.out_path)
        self.spool_path.unlink()
        return self.out_path
