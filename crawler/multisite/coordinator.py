"""A run of a seed list: its sites crawled by one or more processes, then one view of the whole.

``crawler crawl news --seeds FILE [--processes N]`` comes here once the seeds are checked.
The sites are crawled in this process (:mod:`crawler.multisite.site_crawls`) and, with N > 1,
in N - 1 more crawler processes (:mod:`crawler.commands.run_shard`); all take sites from the
run's queue (:mod:`crawler.multisite.seed_queue`) as they have room. The others end with this
one: they get a parent-death signal, and a Ctrl-C or SIGTERM here is passed on to them so each
closes its crawls on record boundaries. Each site's entry lands in ``<run>/sites/`` as it
finishes; at the end the run manifest and report are written
(:mod:`crawler.multisite.run_document`) and, for an ``s3://`` output, uploaded beside the
sites' crawls.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.crawl.output import new_crawl_id, site_dir
from crawler.errors import EXIT_CHECKS_FAILED, EXIT_OK
from crawler.logs.log_output import EVENT_ATTR, PROGRESS_LOGGER, LogSettings, notice
from crawler.multisite.run_document import (
    RUNS_FOLDER,
    SITES_FOLDER,
    in_seed_order,
    run_document,
    summary_lines,
    write_run_files,
)
from crawler.multisite.seed_queue import RunPlan, SeedQueue
from crawler.multisite.seeds import SeedList
from crawler.multisite.site_crawls import ListSource, RunSettings, SiteCrawls
from crawler.multisite.site_report import (
    SiteReport,
    not_crawled,
    read_site_reports,
    write_site_report,
)
from crawler.pageworkers.parent_death import die_with_parent_preexec
from crawler.typed_settings import CrawlSettings

if TYPE_CHECKING:
    from scrapy.settings import Settings

events = logging.getLogger(PROGRESS_LOGGER)
INTERRUPTED = "not crawled: the run was interrupted before this site started"
SHARD_DIED = "not crawled to its end: its crawler process {worker} ended with code {code}"


@dataclass
class SiteRecorder:
    """Keeps each finished site's entry in the run folder and says it in one line."""

    folder: Path
    total: int

    def __call__(self, report: SiteReport) -> None:
        write_site_report(self.folder, report)
        done = sum(1 for _ in self.folder.glob("*.json"))
        why = f" ({report.reason})" if report.reason else ""
        text = (f"site {report.site}: {report.status}{why}, {report.articles} articles, "
                f"{report.pages} pages, {report.errors} errors [{done}/{self.total} sites]")
        level = logging.WARNING if report.status == "failed" else logging.INFO
        events.log(level, "%s", text, extra={EVENT_ATTR: {
            "event": "site_finished", "done": done, "sites": self.total, **report.to_json()}})


def run_folder(settings: Settings, run_id: str) -> Path:
    """``<out>/_runs/<run-id>`` (the spool's, for an ``s3://`` output)."""
    crawl = CrawlSettings.from_settings(settings)
    return site_dir(crawl.output_uri, RUNS_FOLDER, crawl.spool_dir) / run_id


# Set by the command at the project's priority, not the command line's (crawler.commands).
COMMAND_SETTINGS = ("LOG_LEVEL",)


def command_line_settings(settings: Settings) -> dict[str, Any]:
    """The settings given on the command line, as JSON values for the run's processes."""
    found = {}
    for name in settings:
        if (settings.getpriority(name) or 0) >= 40 or name in COMMAND_SETTINGS:
            value = settings[name]
            try:
                json.dumps(value)
            except TypeError:
                continue
            found[name] = value
    return found


