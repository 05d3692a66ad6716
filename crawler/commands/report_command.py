"""The ``crawler report`` command: re-render a crawl's ``report.html`` from its ``report.json``.

``crawler.commands.cli`` calls :func:`add_commands` while building its parser and :func:`dispatch`
with the parsed arguments (``None``: not an ops command).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from crawler.commands.cli_options import add_out
from crawler.errors import EXIT_OK, UsageError

COMMANDS = ("report",)


def add_commands(subparsers: Any) -> None:
    """Add ``report`` to the ``crawler`` sub-command parsers."""
    r = subparsers.add_parser(
        "report", help="re-render a crawl's report.html",
        description="Render <crawl>/report.html from report.json (or, for a crawl without one, "
                    "from manifest.json and the article records) and print the summary.")
    r.add_argument("crawl", help="crawl folder (<out>/<site>/<crawl-id>)")
    add_out(r, "HTML file to write (default: <crawl>/report.html)", metavar="FILE")
    r.add_argument("--json", action="store_true", help="print the monitor results as JSON")


def dispatch(args: argparse.Namespace) -> int | None:
    """Run an ops command; None when ``args.command`` is not one."""
    if args.command != "report":
        return None
    return report_command(args)


def report_command(args: argparse.Namespace) -> int:
    from crawler.monitors.checks import MonitorResult, summary_lines
    from crawler.report.document import REPORT_HTML, ReportError, load_report, write_atomic
    from crawler.report.render import render_report

    crawl = Path(args.crawl)
    if not crawl.is_dir():
        raise UsageError(f"{crawl} is not a crawl folder")
    try:
        report = load_report(crawl)
    except ReportError as exc:
        raise UsageError(str(exc)) from exc
    target = Path(args.out) if args.out else crawl / REPORT_HTML
    try:
        write_atomic(target, render_report(report))
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from exc
    monitors = [MonitorResult.from_dict(m) for m in report.get("monitors") or []]
    if args.json:
        print(json.dumps([m.to_dict() for m in monitors], ensure_ascii=False, indent=1))
    else:
        totals = report.get("totals", {})
        print(f"report: {target}")
        print(f"  pages fetched:    {totals.get('pages', 0)}")
        print(f"  articles written: {totals.get('articles', 0)}")
        for line in summary_lines(monitors):
            print(line)
    return EXIT_OK
