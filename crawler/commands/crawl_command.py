"""The ``crawl`` and ``demo`` commands: options to settings, the checks, the crawl, the summary.

``crawler crawl SPIDER`` takes Scrapy's habits too: ``-a NAME=VALUE`` spider arguments (``-a
url=…`` is ``--url``), ``-s NAME=VALUE`` settings, ``-L``/``--loglevel`` and ``--logfile``;
Scrapy's ``-o FILE`` feed export is refused with what to use instead. The summary goes to
stdout (one JSON object with ``--log-format json``); the log to stderr or ``--logfile``.
"""

from __future__ import annotations

import argparse
import inspect
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.commands.cli_options import (
    add_log_options,
    add_out,
    add_settings_option,
    add_spider_args,
    add_store_options,
    log_settings,
    parse_pairs,
    store_settings,
)
from crawler.commands.cli_settings import build_settings
from crawler.commands.crawl_sites import add_site_options, budget_settings, seed_list
from crawler.errors import EXIT_CHECKS_FAILED, UsageError
from crawler.logs.log_output import LogSettings, notice
from crawler.typed_settings import CrawlSettings, default_of

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

    from crawler.commands.run import CrawlResult

DEFAULT_LOG_LEVEL = "WARNING"
FEED_HINT = ("is Scrapy's feed export; the crawler writes every article as a JSON record "
             "under --out DIR (<out>/<site>/<crawl-id>/articles/*.jsonl.gz): use --out")


def add_commands(sub: Any) -> None:
    """The ``crawl`` and ``demo`` subcommands (argparse subparsers)."""
    c = sub.add_parser("crawl", help="crawl a site with a spider",
                       description="Crawl a news site: WARC files, CDXJ index, article JSON.")
    c.add_argument("spider", help="spider name (`crawler list` shows them): vsedelo (a site "
                                  "profile) or news (any site)")
    c.add_argument("--url", action="append", default=None,
                   help="start URL (required for 'news'; for a site profile, a copy of the "
                        "site such as http://127.0.0.1:8000/); more than once: one run of "
                        "those sites, as with --seeds")
    add_spider_args(c)
    add_out(c, "output folder or s3://bucket/prefix (default: ./out); each crawl goes to "
               "<out>/<site>/<crawl-id>/", metavar="DIR")
    c.add_argument("--since", help="only articles published on or after this ISO date")
    c.add_argument("--max-items", type=int, metavar="N", help="stop after N articles")
    c.add_argument("--render", choices=("auto", "always", "never"), default=None,
                   help="render pages in Chromium, the crawler as its network: auto (default: "
                        "only pages whose HTML lacks the content its markup promises and "
                        "scripts would build), always, never (setting RENDER_MODE); see "
                        "docs/render.md")
    c.add_argument("--crawl-id", help="crawl id (default: a new sortable id)")
    c.add_argument("--resume", action="store_true",
                   help="continue the last crawl (or --crawl-id) in its folder if it did not "
                        "finish, skipping the articles it wrote; else start a new crawl")
    c.add_argument("--wacz", action="store_true",
                   help="package the finished crawl as WACZ, <out>/<site>/<crawl-id>.wacz "
                        "(stored beside the crawl for s3://)")
    c.add_argument("--redis", metavar="URL",
                   help="join the site's shared crawl on this Redis as one of its workers "
                        "(redis://host:port/db; setting REDIS_URL); see docs/distributed.md")
    c.add_argument("--worker-id", help="this worker's name in a shared crawl and in its file "
                                       "names (default: <host>_<pid>)")
    c.add_argument("--abandon-spool", action="append", default=None, metavar="WORKER",
                   help="with --redis, --crawl-id and an s3:// output: give up the files a "
                        "gone worker left in its lost spool and fetch their articles again "
                        "(repeatable; setting DISTRIBUTED_ABANDON_WORKERS); see "
                        "docs/distributed.md")
    add_site_options(c)
    add_settings_option(c)
    add_log_options(c, DEFAULT_LOG_LEVEL)
    add_store_options(c)
    c.add_argument("-o", "-O", "--output", dest="feed_output", default=None,
                   help=argparse.SUPPRESS)

    d = sub.add_parser("demo", help="crawl the offline fixture site end to end",
                       description="Serve the fixture news site on a free loopback port, crawl "
                                   "it with the real pipeline and print a summary.")
    add_out(d, f"output folder (default: ./{default_of('OUTPUT_URI')})", metavar="DIR",
            default=default_of("OUTPUT_URI"))
    d.add_argument("--articles", type=int, default=100, help="articles per language (default 100)")
    d.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    add_settings_option(d)
    add_log_options(d, DEFAULT_LOG_LEVEL)


def _one_of(option: str, value: str | None, argument: str | None, name: str) -> str | None:
    if value and argument and value != argument:
        raise UsageError(f"{option} {value!r} and -a {name}={argument!r} disagree: give one")
    return value or argument


