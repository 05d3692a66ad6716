"""The ``crawler`` command: crawl, demo, list, extract, site, and (wired in from their modules)
replay, recover, wacz, reextract, report, upload, verify and ls.

Options mean the same on every command (``crawler.commands.cli_options``): ``--out`` is where a
command's output goes, ``--endpoint-url``/``--region`` name the object store wherever ``s3://`` is
read or written, and every option has a help text.

Exit codes: 0 the crawl worked, 1 it ran but failed its checks (nothing fetched, aborted) or a
command failed at run time, 2 usage or configuration error (bad spider, URL, option, output,
setting, store), or another crawl of the same site into the same output is running
(``crawler.crawl.lock``). Errors are one clear line on stderr (two with a hint), never a traceback
(``CRAWLER_TRACEBACK=1`` shows it for an unexpected error), one JSON object with ``--log-format
json``. A usage error creates no file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from crawler import __version__
from crawler.commands.cli_options import port
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK, EXIT_USAGE, CommandFailed, UsageError

__all__ = ["main", "UsageError"]
_JSON_ERRORS = False  # --log-format json on the command line: errors as JSON too


def _error_line(command: str, kind: str, message: str) -> str:
    """``crawler crawl: error: …``, or one JSON object when the log is JSON."""
    text = f"{command}: {kind}: {message}"
    if not _JSON_ERRORS:
        return text
    return json.dumps({"event": "error", "time": dt.datetime.now(dt.UTC).isoformat(
        timespec="milliseconds"), "level": "ERROR", "message": text,
        "exit_code": EXIT_USAGE if kind == "error" else EXIT_CHECKS_FAILED}, ensure_ascii=False)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and a hint instead of the whole usage text."""

    def error(self, message: str) -> NoReturn:
        if _JSON_ERRORS:
            self.exit(EXIT_USAGE, _error_line(self.prog, "error", message) + "\n")
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"(`{self.prog} --help` lists the options)\n")


def _parser() -> argparse.ArgumentParser:
    p = OneLineParser(
        prog="crawler", description="News archival crawler: WARC archive + article JSON.")
    p.add_argument("--version", action="version", version=f"crawler {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True,
                           parser_class=OneLineParser)
    from crawler.commands.crawl_command import add_commands as add_crawl_commands

    add_crawl_commands(sub)
    sub.add_parser("list", help="list the spiders with a one-line description each",
                   description="List the spiders `crawler crawl` (and `scrapy crawl`) can run, "
                               "one per line with what it crawls.")
    from crawler.commands.extract_command import add_command as add_extract_command

    add_extract_command(sub)
    s = sub.add_parser("site", help="serve the fixture news site",
                       description="Serve the deterministic fixture copy of a news site.")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=port, default=8000, help="port to listen on (default 8000)")
    s.add_argument("--articles", type=int, default=500, help="articles per language")
    s.add_argument("--seed", type=int, default=1,
                   help="seed of the generated site: the same seed, the same site (default 1)")
    s.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    s.add_argument("--ground-truth", metavar="FILE", help="write ground truth JSON Lines here")
    s.add_argument("--generation", type=int, default=None, metavar="N",
                   help="evolving site: generation N adds newer articles and edits older ones")
    from crawler.commands.archive_commands import add_commands as add_archive_commands

    add_archive_commands(sub)
    from crawler.commands.reextract_command import add_command as add_reextract_command

    add_reextract_command(sub)
    from crawler.commands.report_command import add_commands as add_ops_commands

    add_ops_commands(sub)
    from crawler.commands.storage_commands import add_commands as add_storage_commands

    add_storage_commands(sub)
    return p


def _wants_json(argv: Sequence[str]) -> bool:
    args = list(argv)
    return "--log-format=json" in args or any(
        a == "--log-format" and b == "json" for a, b in zip(args, args[1:], strict=False))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crawler`` console script."""
    global _JSON_ERRORS
    argv = list(sys.argv[1:] if argv is None else argv)
    _JSON_ERRORS = _wants_json(argv)
    args = _parser().parse_args(argv)
    args.argv = argv  # the command line as given (a crawl on several processes passes it on)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(_error_line(f"crawler {args.command}", "error", str(exc)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader of our output went away (`| head`): nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except CommandFailed as exc:
        print(_error_line(f"crawler {args.command}", "failed", _one_line(exc)), file=sys.stderr)
        return EXIT_CHECKS_FAILED
    except Exception as exc:  # unexpected: still one line, exit 1
        if os.environ.get("CRAWLER_TRACEBACK"):
            raise
        print(_error_line(f"crawler {args.command}", "failed",
                          f"{type(exc).__name__}: {_one_line(exc)} (CRAWLER_TRACEBACK=1 shows "
                          "where)"), file=sys.stderr)
        return EXIT_CHECKS_FAILED


def _dispatch(args: argparse.Namespace) -> int:
    from crawler.commands.archive_commands import dispatch as dispatch_archive
    from crawler.commands.report_command import dispatch as dispatch_ops
    from crawler.commands.storage_commands import dispatch as dispatch_storage

    for dispatch in (dispatch_ops, dispatch_storage, dispatch_archive):
        if (code := dispatch(args)) is not None:
            return code
    if args.command == "crawl":
        from crawler.commands.crawl_command import run_crawl_command
        return run_crawl_command(args)
    if args.command == "demo":
        from crawler.commands.crawl_command import run_demo_command
        return run_demo_command(args)
    if args.command == "list":
        return _list()
    if args.command == "extract":
        from crawler.commands.extract_command import run as run_extract
        return run_extract(args)
    if args.command == "site":
        return _site(args)
    if args.command == "reextract":
        from crawler.commands.reextract_command import run as run_reextract
        return run_reextract(args)
    return EXIT_USAGE


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def _list() -> int:
    """``crawler list``: each spider's name and the first line of its docstring."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    names = sorted(loader.list())
    width = max((len(n) for n in names), default=0)
    for name in names:
        doc = (loader.load(name).__doc__ or "").strip().splitlines()
        print(f"{name:<{width}}  {doc[0].strip() if doc else ''}".rstrip())
    return EXIT_OK


def _site(args: argparse.Namespace) -> int:
    from fixture_site.evolve import MAX_GENERATIONS
    from fixture_site.server import run_site

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
