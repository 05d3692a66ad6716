"""The names of a crawl's files, and the temporary name a file has while it is written.

WARC files are named in the IIPC style, ``<prefix>-<YYYYMMDDHHMMSSmmm>-<serial>-<host>[-<worker>]
.warc.gz``: the timestamp is when the file was opened (UTC, milliseconds), the serial counts the
files of one writer from ``00000``. While records are being appended a file is called
``<name>.open``. The workers of a distributed crawl write into one crawl folder, so every file a
worker writes carries its id (:class:`FileNames`, one per writer: the crawl context settles this
process's; a reaper asks for a dead worker's).
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from dataclasses import dataclass
from pathlib import Path

WARC_SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"
PART_SUFFIX = ".jsonl.gz"  # a JSON Lines part of article records
INDEX_SUFFIX = ".cdxj"
MANIFEST = "manifest.json"
FACTS_FILE = "site-facts.json"

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


@dataclass(frozen=True)
class FileNames:
    """The names of the files one writer of a crawl writes, and how to find them again.

    ``worker`` (``WORKER_ID``, made safe) is set for a worker of a distributed crawl, None for a
    crawl of one process; ``prefix`` is the WARC and index prefix (``WARC_PREFIX``, else the
    spider's name).
    """

    prefix: str = "crawl"
    worker: str | None = None

    @property
    def _tag(self) -> str:
        return f"-{self.worker}" if self.worker else ""

    def warc(self, when: dt.datetime, serial: int, host: str) -> str:
        """A WARC file: ``<prefix>-<timestamp>-<serial>-<host>[-<worker>].warc.gz``."""
        return warc_filename(self.prefix, when, serial, host, self.worker)

    def index(self, crawl_id: str) -> str:
        """The CDXJ index of this writer's WARC files: ``<prefix>-<crawl-id>[-<worker>].cdxj``."""
        return f"{self.prefix}-{crawl_id}{self._tag}{INDEX_SUFFIX}"

    def articles_part(self, serial: int) -> str:
        """A part of article records: ``articles[-<worker>]-<serial>.jsonl.gz``."""
        return f"articles{self._tag}-{serial:05d}{PART_SUFFIX}"

    @property
    def report(self) -> str:
        """The report's name without suffix: ``report[-<worker>]`` (``.json``, ``.html``)."""
        return f"report{self._tag}"

    @property
    def facts(self) -> str:
        """The site-fact revisions records were finalised with: ``site-facts[-<worker>].json``."""
        return f"site-facts{self._tag}.json" if self.worker else FACTS_FILE

    # --- finding a worker's files again (crawler.distributed.worker_files) --------------------
    def warc_pattern(self, opened: bool = False) -> str:
        """A glob of this writer's WARC files in ``warc/`` (``opened``: those left open)."""
        return f"*{self._tag}{WARC_SUFFIX}" + (OPEN_SUFFIX if opened else "")

    def parts_pattern(self, opened: bool = False) -> str:
        """A glob of this writer's article parts in ``articles/``."""
        return f"articles{self._tag}-*{PART_SUFFIX}" + (OPEN_SUFFIX if opened else "")

    def kind_of(self, relpath: str) -> str | None:
        """The manifest kind of ``relpath`` (relative to the crawl folder) when this writer wrote
        it, else None."""
        folder, _, name = relpath.rpartition("/")
        if folder == "warc" and name.endswith(f"{self._tag}{WARC_SUFFIX}"):
            return "warc"
        if folder == "indexes" and name.endswith(f"{self._tag}{INDEX_SUFFIX}"):
            return "index"
        if folder == "articles" and name.startswith(f"articles{self._tag}-") and name.endswith(
                PART_SUFFIX):
            return "articles"
        if not folder and name in (f"{self.report}.json", f"{self.report}.html"):
            return "report"
        if not folder and name == self.facts:
            return "facts"
        return None
