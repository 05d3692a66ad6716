"""The run's own files: ``run.json`` (the run manifest) and ``report.html`` (its report).

A run crawls many sites; each site's crawl keeps its own folder, manifest and report
(``<out>/<site>/<crawl-id>/``). The run adds one folder, ``<out>/_runs/<run-id>/`` (no site key
starts with ``_``), holding:

* ``run.json``: what ran (seed list, processes, times), the totals and one entry per site
  (:class:`crawler.multisite.site_report.SiteReport`: status, reason, counts, learned zone and
  boilerplate, duration, and ``crawl``, the site's crawl folder under the output);
* ``report.html``: the same as one page with a per-site table, failed sites first;
* ``sites/<site>.json``: each site's entry as it finished (kept while the run goes on).

Pure: documents and markup from reports; writing is :func:`write_run_files`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.multisite.site_report import SiteReport
from crawler.multisite.verdict import COMPLETE, FAILED, STOPPED
from crawler.report.markup import CSS, Raw, esc, link, seconds, section, table

RUNS_FOLDER = "_runs"
RUN_SCHEMA = "newscrawler.run/1"
RUN_JSON, RUN_HTML, SITES_FOLDER = "run.json", "report.html", "sites"
STATUS_ORDER = {FAILED: 0, STOPPED: 1, COMPLETE: 2}


def run_document(run_id: str, reports: Sequence[SiteReport], *, seeds: str, output: str,
                 processes: int, started: dt.datetime, finished: dt.datetime) -> dict[str, Any]:
    """The run manifest: what ran, totals and every site's entry, in the seed list's order."""
    by_status = {s: sum(r.status == s for r in reports) for s in (COMPLETE, STOPPED, FAILED)}
    return {
        "schema": RUN_SCHEMA,
        "run_id": run_id,
        "software": f"newscrawler {__version__}",
        "seeds": seeds,
        "output": output,
        "processes": processes,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round((finished - started).total_seconds(), 3),
        "totals": {
            "sites": len(reports), **by_status,
            "articles": sum(r.articles for r in reports),
            "pages": sum(r.pages for r in reports),
            "errors": sum(r.errors for r in reports),
        },
        "failed_sites": [r.site for r in reports if r.status == FAILED],
        "sites": [r.to_json() for r in reports],
    }


def status_badge(status: str) -> Raw:
    kind = {COMPLETE: "passed", FAILED: "failed"}.get(status, "skipped")
    return Raw(f'<span class="badge {kind}">{esc(status)}</span>')


def _row(report: SiteReport) -> list[Any]:
    crawl = (Raw(f'<a href="../../{esc(report.crawl)}/report.html">{esc(report.crawl)}</a>')
             if report.crawl else "–")
    return [Raw(f"{esc(report.site)}<br>{link(report.url)}"), status_badge(report.status),
            report.reason or "", report.articles, report.pages, report.errors,
            report.zone or "–", report.boilerplate, seconds(report.seconds), crawl]


def render_run(document: Mapping[str, Any]) -> str:
    """``report.html`` of a run: header, totals, and the per-site table (failed first)."""
    reports = sorted((SiteReport.from_json(s) for s in document["sites"]),
                     key=lambda r: (STATUS_ORDER.get(r.status, 3), r.site))
    totals = document["totals"]
    cards = "".join(f'<div class="card"><div class="v">{esc(f"{v:,}")}</div>'
                    f'<div class="k">{esc(k)}</div></div>' for k, v in totals.items())
    sites = table(["site", "status", "reason", "articles", "pages", "errors", "zone",
                   "boilerplate lines", "duration", "crawl"],
                  (_row(r) for r in reports), numeric=(3, 4, 5, 7, 8))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>run {esc(document['run_id'])}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Run {esc(document['run_id'])}</h1><div class=sub>"
        f"{esc(document['software'])} · seeds {esc(document['seeds'])} · output "
        f"{esc(document['output'])} · {esc(document['processes'])} process(es) · "
        f"{esc(document['started'])} → {esc(document['finished'])} "
        f"({esc(seconds(document['seconds']))})</div></header><main>"
        f'<div class="cards">{cards}</div>'
        + section("Sites", "sites", sites)
        + "</main></body></html>\n")


def summary_lines(document: Mapping[str, Any], folder: str, table_limit: int = 25) -> list[str]:
    """The run's summary on stdout: totals, each site (up to ``table_limit``; then the failed
    ones only), and where the run's files are."""
    totals, sites = document["totals"], [SiteReport.from_json(s) for s in document["sites"]]
    lines = [f"run {document['run_id']}: {totals['sites']} sites in "
             f"{seconds(document['seconds'])}: {totals[COMPLETE]} complete, "
             f"{totals[STOPPED]} stopped by budget, {totals[FAILED]} failed",
             f"  articles written: {totals['articles']}, pages fetched: {totals['pages']}, "
             f"errors: {totals['errors']}"]
    shown = sites if len(sites) <= table_limit else [r for r in sites if r.status == FAILED]
    for r in shown:
        why = f" ({r.reason})" if r.reason else ""
        lines.append(f"  {r.status:<8} {r.site}{why}: {r.articles} articles, {r.pages} pages, "
                     f"{r.errors} errors, zone {r.zone or '-'}, {seconds(r.seconds)}")
    if document["failed_sites"]:
        lines.append(f"  FAILED sites: {', '.join(document['failed_sites'])}")
    lines += [f"  run manifest:     {folder}/{RUN_JSON}",
              f"  run report:       {folder}/{RUN_HTML}"]
    return lines


def write_run_files(folder: Path, document: Mapping[str, Any]) -> list[Path]:
    """Write ``report.html``, then ``run.json`` (last: a run with a manifest is finished)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((RUN_HTML, render_run(document)),
                       (RUN_JSON, json.dumps(document, ensure_ascii=False, indent=1) + "\n")):
        path = folder / name
        part = path.with_name(name + ".part")
        part.write_text(text, encoding="utf-8")
        os.replace(part, path)
        written.append(path)
    return written


def in_seed_order(seeds: Iterable[str], reports: Mapping[str, SiteReport]) -> list[SiteReport]:
    """The reports of ``seeds`` (site keys) in that order."""
    return [reports[key] for key in seeds if key in reports]
