"""``crawler crawl SPIDER --seeds FILE`` (or ``--url`` more than once): many sites, one run.

The seed list is read and checked before anything is written (a bad file, an empty list, a
line that is not an http(s) URL, an unknown profile or option: exit 2, one line naming the file
and line); duplicate sites are merged and the merge is said once. Then the run goes to
:mod:`crawler.multisite.coordinator`. ``--processes N`` (default: one per core, at most one per
site) shards the sites across N crawler processes; for ONE site it runs N workers of the
distributed mode against a ``redis-server`` the command starts and stops itself
(:mod:`crawler.multisite.local_redis`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy.spiderloader import SpiderLoader

from crawler.errors import UsageError
from crawler.multisite.seeds import SeedList, parse_deadline, parse_seeds, read_seed_file
from crawler.pages.urls import validate_start_url

if TYPE_CHECKING:
    from scrapy.settings import Settings


def add_site_options(c: argparse.ArgumentParser) -> None:
    """The ``crawl`` options for runs of many sites and for the machine's cores."""
    c.add_argument("--seeds", metavar="FILE",
                   help="crawl every site of a seed list in one run: one start URL per line, "
                        "optionally followed by NAME=VALUE options (profile, max_articles, "
                        "max_pages, deadline, since, delay, concurrency); blank lines and # "
                        "comments are skipped; see README 'Many sites in one run'")
    c.add_argument("--processes", type=int, metavar="N",
                   help="crawler processes (default: one per core, at most one per site); "
                        "with one site and N > 1, N workers share it through a redis-server "
                        "the command starts itself")
    c.add_argument("--max-pages", type=int, metavar="N",
                   help="stop a site's crawl after N responses (each site of a run)")
    c.add_argument("--deadline", metavar="TIME",
                   help="stop a site's crawl after this long: 90s, 20m, 2h (each site of a run)")


def budget_settings(args: argparse.Namespace) -> dict[str, Any]:
    """``--max-pages`` and ``--deadline`` as Scrapy's close-spider settings."""
    if args.max_pages is not None and args.max_pages < 1:
        raise UsageError("--max-pages must be at least 1")
    deadline = parse_deadline(args.deadline, "--deadline") if args.deadline else None
    return {"CLOSESPIDER_PAGECOUNT": args.max_pages, "CLOSESPIDER_TIMEOUT": deadline}


def seed_list(spider: str, urls: Sequence[str], seeds_file: str | None,
              settings: Settings) -> SeedList | None:
    """The run's sites when it is a run of a seed list or of several ``--url``; None for a
    crawl of one site by ``--url`` (crawled as always)."""
    if not seeds_file and len(urls) < 2:
        return None
    if seeds_file and urls:
        raise UsageError("give the sites either with --seeds FILE or with --url, not both")
    loader = SpiderLoader.from_settings(settings)
    spiders = {name: name for name in loader.list()}
    for name in loader.list():
        profile = getattr(loader.load(name), "profile", None)
        if profile is not None:
            spiders.setdefault(profile.name, name)

    def locate(url: str, spider_name: str) -> tuple[str, str]:
        start = validate_start_url(url)
        site_of = getattr(loader.load(spider_name), "site_of", None)
        if site_of is None:
            raise UsageError(f"spider {spider_name!r} cannot crawl a seed list")
        return start, site_of(start).key

    if seeds_file:
        return read_seed_file(seeds_file, spider, spiders, locate)
    return parse_seeds(urls, "--url", spider, spiders, locate)


def default_processes(sites: int) -> int:
    """One per core, at most one per site."""
    return max(1, min(os.cpu_count() or 1, sites))


def run_sites_command(seeds: SeedList, settings: Settings, args: argparse.Namespace) -> int:
    """Crawl the sites of ``seeds``; the run's exit code."""
    from crawler.commands.run import check_output, lock_and_resume
    from crawler.logs.log_output import notice
    from crawler.multisite.coordinator import run_sites
    from crawler.typed_settings import CrawlSettings

    if args.wacz:
        raise UsageError("--wacz packages one crawl: run `crawler wacz <out>/<site>/<crawl-id>` "
                         "for each site of the run (the run manifest lists them)")
    crawl = CrawlSettings.from_settings(settings)
    if crawl.distributed:
        raise UsageError("a seed list with --redis is not supported yet: run one worker per "
                         "site with --url, or the seed list without --redis")
    if args.processes is not None and args.processes < 1:
        raise UsageError("--processes must be at least 1")
    merged = seeds.merge_notice()
    if merged:
        notice(settings, merged)
    check_output(crawl.output_uri, settings)
    processes = args.processes or default_processes(len(seeds.seeds))
    return run_sites(seeds, settings, processes=processes, resume=args.resume,
                     lock_site=lock_and_resume)
