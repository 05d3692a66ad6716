"""The ``replay``, ``recover`` and ``wacz`` commands: a finished crawl's WARCs for archivists."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from crawler.commands.cli_options import add_out, add_store_options, port, store_settings
from crawler.errors import EXIT_OK, CommandFailed, UsageError
from crawler.storage.s3 import is_s3_uri

COMMANDS = ("replay", "recover", "wacz")


def add_commands(sub: Any) -> None:
    """Add ``replay``, ``recover`` and ``wacz`` to the ``crawler`` subcommand parsers."""
    r = sub.add_parser("replay", help="serve a crawl in pywb for an archivist",
                       description="Start pywb on a crawl folder (<out>/<site>/<crawl-id>), "
                                   "local or s3://bucket/prefix/<site>/<crawl-id>, and print "
                                   "the replay URL of its first article.")
    r.add_argument("crawl", help="crawl folder or s3:// URI")
    r.add_argument("--port", type=port, default=8080,
                   help="port pywb listens on (default 8080; 0: any free one)")
    r.add_argument("--host", default="127.0.0.1",
                   help="address pywb listens on (default 127.0.0.1: this machine only)")
    add_store_options(r)

    v = sub.add_parser("recover", help="repair WARC files a killed crawl left open",
                       description="Cut every *.warc.gz.open file in a crawl folder to its last "
                                   "whole record and give it its final name.")
    v.add_argument("crawl", help="crawl folder (<out>/<site>/<crawl-id>)")

    z = sub.add_parser("wacz", help="package a finished crawl as a WACZ file",
                       description="Package a crawl folder as WACZ (for ReplayWeb.page and "
                                   "pywb): WARCs, CDXJ index, pages.jsonl with article titles, "
                                   "datapackage.json with sha256 hashes.")
    z.add_argument("crawl", help="crawl folder (<out>/<site>/<crawl-id>)")
    add_out(z, "WACZ file to write (default: <out>/<site>/<crawl-id>.wacz)", metavar="FILE",
            aliases=("-o", "--output"))


def dispatch(args: argparse.Namespace) -> int | None:
    """Run the command if it is one of ours; None otherwise."""
    if args.command == "replay":
        return _replay(args)
    if args.command == "recover":
        return _recover(args)
    if args.command == "wacz":
        return _wacz(args)
    return None


def _replay(args: argparse.Namespace) -> int:
    if is_s3_uri(args.crawl):
        return _replay_s3(args)
    crawl = Path(args.crawl)
    if not (crawl / "warc").is_dir():
        raise UsageError(f"{crawl} is not a crawl folder (no warc/ inside); "
                         "give <out>/<site>/<crawl-id>")
    from crawler.replay import pywb as replay

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

    from crawler.replay import pywb as replay
    from crawler.replay.s3_fetch import fetch_crawl
    from crawler.storage.s3 import StorageError

    settings = get_project_settings()
    for name, value in store_settings(args).items():
        settings.set(name, value, priority="cmdline")
    scratch = Path(tempfile.mkdtemp(prefix="crawler-replay-s3-"))
    try:
        crawl = fetch_crawl(args.crawl, scratch, settings, kinds=("warc", "index",
                                                                 "revisit-originals",
                                                                 "articles"),
                            with_manifest=True)
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
    from crawler.replay.wacz import WaczError, build_wacz

    try:
        path = build_wacz(Path(args.crawl), Path(args.out) if args.out else None)
    except (WaczError, ReaderError) as exc:
        raise UsageError(str(exc)) from exc
    print(path)
    return EXIT_OK
