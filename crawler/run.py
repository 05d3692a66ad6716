"""Running crawls from the command line: settings from arguments, checks, the end summary."""

from __future__ import annotations

import argparse
import contextlib
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.cli_settings import build_settings
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, UsageError
from crawler.ops import counts
from crawler.ops.config import validate as validate_ops_settings
from crawler.ops.monitors import failed_monitors
from crawler.ops.summary import ops_summary_lines
from crawler.urls import BadURL, validate_start_url

OK_FINISH_REASONS = {"finished", "closespider_itemcount", "closespider_pagecount"}
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def check_output(uri: str, settings: Any = None) -> Path | None:
    """Fail early, with the path or the store's problem, when the output cannot be written;
    returns the outermost folder this created (None: it was there, or ``s3://``), so a usage
    error found later can leave nothing behind (:func:`remove_created`)."""
    if uri.startswith("s3://"):
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
    from crawler.lock import LOCK_NAME

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


def run_crawl(spider: str, settings: Settings, spider_args: dict[str, Any]) -> dict[str, Any]:
    """Run one crawl in this process; returns stats, manifest and finish reason."""
    spider_class(spider, settings)
    process = CrawlerProcess(settings)
    # Scrapy leaves the root logger at NOTSET and filters in its handler, so every DEBUG
    # record ("Crawled", "Scraped from" with the whole item) is built and then dropped.
    logging.root.setLevel(settings.get("LOG_LEVEL") or "DEBUG")
    crawler = process.create_crawler(spider)
    started = time.monotonic()
    process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "stats": stats,
        "manifest": getattr(crawler, "crawl_manifest", None),
        "output": getattr(crawler, "crawl_output", None),
        "shared": getattr(crawler, "shared_crawl", None),
        "finish_reason": stats.get("finish_reason", "unknown"),
        "seconds": time.monotonic() - started,
    }


def crawl_exit_code(result: dict[str, Any]) -> int:
    """0 when the crawl finished and fetched something (a worker of a distributed crawl: it or
    the crawl's other workers), 1 otherwise."""
    stats = result["stats"]
    if result["finish_reason"] not in OK_FINISH_REASONS:
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


def summary_lines(result: dict[str, Any]) -> list[str]:
    """A short human summary of a finished crawl."""
    stats, manifest, out = result["stats"], result["manifest"] or {}, result["output"]
    totals = manifest.get("totals", {})
    warc = totals.get("warc", {"files": 0, "bytes": 0})
    statuses = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                if k.startswith("downloader/response_status_count/")}
    server_errors = sum(v for k, v in statuses.items() if k >= "500")
    failed = stats.get("retry/max_reached", 0)
    return [
        f"crawl {getattr(out, 'crawl_id', '?')}: {result['finish_reason']} "
        f"in {result['seconds']:.1f}s",
        f"  pages fetched:    {stats.get('downloader/response_count', 0)} "
        f"(status {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))})",
        f"  articles written: {stats.get('articles/written', 0)}",
        f"  WARC files:       {warc['files']} ({warc['bytes'] / 1e6:.2f} MB)",
        f"  errors:           {server_errors} server errors (5xx), {failed} requests failed "
        f"after retries",
        f"  output:           {getattr(out, 'root', '?')}",
        *shared_crawl_lines(result),
        *ops_summary_lines(result),
    ]


def shared_crawl_lines(result: dict[str, Any]) -> list[str]:
    """For a worker of a distributed crawl: who it was and who writes the manifest."""
    shared = result.get("shared")
    if shared is None:
        return []
    stats = result["stats"]
    held = counts.manifest_held(stats)
    manifest = ("written by this worker (the last to leave)" if stats.get("distributed/finalized")
                else f"{held} (see the log)" if held else "left to the last worker")
    return [f"  shared crawl:     worker {shared.worker}, Redis keys {shared.keys.root}*",
            f"  crawl manifest:   {manifest}"]


