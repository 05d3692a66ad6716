"""Scratch files and folders that a killed crawl cannot remove, removed by the next one.

A crawl keeps two scratch things in the system's temporary folder (or the folder its settings
name): the queue spool (``crawler-spool-*``, :mod:`crawler.engine.queues`) and the revisit digest
index (``crawler-digests-*.sqlite``, :mod:`crawler.warc.dedup`). Both go when the crawl closes, but
``kill -9``, the OOM killer or a lost container leave them behind, and a scheduled crawl that
is killed often fills the disk. Each live owner holds an exclusive ``flock`` on its scratch
path for as long as it runs; :func:`sweep` removes the ones whose lock it can take, so a
crawl still running (in this process namespace or another sharing the folder) keeps its files.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

MIN_AGE_SECONDS = 60.0  # younger paths may be between creation and locking


class ScratchLock:
    """An exclusive ``flock`` on a scratch file or folder, held until :meth:`release`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


def _abandoned(path: Path, now: float) -> bool:
    """True when ``path`` is old enough and no live process holds its lock."""
    try:
        if now - path.lstat().st_mtime < MIN_AGE_SECONDS:
            return False
        ScratchLock(path).release()
    except OSError:  # gone, or its owner is alive and holds the lock
        return False
    return True


def sweep(pattern: str, folder: str | Path | None = None) -> list[Path]:
    """Remove the scratch paths matching ``pattern`` in ``folder`` (default: the temporary
    folder) that no live crawl holds; returns what was removed."""
    parent = Path(folder or tempfile.gettempdir())
    now, removed = time.time(), []
    for path in sorted(parent.glob(pattern)):
        if not _abandoned(path, now):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            logger.warning("Could not remove %s, left by a crawl that was killed: %s", path, exc)
            continue
        removed.append(path)
    if removed:
        logger.warning("Removed %d scratch path(s) left by crawls that were killed: %s",
                    len(removed), ", ".join(p.name for p in removed))
    return removed
