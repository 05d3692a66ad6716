"""The ``crawler`` command: crawl, demo, site, replay, recover, wacz (and ``crawler.ops`` and
``crawler.storage`` commands).

Exit codes: 0 the crawl worked, 1 it ran but failed its checks (nothing fetched, aborted) or a
command failed at run time, 2 usage or configuration error (bad spider, URL, option, output,
setting, store), or another crawl of the same site into the same output is running
(``crawler.lock``). Errors are one clear line on stderr (two with a hint), never a traceback
(``CRAWLER_TRACEBACK=1`` shows it for an unexpected error). A usage error creates no file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from crawler import __version__
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, EXIT_USAGE, CommandFailed, UsageError

__all__ = ["main", "UsageError"]


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and a hint instead of the whole usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"(`{self.prog} --help` lists the options)\n")


def port(value: str) -> int:
    """A TCP port number (0-65535) for argparse."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0: any free one), got {number}")
    return number


def log_level(value: str) -> str:
    """A logging level name for argparse, in any case."""
    from crawler.run import LOG_LEVELS

    if value.upper() not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(LOG_LEVELS)}")
    return value.upper()


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="crawler", description="News archival crawler: WARC archive + article JSON.")
    p.add_argument("--version", action="version", version=f"crawler {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True,
                           parser_class=OneLineParser)

    c = sub.add_parser("crawl", help="crawl a site with a spider",
                       description="Crawl a news site: WARC files, CDXJ index, article JSON.")
    c.add_argument("spider", help="spider name: vsedelo (site profile) or news (any site)")
    c.add_argument("--url", help="start URL (required for 'news'; for a site profile, a copy "
                                 "of the site such as http://127.0.0.1:8000/)")
    c.add_argument("--out", default=None,
                   help="output folder or s3://bucket/prefix (default: ./out)")
    c.add_argument("--since", help="only articles published on or after this ISO date")
    c.add_argument("--max-items", type=int, metavar="N", help="stop after N articles")
    c.add_argument("--crawl-id", help="crawl id (default: a new sortable id)")
    c.add_argument("--resume", action="store_true",
                   help="continue the last crawl (or --crawl-id) in its folder if it did not "
                        "finish, skipping the articles it wrote; else start a new crawl")
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
    c.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy setting (repeatable)")
    c.add_argument("--log-level", default=None, type=log_level,
                   help="DEBUG, INFO (default), WARNING, ERROR, CRITICAL")

    d = sub.add_parser("demo", help="crawl the offline fixture site end to end",
                       description="Serve the fixture news site on a free loopback port, crawl "
                                   "it with the real pipeline and print a summary.")
    d.add_argument("--out", default="out", help="output folder (default: ./out)")
    d.add_argument("--articles", type=int, default=100, help="articles per language (default 100)")
    d.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    d.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a Scrapy setting (repeatable)")

    s = sub.add_parser("site", help="serve the fixture news site",
                       description="Serve the deterministic fixture copy of a news site.")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port, default=8000)
    s.add_argument("--articles", type=int, default=500, help="articles per language")
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    s.add_argument("--ground-truth", metavar="FILE", help="write ground truth JSON Lines here")
    s.add_argument("--generation", type=int, default=None, metavar="N",
                   help="evolving site: generation N adds newer articles and edits older ones")

    r = sub.add_parser("replay", help="serve a crawl in pywb for an archivist",
                       description="Start pywb on a crawl folder (<out>/<spider>/<crawl-id>), "
                                   "local or s3://bucket/prefix/<spider>/<crawl-id>.")
    r.add_argument("crawl", help="crawl folder or s3:// URI")
    r.add_argument("--port", type=port, default=8080)
    r.add_argument("--host", default="127.0.0.1")

    v = sub.add_parser("recover", help="repair WARC files a killed crawl left open",
                       description="Cut every *.warc.gz.open file in a crawl folder to its last "
                                   "whole record and give it its final name.")
    v.add_argument("crawl", help="crawl folder")

    z = sub.add_parser("wacz", help="package a finished crawl as a WACZ file",
                       description="Package a crawl folder as WACZ (for ReplayWeb.page and "
                                   "pywb): WARCs, CDXJ index, pages.jsonl with article titles, "
                                   "datapackage.json with sha256 hashes.")
    z.add_argument("crawl", help="crawl folder (<out>/<spider>/<crawl-id>)")
    z.add_argument("-o", "--output", help="WACZ file (default: <out>/<spider>/<crawl-id>.wacz)")

    from crawler.reextract_command import add_command as add_reextract_command

    add_reextract_command(sub)
    from crawler.ops.commands import add_commands as add_ops_commands

    add_ops_commands(sub)
    from crawler.storage.commands import add_commands as add_storage_commands

    add_storage_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crawler`` console script."""
    args = _parser().parse_args(argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        from crawler.ops.commands import dispatch as dispatch_ops

        if (code := dispatch_ops(args)) is not None:
            return code
        from crawler.storage.commands import dispatch as dispatch_storage

        if (code := dispatch_storage(args)) is not None:
            return code
        if args.command == "crawl":
            from crawler.run import run_crawl_command
            return run_crawl_command(args)
        if args.command == "demo":
            from crawler.run import run_demo_command
            return run_demo_command(args)
        if args.command == "site":
            return _site(args)
        if args.command == "replay":
            return _replay(args)
        if args.command == "recover":
            return _recover(args)
        if args.command == "wacz":
            return _wacz(args)
        if args.command == "reextract":
            from crawler.reextract_command import run as run_reextract
            return run_reextract(args)
    except UsageError as exc:
        print(f"crawler {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except CommandFailed as exc:
        print(f"crawler {args.command}: failed: {_one_line(exc)}", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    except Exception as exc:  # unexpected: still one line, exit 1
        if os.environ.get("CRAWLER_TRACEBACK"):
            raise
        print(f"crawler {args.command}: failed: {type(exc).__name__}: {_one_line(exc)} "
              "(CRAWLER_TRACEBACK=1 shows where)", file=sys.stderr)
        return EXIT_CHECKS_FAILED
    return EXIT_USAGE


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def _site(args: argparse.Namespace) -> int:
    from crawler.fixture.evolve import MAX_GENERATIONS
    from crawler.fixture.server import run_site

    if args.articles < 1:
        raise UsageError("--articles must be at least 1")
    if args.generation is not None and not 0 <= args.generation <= MAX_GENERATIONS:
        raise UsageError(f"--generation must be between 0 and {MAX_GENERATIONS}")
    try:
        run_site(args.host, args.port, args.articles, args.seed, args.latency, args.ground_truth,
                 args.generation)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    return EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    if args.crawl.startswith("s3://"):
        return _replay_s3(args)
    crawl = Path(args.crawl)
    if not (crawl / "warc").is_dir():
        raise UsageError(f"{crawl} is not a crawl folder (no warc/ inside); "
                         "give <out>/<spider>/<crawl-id>")
    from crawler import replay

    try:
        code = replay.serve(crawl, port=args.port, host=args.host)
    except replay.ReplayError as exc:
        raise UsageError(str(exc)) from exc
    return _replay_ended(code)


def _replay_ended(code: int) -> int:
    """0 when pywb was stopped (Ctrl-C, SIGTERM); a failure when it exited on its own."""
    if code:
        raise CommandFailed(f"pywb exited with code {code} (its output above says why)")
    return EXIT_OK


def _replay_s3(args: argparse.Namespace) -> int:
    """Download the crawl from S3 into a temporary folder, then replay it like a local one."""
    import shutil
    import tempfile

    from scrapy.utils.project import get_project_settings

    from crawler import replay
    from crawler.replay_fetch import fetch_crawl
    from crawler.storage.s3 import StorageError

    scratch = Path(tempfile.mkdtemp(prefix="crawler-replay-s3-"))
    try:
        crawl = fetch_crawl(args.crawl, scratch, get_project_settings())
        print(f"downloaded {args.crawl} to {crawl}", flush=True)
        code = replay.serve(crawl, port=args.port, host=args.host)
    except (StorageError, replay.ReplayError) as exc:
        raise UsageError(str(exc)) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _replay_ended(code)


def _recover(args: argparse.Namespace) -> int:
    from crawler.warc.recover import recover_crawl_dir

    crawl = Path(args.crawl)
    if not (crawl / "warc").is_dir():
        raise UsageError(f"{crawl} is not a crawl folder (no warc/ inside)")
    for result in recover_crawl_dir(crawl):
        print(result)
    return EXIT_OK


def _wacz(args: argparse.Namespace) -> int:
    from crawler.reader import ReaderError
    from crawler.wacz import WaczError, build_wacz

    try:
        path = build_wacz(Path(args.crawl), Path(args.output) if args.output else None)
    except (WaczError, ReaderError) as exc:
        raise UsageError(str(exc)) from exc
    print(path)
    return EXIT_OK