def spider_parameters(spidercls: Any) -> set[str] | None:
    """The spider arguments a spider class declares (its ``__init__`` parameters), or None
    when it takes any (Scrapy's own ``Spider``: each becomes an attribute)."""
    params = inspect.signature(spidercls.__init__).parameters
    named = {n for n, p in params.items() if n not in ("self", "name")
             and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return named or None


def check_spider_args(spider: str, spidercls: Any, arguments: dict[str, str]) -> None:
    """:class:`UsageError` for a ``-a`` name the spider does not take."""
    known = spider_parameters(spidercls)
    unknown = sorted(set(arguments) - known) if known is not None else []
    if unknown:
        raise UsageError(f"spider {spider!r} takes no argument {unknown[0]!r}; its arguments: "
                         f"{', '.join(sorted(known or ()))}")


def check_logfile(path: str | None) -> None:
    """:class:`UsageError` when ``--logfile`` cannot be written (nothing is created)."""
    if not path:
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir() or not folder.is_dir():
        raise UsageError(f"cannot write the log file {path}: "
                         f"{'it is a folder' if target.is_dir() else 'no such folder'}")
    if not os.access(target if target.exists() else folder, os.W_OK):
        raise UsageError(f"cannot write the log file {path}: permission denied")


def _log_level(settings: BaseSettings, args: argparse.Namespace) -> None:
    """The ``crawler`` command's default level, WARNING, unless ``--log-level`` or ``-s
    LOG_LEVEL`` said otherwise (``scrapy crawl`` keeps the project's INFO)."""
    if not args.log_level and (settings.getpriority("LOG_LEVEL") or 0) < 40:
        settings.set("LOG_LEVEL", DEFAULT_LOG_LEVEL, priority="project")


def run_crawl_command(args: argparse.Namespace) -> int:
    """``crawler crawl``: exit 0 when the crawl finished and passed its checks."""
    from crawler.commands import run
    from crawler.ops.config import validate as validate_ops_settings
    from crawler.pages.urls import BadURL, validate_start_url
    from spiders.base import parse_since

    if args.feed_output:
        raise UsageError(f"-o {FEED_HINT}")
    arguments = parse_pairs(args.spider_args, "-a")
    urls = list(args.url or [])
    url_argument = arguments.pop("url", None)
    if url_argument:
        if urls and urls != [url_argument]:
            raise UsageError(f"--url and -a url={url_argument!r} disagree: give one")
        urls = [url_argument]
    seeds_file = _one_of("--seeds", args.seeds, arguments.pop("seeds", None), "seeds")
    since = _one_of("--since", args.since, arguments.pop("since", None), "since")
    try:
        parse_since(since)
        if len(urls) == 1 and not seeds_file:
            validate_start_url(urls[0])
    except (BadURL, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    if args.max_items is not None and args.max_items < 1:
        raise UsageError("--max-items must be at least 1")
    settings = build_settings(args.set, {
        "OUTPUT_URI": args.out, "CRAWL_ID": args.crawl_id, "CLOSESPIDER_ITEMCOUNT": args.max_items,
        "SINCE": since, "REDIS_URL": args.redis, "WORKER_ID": args.worker_id,
        "RENDER_MODE": args.render,
        "DISTRIBUTED_ABANDON_WORKERS": args.abandon_spool, **budget_settings(args),
        **store_settings(args), **log_settings(args)})
    _log_level(settings, args)
    spidercls = run.spider_class(args.spider, settings)
    check_spider_args(args.spider, spidercls, arguments)
    seeds = seed_list(args.spider, urls, seeds_file, settings)
    if seeds is not None:
        from crawler.commands.crawl_sites import run_sites_command

        run.check_log_level(settings)
        check_logfile(LogSettings.from_settings(settings).file)
        validate_ops_settings(settings)
        return run_sites_command(seeds, settings, args)
    url = validate_start_url(urls[0]) if urls else None
    if args.spider == "news" and not url:
        raise UsageError("the 'news' spider needs --url https://site/ (or -a url=https://site/)")
    site = run.crawl_site(spidercls, url)
    run.check_log_level(settings)
    check_logfile(LogSettings.from_settings(settings).file)
    validate_ops_settings(settings)
    crawl = CrawlSettings.from_settings(settings)
    _check_render(settings)
    if args.wacz:
        _check_wacz(crawl)
    if args.abandon_spool and not crawl.distributed:
        raise UsageError("--abandon-spool is for a worker of a distributed crawl: add --redis URL")
    if crawl.distributed:
        run.check_redis(settings, args.resume)
        run.check_abandon_spool(args.spider, url, settings)
    if (args.processes or 1) > 1 and not crawl.distributed:
        return run_site_workers(args, crawl, settings, site)
    created = run.check_output(crawl.output_uri, settings)
    lock = None  # workers of a distributed crawl share it through Redis, not a lock file
    if not crawl.distributed:
        try:
            lock = run.lock_and_resume(site, settings, args.resume)
        except UsageError:
            run.remove_created(created)
            raise
    try:
        result = run.run_crawl(args.spider, settings, {"url": url, **arguments})
    finally:
        if lock is not None:
            lock.release()
    code = run.crawl_exit_code(result)
    extra: list[str] = []
    if args.wacz:
        where, failed = package(result, settings)
        extra.append(f"  WACZ:             {where}")
        if failed:
            code = max(code, EXIT_CHECKS_FAILED)
    print_summary(result, settings, code, extra)
    return code


def run_site_workers(args: argparse.Namespace, crawl: CrawlSettings, settings: BaseSettings,
                     site: str) -> int:
    """``--processes N`` for one site: N workers of one shared crawl on a local redis-server."""
    from crawler.commands import run
    from crawler.crawl.output import new_crawl_id
    from crawler.multisite.local_redis import redis_binary, run_workers

    if args.resume:
        raise UsageError("--resume is for a crawl by one process: drop --processes")
    if args.wacz:
        raise UsageError("--wacz packages a crawl made by one process: run `crawler wacz "
                         "<out>/<site>/<crawl-id>` once the crawl is finished")
    redis_binary()
    run.check_output(crawl.output_uri, settings)
    crawl_id = crawl.crawl_id or new_crawl_id()
    manifest = (None if crawl.output_uri.startswith("s3://")
                else Path(crawl.output_uri) / site / crawl_id / "manifest.json")
    return run_workers(args.argv, args.processes, crawl_id, manifest)


def _check_render(settings: BaseSettings) -> None:
    from crawler.render.render_settings import check

    try:
        check(settings)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def _check_wacz(crawl: CrawlSettings) -> None:
    from crawler.replay.wacz import WaczError, wacz_bin

    if crawl.distributed:
        raise UsageError("--wacz packages a crawl made by one process; for a distributed crawl "
                         "run `crawler wacz <out>/<site>/<crawl-id>` once it is finished")
    try:
        wacz_bin()
    except WaczError as exc:
        raise UsageError(f"--wacz: {exc}") from exc


def package(result: CrawlResult, settings: BaseSettings) -> tuple[str, bool]:
    """``--wacz`` after the crawl: (where the WACZ is, or why there is none; whether that is
    a failure)."""
    from crawler.reader import ReaderError
    from crawler.replay.wacz import WaczError, package_crawl
    from crawler.storage.s3 import StorageError

    out, stats = result.output, result.stats
    if out is None or not result.manifest:
        return "none: the crawl has no manifest (it did not finish)", True
    if stats.get("storage/pending_files"):
        return "none: files still wait in the local spool (`crawler upload`, then " \
               "`crawler wacz`)", True
    try:
        return package_crawl(out, settings), False
    except (WaczError, ReaderError, StorageError, OSError) as exc:
        return f"none: {' '.join(str(exc).split())[:300]}", True


def print_summary(result: CrawlResult, settings: BaseSettings, code: int,
                  extra: list[str] | None = None) -> None:
    """The end-of-crawl summary on stdout: lines, or one JSON object with ``LOG_JSON``."""
    from crawler.commands.summary import crawl_seconds, summary_lines

    lines = [*summary_lines(result), *(extra or [])]
    if not LogSettings.from_settings(settings).json:
        print("\n".join(lines), flush=True)
        return
    out = result.output
    notice(settings, lines[0], event="crawl_summary", crawl_id=getattr(out, "crawl_id", None),
           finish_reason=result.finish_reason, seconds=crawl_seconds(result),
           exit_code=code, lines=lines)


def run_demo_command(args: argparse.Namespace) -> int:
    """``crawler demo``: serve the fixture site on loopback and crawl it."""
    from crawler.commands import run
    from crawler.ops.config import validate as validate_ops_settings
    from fixture_site import FixtureSite
    from fixture_site.server import start_server

    if args.articles < 1:
        raise UsageError("--articles must be at least 1")
    settings = build_settings(args.set, {
        "OUTPUT_URI": args.out, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        "LOGSTATS_INTERVAL": 0, **log_settings(args)})
    _log_level(settings, args)
    run.check_log_level(settings)
    check_logfile(LogSettings.from_settings(settings).file)
    validate_ops_settings(settings)
    run.check_output(args.out, settings)
    site = FixtureSite(articles=args.articles, latency=args.latency)
    with start_server(site) as server:
        notice(settings, f"fixture site: {server.url} ({args.articles} articles per language)")
        result = run.run_crawl("vsedelo", settings, {"url": server.url})
    code = run.crawl_exit_code(result)
    print_summary(result, settings, code)
    return code
