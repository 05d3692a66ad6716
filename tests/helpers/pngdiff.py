"""Compare two PNG screenshots without an imaging library (8-bit RGB/RGBA, not interlaced)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def decode_png(path: Path) -> tuple[int, int, int, bytes]:
    """(width, height, bytes per pixel, raw unfiltered pixel rows) of a PNG as Chromium writes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = prev[x]
            upleft = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upleft
                line[x] = (line[x] + pred) & 0xFF
        out += line
        prev = line
    return width, height, bpp, bytes(out)


def aligned_row_share(replayed: Path, live: Path, max_shift: int = 300) -> tuple[int, float]:
    """How alike two same-width screenshots are when the replay is shifted down by a banner.

    Rows are compared exactly (by their bytes); returns the best downward shift of
    ``replayed`` against ``live`` and the share of overlapping rows that are identical there.
    """
    wa, ha, bpa, pa = decode_png(replayed)
    wb, hb, bpb, pb = decode_png(live)
    assert wa == wb and bpa == bpb, "screenshots of different widths or formats"
    stride = wa * bpa
    rows_a = [hash(pa[y * stride:(y + 1) * stride]) for y in range(ha)]
    rows_b = [hash(pb[y * stride:(y + 1) * stride]) for y in range(hb)]
    best = (0, 0.0)
    for shift in range(max_shift):
        overlap = min(ha - shift, hb)
        same = sum(rows_a[shift + y] == rows_b[y] for y in range(overlap))
        if same / overlap > best[1]:
            best = (shift, same / overlap)
    return best
