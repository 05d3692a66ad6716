"""Salvaging the article part a killed crawl left open: ``articles/*.jsonl.gz.open``.

The JSON Lines pipeline writes a gzip stream and flushes it (a gzip sync point) every few
records, so a killed crawl leaves a stream that decompresses up to its last flush and then stops
mid-block. :func:`salvage_part` keeps the whole lines that parse as JSON, writes them as a closed
part under the final name (temporary file, fsync, rename) and removes the ``.open`` file.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPEN_SUFFIX = ".open"
_CHUNK = 1 << 16


@dataclass
class SalvageResult:
    """What :func:`salvage_part` did with one ``.open`` part."""

    source: Path
    path: Path | None  # the closed part, or None when nothing was worth keeping
    records: int
    dropped_bytes: int  # decompressed bytes after the last whole line

    def __str__(self) -> str:
        if self.path is None:
            return f"{self.source.name}: no whole record, removed"
        return (f"{self.source.name}: {self.records} records kept as {self.path.name} "
                f"({self.dropped_bytes} bytes of a cut record dropped)")


def readable_prefix(path: Path) -> bytes:
    """The decompressed bytes of a gzip file up to where it is cut or damaged."""
    out = bytearray()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            while chunk:
                saved = inflater.copy()
                try:
                    out += inflater.decompress(chunk)
                except zlib.error:  # a failed call returns nothing: redo it a byte at a time
                    out += _up_to_error(saved, chunk)
                    return bytes(out)
                if not inflater.eof:
                    break
                chunk = inflater.unused_data  # a further gzip member
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return bytes(out)


def _up_to_error(inflater: Any, chunk: bytes) -> bytes:
    """What ``inflater`` yields from ``chunk`` before the first byte it cannot decode."""
    out = bytearray()
    for i in range(len(chunk)):
        try:
            out += inflater.decompress(chunk[i : i + 1])
        except zlib.error:
            break
        if inflater.eof:
            break
    return bytes(out)


def whole_records(data: bytes) -> tuple[list[bytes], int]:
    """Lines of ``data`` that end with a newline and parse as JSON objects, and the bytes left."""
    end = data.rfind(b"\n") + 1
    kept = []
    for line in data[:end].splitlines():
        try:
            if isinstance(json.loads(line), dict):
                kept.append(line)
        except ValueError:
            continue
    return kept, len(data) - end


def salvage_part(path: Path) -> SalvageResult:
    """Turn ``<part>.jsonl.gz.open`` into ``<part>.jsonl.gz`` holding its whole records."""
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"not an open part: {path}")
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    lines, dropped = whole_records(readable_prefix(path))
    if not lines:
        path.unlink()
        return SalvageResult(path, None, 0, dropped)
    tmp = final.with_name("." + final.name + ".tmp")
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
            gz.write(b"\n".join(lines) + b"\n")
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(tmp, final)
    path.unlink()
    return SalvageResult(path, final, len(lines), dropped)


def read_part(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a closed part."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
