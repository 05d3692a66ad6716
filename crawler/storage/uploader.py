"""Uploading spooled files in worker threads: retried until the store takes them, manifest last.

Every job is retried with exponential backoff for as long as the uploader runs, so a store that
is down, refusing or slow only makes files wait in the local spool. A file leaves the spool only
after the stored object is proved equal to it. A crawl's ``manifest.json`` (the commit marker) is
held back until every other file of that crawl is done, and is uploaded only when every file it
lists is verifiably in the store. When waiting files exceed ``spool_max_bytes`` the ``on_full``
callback runs (the crawl pauses); ``on_room`` runs once they are below 80% again.
"""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.crawl import digests
from crawler.storage.jobs import UploadJob, listed_jobs
from crawler.storage.objects import SHA256_META, ObjectStore
from crawler.storage.s3 import explain
from crawler.storage.spool import COMMITTED_FILE, MANIFEST, remove_if_done

logger = logging.getLogger(__name__)

GB = 1_000_000_000
RESUME_FRACTION = 0.8
OUTAGE_LOG_EVERY = 30.0  # seconds between "store unavailable" warnings


class PermanentError(Exception):
    """A file that no retry can upload (gone from the spool, manifest listing a lost file)."""


@dataclass
class UploadCounts:
    """What the uploader has done so far."""

    uploaded_files: int = 0
    uploaded_bytes: int = 0
    present_files: int = 0  # already in the store, verified, not uploaded again
    retries: int = 0
    failed_files: int = 0
    committed: list[Path] = field(default_factory=list)  # crawl folders whose manifest is in


