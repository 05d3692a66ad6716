"""Running crawls from the command line: the checks before a crawl, the crawl, its exit code.

``crawler.commands.crawl_command`` turns the ``crawl`` and ``demo`` options into settings and calls
these.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.crawl.context import CrawlContext
from crawler.crawl.output import CrawlOutput, is_remote
from crawler.distributed.addon import DistributedAddon
from crawler.distributed.shared import SharedCrawl
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, UsageError
from crawler.logs import log_output as logs
from crawler.monitors import counts
from crawler.monitors.checks import failed_monitors
from crawler.outcome import OK_FINISH_REASONS
from crawler.pages.urls import BadURL
from crawler.typed_settings import CrawlSettings

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

LOG_LEVELS = logs.LEVELS


@dataclass
class CrawlResult:
    """One crawl run, as the command that ran it sees it: stats, how it ended, its output (with
    the manifest and report it wrote) and, for a worker of a distributed crawl, the shared
    crawl."""

    stats: dict[str, Any]
    finish_reason: str = "unknown"
    seconds: float | None = None  # wall time of the run (the stats' elapsed time comes first)
    output: CrawlOutput | None = None
    shared: SharedCrawl | None = None

    @property
    def manifest(self) -> dict[str, Any] | None:
        """The manifest this process built (None: no output, or it built none)."""
        return self.output.manifest if self.output is not None else None

    @property
    def report_path(self) -> Path | None:
        """The crawl report this process wrote (``report.html``), if any."""
        return self.output.report_path if self.output is not None else None

    @property
    def ended_well(self) -> bool:
        """The crawl ran to its end (or its item/page limit)."""
        return self.finish_reason in OK_FINISH_REASONS


def check_output(uri: str, settings: BaseSettings | None = None) -> Path | None:
    """Fail early, with the path or the store's problem, when the output cannot be written;
    returns the outermost folder this created (None: it was there, or ``s3://``), so a usage
    error found later can leave nothing behind (:func:`remove_created`)."""
    if is_remote(uri):
        from crawler.storage import StorageError, preflight

        try:
            preflight(uri, settings if settings is not None else get_project_settings())
        except StorageError as exc:
            raise UsageError(str(exc)) from exc
        return None
    path = Path(uri)
    created = next((p for p in reversed([path, *path.parents]) if not p.exists()), None)
    try:
        path.mkdir(parents=True, exist_ok=True)
        # a name of its own: workers of one distributed crawl start side by side
        with tempfile.NamedTemporaryFile(dir=path, prefix=".crawler-write-test-"):
            pass
    except OSError as exc:
        remove_created(created)
        raise UsageError(f"cannot write to output folder {uri}: {exc.strerror or exc}") from exc
    return created


def remove_created(folder: Path | None) -> None:
    """Remove ``folder`` (made by :func:`check_output`) when it holds nothing but empty
    folders and crawl lock files: a run that stopped on a usage error leaves nothing."""
    from crawler.crawl.lock import LOCK_NAME

    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            if path.is_dir():
                path.rmdir()
            elif path.name == LOCK_NAME:
                path.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()


def spider_class(spider: str, settings: Settings) -> Any:
    """The spider class named ``spider``; :class:`UsageError` listing the names otherwise."""
    loader = SpiderLoader.from_settings(settings)
    names = loader.list()
    if spider not in names:
        raise UsageError(f"no spider named {spider!r}; available: {', '.join(sorted(names))}")
    return loader.load(spider)


def run_crawl(spider: str, settings: Settings, spider_args: dict[str, Any]) -> CrawlResult:
    """Run one crawl in this process; returns its stats, finish reason and output."""
    spider_class(spider, settings)
    # Our handler (crawler.logs.log_output): level, text or JSON, stderr or LOG_FILE; it sets the
    # root logger's level too, so DEBUG records ("Crawled", "Scraped from") are not even built.
    logs.install(settings)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="default")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    started = time.monotonic()
    process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    context = crawler.get_addon(CrawlContext)  # None: the crawl failed before it was settled
    addon = crawler.get_addon(DistributedAddon)
    return CrawlResult(stats=stats, finish_reason=stats.get("finish_reason", "unknown"),
                       seconds=time.monotonic() - started,
                       output=context.output if context is not None else None,
                       shared=addon.shared if addon is not None else None)


def crawl_exit_code(result: CrawlResult) -> int:
    """0 when the crawl finished and fetched something (a worker of a distributed crawl: it or
    the crawl's other workers), 1 otherwise."""
    stats = result.stats
    if not result.ended_well:
        return EXIT_CHECKS_FAILED
    if not counts.pages(stats) + counts.peer_pages(stats):
        return EXIT_CHECKS_FAILED
    if stats.get("storage/pending_files"):
        return EXIT_CHECKS_FAILED  # files wait in the local spool: `crawler upload` finishes
    if counts.manifest_held(stats):
        return EXIT_CHECKS_FAILED  # the crawl is done but not complete: its manifest waits
    if failed_monitors(stats):
        return EXIT_CHECKS_FAILED
    return EXIT_OK


def crawl_site(spidercls: Any, url: str | None) -> str:
    """The site key (``crawler.pages.site``) of a crawl of ``spidercls`` from ``url``: the folder
    of its state, lock and crawls."""
    site_of = getattr(spidercls, "site_of", None)
    if site_of is None:
        return spidercls.name
    try:
        return site_of(url).key
    except BadURL as exc:
        raise UsageError(str(exc)) from exc


def check_log_level(settings: Settings) -> None:
    """Exit 2 for a ``LOG_LEVEL`` logging does not know (``--log-level``, ``-s LOG_LEVEL``)."""
    level = logs.LogSettings.from_settings(settings).level
    if level not in LOG_LEVELS:
        raise UsageError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    settings.set("LOG_LEVEL", level, priority=settings.getpriority("LOG_LEVEL") or "cmdline")


def check_redis(settings: Settings, resume: bool) -> None:
    """Exit 2 before crawling when the shared crawl's Redis cannot be used."""
    from crawler.distributed.addon import DistributedError, connect

    if resume:
        raise UsageError("--resume is for a crawl on one machine; with --redis a worker joins "
                         "the shared crawl where it stands")
    try:
        connect(CrawlSettings.from_settings(settings).redis_url).close()
    except DistributedError as exc:
        raise UsageError(str(exc)) from exc
    settings.set("STATE_ENABLED", False, priority="cmdline")


def check_abandon_spool(spider: str, url: str | None, settings: Settings) -> None:
    """Exit 2 before crawling when a worker named by ``--abandon-spool`` cannot be abandoned."""
    from crawler.distributed.abandon import AbandonRefused, abandon_names, check_abandon

    loader = SpiderLoader.from_settings(settings)
    if not abandon_names(settings) or spider not in loader.list():
        return  # run_crawl says which spiders exist
    try:
        check_abandon(loader.load(spider), url, settings)
    except AbandonRefused as exc:
        raise UsageError(str(exc)) from exc


def lock_and_resume(site: str, settings: Settings, resume: bool) -> Any:
    """Take the lock of the site's folder ``<out>/<site>/`` (exit 2 when another crawl of the
    site holds it) and, with ``--resume``, point ``CRAWL_ID`` at the crawl to continue
    (``crawler.crawl.output.resume_target``; the crawl context settles the same way for a plain
    ``scrapy crawl``)."""
    from crawler.crawl.lock import CrawlLock, CrawlLocked, lock_path
    from crawler.crawl.output import resume_target, site_dir

    crawl = CrawlSettings.from_settings(settings)
    if not crawl.state_enabled:
        if resume:
            raise UsageError("--resume needs the crawl state (STATE_ENABLED is off)")
        return None
    base = site_dir(crawl.output_uri, site, crawl.spool_dir)
    try:
        lock = CrawlLock(lock_path(base)).acquire()
    except (CrawlLocked, OSError) as exc:
        raise UsageError(str(exc)) from exc
    if not resume:
        return lock
    target = resume_target(base, crawl.crawl_id or None)
    if target is None:
        logs.notice(settings, f"nothing to resume in {base}: starting a new crawl")
        return lock
    if (target / "manifest.json").is_file() or not (target / "warc").is_dir():
        lock.release()
        state = "finished already" if target.is_dir() else "not found"
        raise UsageError(f"cannot resume {target}: {state}")
    settings.set("CRAWL_ID", target.name, priority="cmdline")
    settings.set("RESUME", True, priority="cmdline")
    logs.notice(settings, f"resuming crawl {target.name} in {target}")
    return lock
