"""One crawl of a spider into an output at a time: an ``flock`` on ``<out>/<spider>/.crawl.lock``.

Two runs of the same crawl would share the state database and could resume the same folder, so
the second one stops before it writes anything. The lock is an advisory ``fcntl.flock`` on a
file beside the state; the kernel drops it when the holder exits, even after ``kill -9``, so a
stale lock never needs cleaning up. The file holds the holder's pid and start time, for the
error message only. For ``s3://`` outputs the lock lives in the local spool
(``<spool>/<spider>/``), so it only excludes runs on the same machine or volume.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import socket
from pathlib import Path
from typing import IO

LOCK_NAME = ".crawl.lock"
_HELD: dict[Path, CrawlLock] = {}  # locks this process holds, by resolved path


class CrawlLocked(RuntimeError):
    """Another process holds the lock."""


def lock_path(spider_dir: str | Path) -> Path:
    """Where the lock of ``<out>/<spider>/`` lives."""
    return Path(spider_dir) / LOCK_NAME


class CrawlLock:
    """An exclusive, non-blocking lock; use ``with`` or :meth:`acquire` / :meth:`release`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh: IO[str] | None = None

    def acquire(self) -> CrawlLock:
        """Take the lock or raise :class:`CrawlLocked` with who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held while locked
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown process"
            fh.close()
            raise CrawlLocked(
                f"another crawl is running into {self.path.parent} ({holder}); "
                f"wait for it to end (lock file {self.path})"
            ) from None
        fh.seek(0)
        fh.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        fh.write(f"pid {os.getpid()} on {socket.gethostname()} since {started}\n")
        fh.flush()
        self._fh = fh
        _HELD[self.path.resolve()] = self
        return self

    def release(self) -> None:
        """Drop the lock (the file stays; an unlocked file means nothing)."""
        if self._fh is None:
            return
        _HELD.pop(self.path.resolve(), None)
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
        self._fh.close()
        self._fh = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fh is not None

    def __enter__(self) -> CrawlLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def held_here(path: str | Path) -> bool:
    """True when this process holds the lock at ``path`` already (e.g. the CLI took it)."""
    return Path(path).resolve() in _HELD