def run_sites(seeds: SeedList, settings: Settings, *, processes: int, resume: bool,
              lock_site: Any) -> int:
    """Crawl every site of ``seeds``; returns the run's exit code (0: every site complete
    or stopped by its budget, 1: any failed)."""
    crawl = CrawlSettings.from_settings(settings)
    run_id = crawl.crawl_id or new_crawl_id()
    folder = run_folder(settings, run_id)
    sites_folder = folder / SITES_FOLDER
    sites_folder.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    at_once = RunSettings.from_settings(settings).sites_at_once
    processes = max(1, min(processes, len(seeds.seeds)))
    notice(settings, f"run {run_id}: {len(seeds.seeds)} sites from {seeds.source}, "
                     f"{processes} process(es), up to {at_once} sites at once each")
    recorder = SiteRecorder(sites_folder, len(seeds.seeds))
    codes: dict[int, int] = {}
    if processes == 1:
        SiteCrawls(settings, ListSource(list(seeds.seeds)), run_id, recorder, at_once=at_once,
                   resume=resume, worker=0, lock_site=lock_site).run()
    else:
        RunPlan(run_id, seeds.seeds, command_line_settings(settings), resume, at_once
                ).write(folder)
        children = start_shards(folder, range(1, processes))
        SiteCrawls(settings, SeedQueue(folder, seeds.seeds), run_id, recorder,
                   at_once=at_once, resume=resume, worker=0, lock_site=lock_site,
                   on_signal=lambda signum: forward(children, signum)).run()
        codes = wait_for(children)
    reports = read_site_reports(sites_folder)
    for seed in seeds.seeds:
        if seed.site not in reports:
            failed = [w for w, code in codes.items() if code not in (0, None)]
            reason = (SHARD_DIED.format(worker=failed[0], code=codes[failed[0]]) if failed
                      else INTERRUPTED)
            reports[seed.site] = not_crawled(seed, reason)
            write_site_report(sites_folder, reports[seed.site])
    ordered = in_seed_order((s.site for s in seeds.seeds), reports)
    document = run_document(run_id, ordered, seeds=seeds.source, output=crawl.output_uri,
                            processes=processes, started=started,
                            finished=dt.datetime.now(dt.UTC))
    write_run_files(folder, document)
    where = str(folder)
    uploaded = upload_run(settings, folder, run_id)
    if uploaded:
        where = uploaded
    lines = summary_lines(document, where)
    if LogSettings.from_settings(settings).json:
        notice(settings, lines[0], event="run_summary", run_id=run_id,
               totals=document["totals"], failed_sites=document["failed_sites"], lines=lines)
    else:
        print("\n".join(lines), flush=True)
    return EXIT_CHECKS_FAILED if document["failed_sites"] else EXIT_OK


def start_shards(folder: Path, indexes: range) -> dict[int, subprocess.Popen]:
    """Start a crawler process on the run in ``folder`` for each index; each ends when this
    process dies."""
    return {index: subprocess.Popen(
        [sys.executable, "-m", "crawler.commands.run_shard", str(folder), str(index)],
        preexec_fn=die_with_parent_preexec(signal.SIGTERM), env=os.environ.copy())
        for index in indexes}


def forward(children: dict[int, subprocess.Popen], signum: int) -> None:
    """Pass a signal this process got on to the run's other processes still running."""
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signum)


def wait_for(children: dict[int, subprocess.Popen]) -> dict[int, int]:
    """Wait for the run's other processes (a SIGINT/SIGTERM meanwhile goes to them); each
    one's exit code."""
    previous = {sig: signal.signal(sig, lambda signum, _frame: forward(children, signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while any(child.poll() is None for child in children.values()):
            time.sleep(0.1)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return {index: child.wait() for index, child in children.items()}


def upload_run(settings: Settings, folder: Path, run_id: str) -> str | None:
    """For an ``s3://`` output: put the run's files beside the sites' crawls; returns where
    they are (None for a local output)."""
    uri = CrawlSettings.from_settings(settings).output_uri
    if not uri.startswith("s3://"):
        return None
    from crawler.crawl.digests import sha256_hex
    from crawler.storage.objects import ObjectStore

    target = f"{uri.rstrip('/')}/{RUNS_FOLDER}/{run_id}"
    store = ObjectStore.from_settings(target, settings)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = sha256_hex(path)
        key = store.location.key(path.relative_to(folder).as_posix())
        store.upload(path, key, digest)
        problem = store.mismatch(path, key, path.stat().st_size, digest)
        if problem:
            raise OSError(f"run file {key} did not reach the store: {problem}")
    return target
