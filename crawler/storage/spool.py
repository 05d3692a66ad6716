"""The local spool of s3:// crawls: where each crawl folder goes, and what in it still waits.

A crawl to ``s3://…`` writes into ``<spool>/<site>/<crawl-id>/`` (see ``crawler.crawl.output``). The
upload extension drops ``.store-target.json`` there (the output URI and endpoint, never
credentials) so ``crawler upload`` or a later crawl can finish the job, and holds an exclusive
lock on ``.store.lock`` while it works so two processes never upload the same folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from crawler.crawl.output import RUNNING_FILE
from crawler.storage.s3 import S3Location

TARGET_FILE = ".store-target.json"
LOCK_FILE = ".store.lock"
COMMITTED_FILE = ".store-committed"  # a kept (SPOOL_KEEP) folder whose manifest is in the store
MANIFEST = "manifest.json"
_UNFINISHED = (".open", ".tmp", ".unsorted", ".part")
_KIND_BY_DIR = {"warc": "warc", "indexes": "index", "articles": "articles"}


@dataclass(frozen=True)
class SpoolTarget:
    """Where a spooled crawl folder belongs in the store."""

    uri: str  # the crawl's output: s3://bucket/prefix
    site: str  # the crawl's folder under it (written as "spider" before 0.2)
    crawl_id: str
    endpoint_url: str | None = None  # S3_ENDPOINT_URL when it was set; else boto3's default
    region: str | None = None
    addressing_style: str | None = None

    def location(self) -> S3Location:
        """The crawl's own folder in the store: ``<prefix>/<site>/<crawl-id>``."""
        return S3Location.parse(self.uri).child(self.site, self.crawl_id)


def write_target(crawl_dir: Path, target: SpoolTarget) -> None:
    """Record the crawl's destination in its spool folder (atomically)."""
    tmp = crawl_dir / (TARGET_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(target), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, crawl_dir / TARGET_FILE)


def read_target(crawl_dir: Path) -> SpoolTarget | None:
    """The destination recorded in a spool folder, or None when it is not one."""
    try:
        data = json.loads((crawl_dir / TARGET_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    data.setdefault("site", data.get("spider"))  # a spool folder of the per-spider layout
    return SpoolTarget(**{k: data.get(k) for k in SpoolTarget.__dataclass_fields__})


class CrawlLock:
    """An exclusive, non-blocking ``flock`` on a spool folder; the OS drops it if we die."""

    def __init__(self, crawl_dir: Path) -> None:
        self.path = crawl_dir / LOCK_FILE
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """True when this process now holds the lock, False when another one does."""
        handle = open(self.path, "ab")  # noqa: SIM115 - kept open while the lock is held
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def is_final(path: Path) -> bool:
    """A file a writer has finished: not hidden, not temporary."""
    return not path.name.startswith(".") and not path.name.endswith(_UNFINISHED)


def kind_of(relpath: str) -> str:
    """The kind of a spooled file from its folder (used when there is no manifest to say)."""
    if relpath == MANIFEST:
        return "manifest"
    if relpath.endswith("-originals.cdxj"):
        return "revisit-originals"
    return _KIND_BY_DIR.get(relpath.split("/", 1)[0], "other")


def waiting_files(crawl_dir: Path) -> list[tuple[str, str]]:
    """``(relpath, kind)`` of every finished file in a spool folder, the manifest last.

    With a manifest, the files it lists (those still here) and the manifest; without one (the
    crawl died before it ended), every finished file.
    """
    manifest_path = crawl_dir / MANIFEST
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = [(f["path"], f.get("kind") or kind_of(f["path"])) for f in manifest["files"]
                 if (crawl_dir / f["path"]).is_file()]
        return [*files, (MANIFEST, "manifest")]
    found = []
    for path in sorted(crawl_dir.rglob("*")):
        rel = path.relative_to(crawl_dir)
        if path.is_file() and is_final(path) and not any(p.startswith(".") for p in rel.parts):
            found.append((rel.as_posix(), kind_of(rel.as_posix())))
    return found


def spool_crawl_dirs(path: Path) -> list[Path]:
    """The spool crawl folders at ``path``: itself, or those under a site folder or spool root."""
    if (path / TARGET_FILE).is_file():
        return [path]
    found = sorted(p.parent for p in path.glob(f"*/{TARGET_FILE}"))
    return found or sorted(p.parent for p in path.glob(f"*/*/{TARGET_FILE}"))


def remove_if_done(crawl_dir: Path) -> bool:
    """Delete a fully uploaded spool folder: only our marker files and empty folders may be
    left; anything else is kept, and so is the folder. True when the folder is gone."""
    markers = {crawl_dir / name for name in (TARGET_FILE, LOCK_FILE, COMMITTED_FILE, RUNNING_FILE)}
    if any(p.is_file() and p not in markers for p in crawl_dir.rglob("*")):
        return False
    for marker in markers:
        marker.unlink(missing_ok=True)
    for sub in sorted((p for p in crawl_dir.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()
    try:
        crawl_dir.rmdir()
    except OSError:
        return False
    with contextlib.suppress(OSError):
        crawl_dir.parent.rmdir()  # the site folder, when this was its last crawl
    return True
