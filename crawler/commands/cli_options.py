"""Options shared by the ``crawler`` subcommands, so each means the same everywhere.

* ``--out``: where the command's output goes (crawl: the output folder or ``s3://``; report:
  the HTML file; wacz: the WACZ file; extract: the JSON file). Old spellings stay as hidden
  aliases (``wacz -o/--output``);
* ``--endpoint-url``, ``--region``, ``--addressing-style``: the object store, on every command
  that touches ``s3://`` (settings ``S3_*``, else the ``AWS_*`` environment);
* ``--log-level`` (``-L``, ``--loglevel``), ``--log-format``, ``--logfile``: log output;
* ``-s NAME=VALUE``: a Scrapy setting; ``-a NAME=VALUE``: a spider argument (as ``scrapy crawl``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from crawler.errors import UsageError
from crawler.logs.log_output import LEVELS

LOG_FORMATS = ("text", "json")


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
    if value.upper() not in LEVELS:
        raise argparse.ArgumentTypeError(f"{value!r} is not one of {', '.join(LEVELS)}")
    return value.upper()


def add_out(p: argparse.ArgumentParser, help: str, *, metavar: str = "PATH",
            default: str | None = None, aliases: Sequence[str] = ()) -> None:
    """``--out``, plus old spellings that still work but are not shown (``aliases``)."""
    p.add_argument("--out", default=default, metavar=metavar, help=help)
    if aliases:
        p.add_argument(*aliases, dest="out", default=argparse.SUPPRESS, metavar=metavar,
                       help=argparse.SUPPRESS)


def add_store_options(p: argparse.ArgumentParser) -> None:
    """The object store options (``S3_*`` settings, else the ``AWS_*`` environment)."""
    g = p.add_argument_group("object store (default: S3_* settings, then AWS_* environment)")
    g.add_argument("--endpoint-url", metavar="URL",
                   help="S3 endpoint, e.g. http://127.0.0.1:9000 (setting S3_ENDPOINT_URL)")
    g.add_argument("--region", help="S3 region (setting S3_REGION)")
    g.add_argument("--addressing-style", choices=("auto", "path", "virtual"),
                   help="S3 addressing style (setting S3_ADDRESSING_STYLE)")


def store_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the object store options give (unset options left out)."""
    found = {"S3_ENDPOINT_URL": getattr(args, "endpoint_url", None),
             "S3_REGION": getattr(args, "region", None),
             "S3_ADDRESSING_STYLE": getattr(args, "addressing_style", None)}
    return {name: value for name, value in found.items() if value}


def add_log_options(p: argparse.ArgumentParser, default_level: str = "WARNING") -> None:
    """``--log-level``, ``--log-format``, ``--logfile`` (and Scrapy's ``-L``/``--loglevel``)."""
    g = p.add_argument_group("log output")
    g.add_argument("--log-level", default=None, type=log_level, metavar="LEVEL",
                   help=f"{', '.join(LEVELS)} (default {default_level}: warnings, errors and "
                        "one line per failed request; INFO adds the crawl's milestones, DEBUG "
                        "Scrapy's banner, settings and stats)")
    g.add_argument("-L", "--loglevel", dest="log_level", type=log_level,
                   default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    g.add_argument("--log-format", choices=LOG_FORMATS, default=None,
                   help="text (default) or json: every line on stderr (or in --logfile) one "
                        "JSON object, for log shippers")
    g.add_argument("--logfile", metavar="PATH",
                   help="write the log to this file (appended) instead of stderr")


def log_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the log options give (``LOG_LEVEL``, ``LOG_JSON``, ``LOG_FILE``)."""
    found: dict[str, Any] = {}
    if args.log_level:
        found["LOG_LEVEL"] = args.log_level
    if args.log_format:
        found["LOG_JSON"] = args.log_format == "json"
    if args.logfile:
        found["LOG_FILE"] = args.logfile
    return found


def add_settings_option(p: argparse.ArgumentParser) -> None:
    """``-s NAME=VALUE`` (repeatable)."""
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="set a Scrapy setting, e.g. -s DOWNLOAD_DELAY=1 (repeatable; unknown "
                        "names are refused)")


def add_spider_args(p: argparse.ArgumentParser) -> None:
    """``-a NAME=VALUE``: spider arguments, as ``scrapy crawl`` takes them."""
    p.add_argument("-a", dest="spider_args", action="append", default=[], metavar="NAME=VALUE",
                   help="pass a spider argument, as scrapy crawl does (repeatable): "
                        "-a url=https://site/ is --url, -a since=2025-03-01 is --since")


def parse_pairs(pairs: Sequence[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` strings as a dict; :class:`UsageError` for one without ``=``."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{option} expects NAME=VALUE, got {pair!r}")
        found[name.strip()] = value
    return found