class Uploader:
    """A pool of daemon threads uploading :class:`UploadJob` s to one :class:`ObjectStore`."""

    def __init__(self, store: ObjectStore, *, workers: int = 4, spool_max_bytes: int = 10 * GB,
                 keep: bool = False, defer_delete: bool = False, backoff_base: float = 1.0,
                 backoff_max: float = 60.0,
                 on_full: Callable[[int], object] | None = None,
                 on_room: Callable[[int], object] | None = None) -> None:
        self.store = store
        self.workers = max(1, workers)
        self.spool_max_bytes = spool_max_bytes
        self.keep = keep
        self.defer_delete = defer_delete  # remove a crawl's files only once its manifest is in
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self.on_full, self.on_room = on_full, on_room
        self.counts = UploadCounts()
        self.last_error: str | None = None
        self._cond = threading.Condition()
        self._queue: queue.Queue[UploadJob | None] = queue.Queue()
        self._pending: dict[tuple[Path, str], UploadJob] = {}
        self._done: set[tuple[Path, str]] = set()
        self._failed: dict[tuple[Path, str], UploadJob] = {}
        self._open: Counter[Path] = Counter()  # unfinished non-manifest jobs per crawl
        self._held: dict[Path, UploadJob] = {}  # manifests waiting for their crawl
        self._broken: set[Path] = set()
        self._deferred: dict[Path, list[Path]] = {}  # uploaded files kept until the commit
        self._bytes = 0
        self._full = False
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._outage_since: float | None = None
        self._outage_logged = 0.0

    # --- submitting and waiting (any thread) ---------------------------------------------
    def submit(self, job: UploadJob) -> None:
        """Queue a file. A manifest waits until the rest of its crawl is done, and brings along
        the files it lists that are still in the spool. Never blocks on the store."""
        listed = listed_jobs(job) if job.kind == "manifest" else []
        with self._cond:
            for other in listed:
                self._add(other)
            self._add(job)
            self._check_spool()

    def _add(self, job: UploadJob) -> None:
        ident = (job.crawl_dir, job.relpath)
        known = ident in self._pending or ident in self._done or ident in self._failed
        if known or self._stop.is_set():
            return
        self._start_threads()
        self._pending[ident] = job
        self._bytes += job.size
        if job.kind == "manifest":
            self._held[job.crawl_dir] = job
            self._release_manifest(job.crawl_dir)
        else:
            self._open[job.crawl_dir] += 1
            self._queue.put(job)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing can progress any more; True when that happened in time."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending, timeout)

    def idle(self) -> bool:
        with self._cond:
            return not self._pending

    def stored(self, crawl_dir: Path, relpaths: list[str]) -> bool:
        """True once every one of these files of ``crawl_dir`` is (verifiably) in the store."""
        with self._cond:
            return all((crawl_dir, rel) in self._done for rel in relpaths)

    def stop(self) -> None:
        """Stop retrying: what is not done stays in the spool (an upload in flight may finish)."""
        self._stop.set()
        for _ in self._threads:
            self._queue.put(None)

    def pending_jobs(self) -> list[UploadJob]:
        """Files not (verifiably) in the store yet, including those that failed for good."""
        with self._cond:
            jobs = [*self._pending.values(), *self._failed.values()]
        return sorted(jobs, key=lambda j: (str(j.crawl_dir), j.kind == "manifest", j.relpath))

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    # --- internals (under self._cond unless noted) -----------------------------------------
    def _start_threads(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, name=f"store-upload-{len(self._threads)}",
                                      daemon=True)
            self._threads.append(thread)
            thread.start()

    def _release_manifest(self, crawl: Path) -> None:
        if crawl in self._held and not self._open[crawl]:
            if crawl in self._broken:
                job = self._held.pop(crawl)
                self._failed[(crawl, job.relpath)] = self._pending.pop((crawl, job.relpath))
                self._bytes -= job.size
            else:
                self._queue.put(self._held.pop(crawl))

    def _check_spool(self) -> None:
        if not self._full and self._bytes > self.spool_max_bytes:
            self._full = True
            if self.on_full:
                self.on_full(self._bytes)
        elif self._full and self._bytes <= self.spool_max_bytes * RESUME_FRACTION:
            self._full = False
            if self.on_room:
                self.on_room(self._bytes)

    def _work(self) -> None:  # worker thread
        while (job := self._queue.get()) is not None and not self._stop.is_set():
            self._run(job)

    def _run(self, job: UploadJob) -> None:  # worker thread
        delay = self.backoff_base
        while not self._stop.is_set():
            try:
                outcome = self._transfer(job)
            except PermanentError as exc:
                logger.error("cannot upload %s: %s", job.path, exc)
                self._finish(job, None)
                return
            except Exception as exc:  # the store's trouble: wait and try again
                self._note_outage(job, exc)
                self._stop.wait(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, self.backoff_max)
                continue
            self._finish(job, outcome)
            return

    def _transfer(self, job: UploadJob) -> str:  # worker thread
        """Make the object at ``job.key`` equal the spooled file: "present" or "uploaded"."""
        try:
            size = job.path.stat().st_size
        except FileNotFoundError:
            raise PermanentError("the file is gone from the spool") from None
        if job.sha256 is None:
            job.sha256 = digests.sha256_hex(job.path)
        if job.completed is not None:
            job.completed.sha256 = job.sha256  # the manifest needs it once the file is gone
        if job.kind == "manifest":
            self._check_manifest(job)
        if self.store.mismatch(job.path, job.key, size, job.sha256) is None:
            return "present"
        self.store.upload(job.path, job.key, job.sha256)
        why = self.store.mismatch(job.path, job.key, size, job.sha256)
        if why:
            raise OSError(f"s3://{self.store.bucket}/{job.key} does not match after upload: {why}")
        return "uploaded"

    def _check_manifest(self, job: UploadJob) -> None:  # worker thread
        """Every file the manifest lists must be in the store with its size and sha256."""
        try:
            manifest = json.loads(job.path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise PermanentError(f"the manifest is not valid JSON: {exc}") from None
        base = job.key[: -len(MANIFEST)]
        for entry in manifest.get("files", []):
            head = self.store.head(base + entry["path"])
            recorded = (head or {}).get("Metadata", {}).get(SHA256_META)
            if head is None or head["ContentLength"] != entry["size"] or (
                    recorded and recorded != entry["sha256"]):
                raise PermanentError(f"{entry['path']} (listed in the manifest) is not in the "
                                     "store as listed; the manifest is held back")

    def _note_outage(self, job: UploadJob, exc: Exception) -> None:  # worker thread
        message = explain(exc, self.store.location, self.store.config.describe(self.store.client))
        now = time.monotonic()
        with self._cond:
            self.counts.retries += 1
            self.last_error = message
            if self._outage_since is None:
                self._outage_since = now
            due = now - self._outage_logged >= OUTAGE_LOG_EVERY
            if due:
                self._outage_logged = now
            waiting, size = len(self._pending), self._bytes
        log = logger.warning if due else logger.debug
        log("upload of %s failed, will retry: %s (%d files, %d bytes wait in the spool)",
            job.relpath, message, waiting, size)

    def _finish(self, job: UploadJob, outcome: str | None) -> None:  # worker thread
        """Record a job's end; ``outcome`` None means it failed for good."""
        remove = bool(outcome) and not self.keep and not self._stop.is_set()
        if remove and self.defer_delete and job.kind != "manifest":
            with self._cond:
                self._deferred.setdefault(job.crawl_dir, []).append(job.path)
        elif remove:
            job.path.unlink(missing_ok=True)
        with self._cond:
            ident = (job.crawl_dir, job.relpath)
            self._pending.pop(ident, None)
            self._bytes -= job.size
            if outcome:
                self._done.add(ident)
            if self._outage_since is not None and outcome:
                logger.info("object store reachable again after %.0fs",
                            time.monotonic() - self._outage_since)
                self._outage_since = None
            if outcome == "uploaded":
                self.counts.uploaded_files += 1
                self.counts.uploaded_bytes += job.size
            elif outcome == "present":
                self.counts.present_files += 1
            else:
                self.counts.failed_files += 1
                self._failed[ident] = job
                self._broken.add(job.crawl_dir)
            if job.kind == "manifest":
                if outcome:
                    self.counts.committed.append(job.crawl_dir)
                    if self.keep:
                        (job.crawl_dir / COMMITTED_FILE).touch()
                    if remove:
                        for path in self._deferred.pop(job.crawl_dir, []):
                            path.unlink(missing_ok=True)
                        remove_if_done(job.crawl_dir)
            else:
                self._open[job.crawl_dir] -= 1
                self._release_manifest(job.crawl_dir)
            self._check_spool()
            self._cond.notify_all()