def run_crawl_command(args: argparse.Namespace) -> int:
    from spiders.base import parse_since

    try:
        url = validate_start_url(args.url) if args.url else None
        parse_since(args.since)
    except (BadURL, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    if args.max_items is not None and args.max_items < 1:
        raise UsageError("--max-items must be at least 1")
    settings = build_settings(args.set, {
        "OUTPUT_URI": args.out, "CRAWL_ID": args.crawl_id, "LOG_LEVEL": args.log_level,
        "CLOSESPIDER_ITEMCOUNT": args.max_items, "SINCE": args.since,
        "REDIS_URL": getattr(args, "redis", None), "WORKER_ID": getattr(args, "worker_id", None),
        "DISTRIBUTED_ABANDON_WORKERS": getattr(args, "abandon_spool", None)})
    spidercls = spider_class(args.spider, settings)
    if args.spider == "news" and not url:
        raise UsageError("the 'news' spider needs --url https://site/")
    site = crawl_site(spidercls, url)
    check_log_level(settings)
    validate_ops_settings(settings)
    if getattr(args, "abandon_spool", None) and not settings.get("REDIS_URL"):
        raise UsageError("--abandon-spool is for a worker of a distributed crawl: add --redis URL")
    if settings.get("REDIS_URL"):
        check_redis(settings, getattr(args, "resume", False))
        check_abandon_spool(args.spider, url, settings)
    created = check_output(settings.get("OUTPUT_URI"), settings)
    lock = None  # workers of a distributed crawl share it through Redis, not a lock file
    if not settings.get("REDIS_URL"):
        try:
            lock = lock_and_resume(site, settings, getattr(args, "resume", False))
        except UsageError:
            remove_created(created)
            raise
    try:
        result = run_crawl(args.spider, settings, {"url": url})
    finally:
        if lock is not None:
            lock.release()
    for line in summary_lines(result):
        print(line)
    return crawl_exit_code(result)


def crawl_site(spidercls: Any, url: str | None) -> str:
    """The site key (``crawler.site``) of a crawl of ``spidercls`` from ``url``: the folder
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
    level = str(settings.get("LOG_LEVEL") or "INFO").upper()
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
        connect(settings.get("REDIS_URL")).close()
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
    (``crawler.state.resume``)."""
    from crawler.lock import CrawlLock, CrawlLocked, lock_path
    from crawler.state.extension import site_dir
    from crawler.state.resume import resumable_crawl

    if not settings.getbool("STATE_ENABLED", True):
        if resume:
            raise UsageError("--resume needs the crawl state (STATE_ENABLED is off)")
        return None
    base = site_dir(settings, site)
    try:
        lock = CrawlLock(lock_path(base)).acquire()
    except (CrawlLocked, OSError) as exc:
        raise UsageError(str(exc)) from exc
    if not resume:
        return lock
    crawl_id = settings.get("CRAWL_ID")
    target = base / crawl_id if crawl_id else resumable_crawl(base)
    if target is None:
        print(f"nothing to resume in {base}: starting a new crawl")
        return lock
    if (target / "manifest.json").is_file() or not (target / "warc").is_dir():
        lock.release()
        state = "finished already" if target.is_dir() else "not found"
        raise UsageError(f"cannot resume {target}: {state}")
    settings.set("CRAWL_ID", target.name, priority="cmdline")
    settings.set("RESUME", True, priority="cmdline")
    print(f"resuming crawl {target.name} in {target}")
    return lock


def run_demo_command(args: argparse.Namespace) -> int:
    from crawler.fixture import FixtureSite
    from crawler.fixture.server import start_server

    if args.articles < 1:
        raise UsageError("--articles must be at least 1")
    settings = build_settings(args.set, {
        "OUTPUT_URI": args.out, "LOG_LEVEL": "WARNING", "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "LOGSTATS_INTERVAL": 0})
    check_log_level(settings)
    validate_ops_settings(settings)
    check_output(args.out, settings)
    site = FixtureSite(articles=args.articles, latency=args.latency)
    with start_server(site) as server:
        print(f"fixture site: {server.url} ({args.articles} articles per language)")
        result = run_crawl("vsedelo", settings, {"url": server.url})
    for line in summary_lines(result):
        print(line)
    return crawl_exit_code(result)
