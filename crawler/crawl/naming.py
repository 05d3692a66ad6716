"""WARC file names in the IIPC style, and the temporary name a file has while it is written.

A name looks like ``<prefix>-<YYYYMMDDHHMMSSmmm>-<serial>-<host>[-<worker>].warc.gz``: the
timestamp is when the file was opened (UTC, milliseconds), the serial counts the files of one
writer from ``00000``. While records are being appended the file is called ``<name>.open``.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from pathlib import Path

WARC_SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"

_UNSAFE = re.compile(r"[^A-Za-z0-9._]+")


def safe_part(text: str) -> str:
    """``text`` reduced to characters safe in a file name part (no dashes, slashes or spaces)."""
    return _UNSAFE.sub("_", text).strip("_") or "x"


def local_host() -> str:
    """This machine's short host name, safe for a file name."""
    return safe_part(socket.gethostname().split(".")[0])


def timestamp17(when: dt.datetime) -> str:
    """``YYYYMMDDHHMMSSmmm`` in UTC."""
    when = when.astimezone(dt.UTC) if when.tzinfo else when
    return when.strftime("%Y%m%d%H%M%S") + f"{when.microsecond // 1000:03d}"


def warc_filename(
    prefix: str, when: dt.datetime, serial: int, host: str, worker: str | None = None
) -> str:
    """The final name of a WARC file, e.g. ``news-20251125222400123-00000-crawl1.warc.gz``."""
    parts = [safe_part(prefix), timestamp17(when), f"{serial:05d}", safe_part(host)]
    if worker:
        parts.append(safe_part(worker))
    return "-".join(parts) + WARC_SUFFIX


def open_path(final: Path) -> Path:
    """Where the file ``final`` lives while it is being written."""
    return final.with_name(final.name + OPEN_SUFFIX)


def final_path(opened: Path) -> Path:
    """The final path of an ``.open`` file."""
    if not opened.name.endswith(OPEN_SUFFIX):
        raise ValueError(f"not an open WARC file: {opened}")
    return opened.with_name(opened.name[: -len(OPEN_SUFFIX)])
