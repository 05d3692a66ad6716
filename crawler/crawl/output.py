"""Where a crawl's files go, what they are called, and the registry of files it has finished.

Layout, identical on a local folder and on object storage::

    <out>/<site>/<crawl-id>/warc/*.warc.gz
                           /indexes/*.cdxj
                           /articles/*.jsonl.gz
                           /manifest.json      (written last: the commit marker)

``<site>`` is the crawl's site key (``crawler.pages.site``): the profile's name for a profile's own
site (``vsedelo``), else the host and a non-default port (``example.com``, ``127.0.0.1_8001``).
Crawls of different sites never share a folder, a state, a lock or a spool. While a crawl runs,
each process writing into its folder holds a shared ``flock`` on ``<crawl-id>/.running``, so
``crawler ls`` can tell a crawl in progress from one that was abandoned.

A crawl has one :class:`CrawlOutput`, made by its context (``crawler.crawl.context``) once the
crawl id is settled: local or object storage decided there (:attr:`CrawlOutput.remote`), and this
process's file names (:attr:`CrawlOutput.names`). Writers register a closer (called once when the
crawl ends) and report each file when it is complete, so the manifest and the uploader see only
whole files.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.crawl.naming import MANIFEST, FileNames

SUBDIRS = ("warc", "indexes", "articles")
RUNNING_FILE = ".running"  # held (shared flock) by every process writing the crawl
# The order in which a crawl's closers run when it ends (lower first; equal ones in the order
# they were registered). Writers close before anything reads what they wrote; the manifest is
# built after every closer has run (crawler.storage.commit).
CLOSE_ORDER: dict[str, int] = {
    "articles": 10,  # JSON Lines parts (pipelines.jsonl)
    "warc": 20,  # WARC files and their indexes (crawler.warc.middleware)
    "peers": 80,  # a distributed worker's view of the others, before the monitors read it
    "monitors": 85,  # the crawl's checks, over every writer's stats (crawler.monitors.monitoring)
    "site_facts": 85,  # the site facts revisions, after the JSON parts (crawler.sitefacts)
    "report": 90,  # report.json/report.html (crawler.report.collector)
    "state": 90,  # the crawl state's last batch (crawler.state.state_extension)
}


def is_remote(uri: str | None) -> bool:
    """True for an object-storage output (``s3://bucket/prefix``): the crawl is written to a
    local spool and uploaded; anything else is a local folder."""
    return bool(uri) and str(uri).startswith("s3://")


def new_crawl_id(now: dt.datetime | None = None) -> str:
    """A sortable, unique crawl id such as ``20251125T222400Z-3f9a``."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


@dataclass
class CompletedFile:
    """A file the crawl has closed for good; ``relpath`` is relative to the crawl folder."""

    relpath: str
    kind: str  # "warc", "index", "articles", "report", ...
    size: int


@dataclass
class CrawlOutput:
    """The local folder of one crawl and the files written into it so far."""

    root: Path
    spider: str
    crawl_id: str
    uri: str  # what the user asked for: a folder or s3://bucket/prefix
    site: str = ""  # the site key: the folder under the output (default: the spider's name)
    names: FileNames = field(default_factory=FileNames)  # this process's file names
    completed: list[CompletedFile] = field(default_factory=list)
    manifest: dict[str, Any] | None = None  # the crawl's manifest document, once built
    report_path: Path | None = None  # the crawl report (report.html), once written
    _closers: list[tuple[int, Callable[[], Any]]] = field(default_factory=list)
    _listeners: list[Callable[[CompletedFile], Any]] = field(default_factory=list)
    _rotators: list[Callable[[], Any]] = field(default_factory=list)
    _running: Any = None  # the open .running file while this process writes the crawl

    @property
    def folder(self) -> str:
        """The crawl's folder under the output (and its key prefix in a store): the site."""
        return self.site or self.spider

    def names_of(self, worker: str) -> FileNames:
        """The file names of another writer of this crawl (a distributed crawl's ``worker``)."""
        return FileNames(prefix=self.names.prefix, worker=worker)

    @property
    def remote(self) -> bool:
        """The output is object storage (``s3://``); :attr:`root` is its local spool."""
        return is_remote(self.uri)

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @property
    def index_dir(self) -> Path:
        return self.root / "indexes"

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def prepare(self) -> None:
        """Create the folders; raises OSError with the path when they cannot be written."""
        for sub in SUBDIRS:
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        # a name of its own: workers of a distributed crawl share this folder and start together
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".write-test-"):
            pass
        if self._running is None:
            self._running = hold_running(self.root)

    def finish(self) -> None:
        """This process has written its last file of the crawl: its hold on ``.running`` ends,
        and the file goes when no other process (a worker of the same crawl) holds it."""
        handle, self._running = self._running, None
        if handle is None:
            return
        handle.close()
        path = self.root / RUNNING_FILE
        try:
            check = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError:
            return
        with check:
            try:
                fcntl.flock(check.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # another process still writes the crawl
            path.unlink(missing_ok=True)

    def add_closer(self, closer: Callable[[], Any], stage: str) -> None:
        """Call ``closer`` when the crawl ends, at its ``stage`` of :data:`CLOSE_ORDER`."""
        self._closers.append((CLOSE_ORDER[stage], closer))

    def add_rotator(self, rotate: Callable[[], Any]) -> None:
        """Call ``rotate`` on :meth:`rotate`: close the file being written (the next write
        opens a new one)."""
        self._rotators.append(rotate)

    def rotate(self) -> list[CompletedFile]:
        """Close every file being written now; returns the files that completed."""
        before = len(self.completed)
        for rotate in self._rotators:
            rotate()
        return self.completed[before:]

    def on_completed(self, listener: Callable[[CompletedFile], Any]) -> None:
        """Call ``listener`` for every file reported complete from now on."""
        self._listeners.append(listener)

    def file_completed(self, path: Path, kind: str) -> CompletedFile:
        """Report that ``path`` (inside the crawl folder) is closed and final."""
        done = CompletedFile(
            relpath=path.relative_to(self.root).as_posix(), kind=kind, size=path.stat().st_size
        )
        self.completed.append(done)
        for listener in self._listeners:
            listener(done)
        return done

    def close_writers(self) -> None:
        """Run every registered closer once, in order."""
        closers, self._closers = sorted(self._closers, key=lambda c: c[0]), []
        for _, closer in closers:
            closer()


def hold_running(crawl_dir: Path) -> Any:
    """A shared ``flock`` on ``<crawl_dir>/.running``, held until the file is closed (or the
    process dies): the crawl is being written."""
    handle = open(crawl_dir / RUNNING_FILE, "a")  # noqa: SIM115 - held while the crawl runs
    fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
    return handle


def is_running(crawl_dir: Path) -> bool:
    """True when a live process holds ``<crawl_dir>/.running`` (see :func:`hold_running`)."""
    try:
        handle = open(crawl_dir / RUNNING_FILE, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        return False


def local_root_for(uri: str, site: str, crawl_id: str, spool: str) -> Path:
    """The local folder a crawl writes into: ``<out>/<site>/<crawl-id>``, or the same under
    the ``spool`` for s3://."""
    return Path(spool if is_remote(uri) else uri) / site / crawl_id


def site_dir(uri: str, site: str, spool: str) -> Path:
    """The local ``<out>/<site>/`` folder (the spool's for ``s3://`` outputs) of a site key: its
    crawls, state and lock."""
    return local_root_for(uri, site, "_", spool).parent


def interrupted_crawls(site_folder: Path) -> list[Path]:
    """Crawl folders under ``<out>/<site>/`` that never wrote their manifest."""
    if not site_folder.is_dir():
        return []
    return sorted(
        d for d in site_folder.iterdir() if (d / "warc").is_dir() and not (d / MANIFEST).is_file()
    )


def resumable_crawl(site_folder: Path) -> Path | None:
    """The newest crawl folder under ``<out>/<site>/`` when it never wrote its manifest.

    Only the last run is continued: an older unfinished crawl that a later run already passed
    stays as it is (its WARCs are repaired by the next crawl's start, ``crawler.storage.commit``).
    """
    if not site_folder.is_dir():
        return None
    crawls = sorted(d for d in site_folder.iterdir() if (d / "warc").is_dir())
    return crawls[-1] if crawls and crawls[-1] in interrupted_crawls(site_folder) else None


def resume_target(site_folder: Path, crawl_id: str | None) -> Path | None:
    """The crawl folder a resume continues: ``crawl_id``'s under the site's folder, else the
    last crawl there that never wrote its manifest (:func:`resumable_crawl`); None: nothing to
    resume."""
    return site_folder / crawl_id if crawl_id else resumable_crawl(site_folder)
