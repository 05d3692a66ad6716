"""Appending records to rotating, per-record gzipped WARC files.

Each record becomes one gzip member, so any record can be read with one ranged read. A file is
written as ``<name>.open``, opens with a ``warcinfo`` record, rotates to the next serial once it
has reached ``max_size`` (checked between writes, so a file may pass it by one exchange), and is
renamed to ``<name>`` when closed. Plain file I/O only: no Twisted.

Members are compressed with ISA-L (``isal``, the same deflate format as zlib, any gzip reader
reads them) at its level 1: ``bench/warc_write.py`` measured it at a third of zlib's level 6 CPU
for an archive 0.5 % larger (most payloads arrive compressed already).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from isal import isal_zlib
from warcio.recordloader import ArcWarcRecord
from warcio.warcwriter import WARCWriter

from crawler.crawl.naming import final_path, local_host, open_path, warc_filename
from crawler.warc.blocks import RecordParts
from crawler.warc.records import WARC_VERSION, RecordFactory

DEFAULT_MAX_SIZE = 1_000_000_000
DEFAULT_COMPRESSLEVEL = 1  # ISA-L's levels are 0 to 3


@dataclass(frozen=True)
class RecordLocation:
    """Where a record was written: file name (final name), byte offset and length in the file."""

    filename: str
    offset: int
    length: int


def gzip_member(chunks: Iterable[bytes], level: int = DEFAULT_COMPRESSLEVEL) -> bytes:
    """The chunks, one after the other, as one gzip member."""
    packer = isal_zlib.compressobj(level, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)
    out = [packer.compress(chunk) for chunk in chunks if chunk]
    out.append(packer.flush())
    return b"".join(out)


def serialize(record: ArcWarcRecord, level: int = DEFAULT_COMPRESSLEVEL) -> bytes:
    """One record as one gzip member, digests and lengths filled in by warcio."""
    raw = BytesIO()
    WARCWriter(raw, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return gzip_member((raw.getvalue(),), level)


def member(parts: RecordParts, warcinfo_id: str, level: int = DEFAULT_COMPRESSLEVEL) -> bytes:
    """One record built by ``crawler.warc.blocks`` as one gzip member, linked to its file's
    warcinfo record as warcio's writer links it."""
    head = b"".join((parts.head, b"WARC-Warcinfo-ID: ", warcinfo_id.encode("utf-8"), b"\r\n",
                     parts.tail, parts.block[0]))
    return gzip_member((head, *parts.block[1:]), level)


class RotatingWarcWriter:
    """Writes records into a series of WARC files in ``directory``; thread-safe."""

    def __init__(
        self,
        directory: Path,
        prefix: str,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        info: Mapping[str, object] | None = None,
        on_closed: Callable[[Path], object] | None = None,
        host: str | None = None,
        worker: str | None = None,
        compresslevel: int = DEFAULT_COMPRESSLEVEL,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.info = dict(info or {})
        self.on_closed = on_closed
        self.host = host or local_host()
        self.worker = worker
        self.compresslevel = compresslevel
        self.clock = clock
        self.closed_files: list[Path] = []
        self._factory = RecordFactory()
        self._lock = threading.Lock()
        self._serial = 0
        self._fh: BinaryIO | None = None
        self._path: Path | None = None
        self._size = 0
        self._warcinfo_id = ""

    @property
    def current_path(self) -> Path | None:
        """The final path of the file being written, if one is open."""
        return final_path(self._path) if self._path else None

    def write(self, records: Sequence[ArcWarcRecord | RecordParts]) -> list[RecordLocation]:
        """Append ``records`` (one exchange: warcio records, or records built by
        ``crawler.warc.blocks``) to the current file; returns where each one went."""
        with self._lock:
            if self._fh is not None and self._size >= self.max_size:
                self._close_current()
            if self._fh is None:
                self._open_next()
            return self._append(records, link=True)

    def close(self) -> None:
        """Close and rename the current file, if any."""
        with self._lock:
            if self._fh is not None:
                self._close_current()

    def _append(self, records: Sequence[ArcWarcRecord | RecordParts],
                link: bool) -> list[RecordLocation]:
        assert self._fh is not None and self._path is not None
        name = final_path(self._path).name
        members: list[bytes] = []
        places: list[RecordLocation] = []
        offset = self._size
        for record in records:
            if isinstance(record, RecordParts):
                data = member(record, self._warcinfo_id, self.compresslevel)
            else:
                if link:
                    record.rec_headers.replace_header("WARC-Warcinfo-ID", self._warcinfo_id)
                data = serialize(record, self.compresslevel)
            members.append(data)
            places.append(RecordLocation(name, offset, len(data)))
            offset += len(data)
        self._fh.write(b"".join(members))
        self._fh.flush()  # whole records reach the file; a crash cuts at most the last one
        self._size = offset
        return places

    def _open_next(self) -> None:
        name = warc_filename(self.prefix, self.clock(), self._serial, self.host, self.worker)
        self._serial += 1
        self.directory.mkdir(parents=True, exist_ok=True)
        self._path = open_path(self.directory / name)
        self._fh = open(self._path, "xb")  # noqa: SIM115 - closed in _close_current
        # Held until closed (or the process dies): recovery leaves locked files alone.
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._size = 0
        warcinfo = self._factory.warcinfo(name, self.info)
        self._warcinfo_id = warcinfo.rec_headers.get_header("WARC-Record-ID")
        self._append([warcinfo], link=False)

    def _close_current(self) -> None:
        assert self._fh is not None and self._path is not None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        final = final_path(self._path)
        os.replace(self._path, final)
        self._fh, self._path, self._size = None, None, 0
        self.closed_files.append(final)
        if self.on_closed is not None:
            self.on_closed(final)
