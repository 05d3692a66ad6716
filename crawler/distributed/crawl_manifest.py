"""The manifest of a shared crawl: every worker's files and the crawl's summed stats.

Written once, by the last worker to leave a finished crawl (or by any worker started again on a
finished crawl), from the registry in Redis that every worker filled as it left (and the reaper
for dead workers). Every registered file must be in the output with its registered size first: on
a local folder, and on ``s3://`` (one listing of the crawl's prefix), where files a worker could
not upload wait in its spool until ``crawler upload`` there. The manifest is uploaded last, as the
commit marker.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crawler.crawl.manifest import jsonable, manifest_header, totals_by_kind, write_manifest
from crawler.crawl.output import CrawlOutput
from crawler.distributed.shared import SharedCrawl, text
from crawler.monitors.checks import MonitorResult, with_results
from crawler.monitors.counts import PEER_PAGES_STAT
from crawler.storage.crawls import missing_in_store, upload_manifest

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

WORKER_VIEW_STATS = frozenset({PEER_PAGES_STAT})  # one worker's view of the others: not summed
# Where a worker left files it could not upload (s3://), for the message that blocks the manifest
SPOOL_DIR_STAT = "distributed/spool_dir"
SPOOL_HOST_STAT = "distributed/spool_host"
# The one worker that writes the manifest, while the crawl is still done (a worker abandoning a
# lost spool re-opens it: crawler.distributed.abandon). KEYS: finalized, done.
_MARK_FINALIZED = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
return redis.call('SET', KEYS[1], ARGV[1], 'NX') and 1 or 0
"""


def merge_stats(per_worker: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Counts summed across workers; the earliest start, the latest finish, and the largest of
    maxima, elapsed times and delays (summing those would mean nothing)."""
    merged: dict[str, Any] = {}
    for stats in per_worker.values():
        for name, value in stats.items():
            if name in WORKER_VIEW_STATS:
                continue
            if name == "start_time":
                merged[name] = min(merged.get(name, value), value)
            elif name == "finish_time":
                merged[name] = max(merged.get(name, value), value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                if any(part in name for part in ("max", "elapsed", "delay", "peak", "longest")):
                    merged[name] = max(merged.get(name, value), value)
                else:
                    merged[name] = merged.get(name, 0) + value
    return dict(sorted(merged.items()))


def salvaged_stats(article_urls: set[str], responses: int) -> dict[str, Any]:
    """Registry stats for a dead worker, which never registered its own: the records kept of
    it (every one counts, its other claims were released) and the responses it had received
    when it last acknowledged leases."""
    return {"articles/written": len(article_urls), "downloader/response_count": responses}


def crawl_manifest(out: CrawlOutput, shared: SharedCrawl,
                   part: Mapping[str, Any] | None = None,
                   monitors: list[MonitorResult] | None = None) -> dict[str, Any]:
    """The manifest document of the whole crawl, from the registry (spider arguments and
    settings from ``part``, the finalizing worker's own manifest part; ``monitors``: the checks
    of the crawl as a whole, stored in its stats)."""
    files = sorted(shared.files(), key=lambda f: f["path"])
    per_worker = shared.all_stats()
    departed = shared.departed()
    workers = {
        w: {"left": departed.get(w, "?"),
            "finish_reason": stats.get("finish_reason"),
            "pages": stats.get("downloader/response_count", 0),
            "articles": stats.get("articles/written", 0),
            "files": sum(1 for f in files if f.get("worker") == w)}
        for w, stats in sorted(per_worker.items())}
    for w, how in departed.items():
        workers.setdefault(w, {"left": how, "files": sum(1 for f in files if f.get("worker") == w)})
    stats = merge_stats(per_worker)
    if monitors:
        stats.update(with_results({}, monitors))
    part = part or {}
    return {
        **manifest_header(out, finish_reason=shared.stop_reason() or "finished",
                          spider_args=part.get("spider_args"), settings=part.get("settings")),
        "distributed": {"redis_keys": shared.keys.root, "workers": workers,
                        "abandoned": {text(k): json.loads(v) for k, v in
                                      shared.client.hgetall(shared.keys.abandoned).items()}},
        "totals": totals_by_kind(files),
        "files": files,
        "stats": jsonable(stats),
    }


def missing_files(out: CrawlOutput, manifest: Mapping[str, Any]) -> list[str]:
    """Listed files that are not in the local folder with their listed size."""
    missing = []
    for f in manifest["files"]:
        path = out.root / f["path"]
        if not path.is_file() or path.stat().st_size != f["size"]:
            missing.append(f["path"])
    return missing


def note_spool(out: CrawlOutput, stats: Any) -> None:
    """s3://, files not uploaded at exit: record in the worker's stats where they wait, for the
    message that holds the manifest back (:func:`blocked_message`)."""
    if out.remote and stats.get_value("storage/pending_files"):
        stats.set_value(SPOOL_DIR_STAT, str(out.root.resolve()))
        stats.set_value(SPOOL_HOST_STAT, socket.gethostname())


def blocked_message(out: CrawlOutput, absent: list[dict[str, Any]],
                    per_worker: Mapping[str, Mapping[str, Any]]) -> str:
    """Why the manifest waits, naming each worker's missing files and what to run where."""
    by_worker: dict[str, list[str]] = {}
    for f in absent:
        by_worker.setdefault(str(f.get("worker", "?")), []).append(f["path"])
    where = f"{out.uri.rstrip('/')}/{out.folder}/{out.crawl_id}"
    lines = [f"crawl manifest NOT written: {len(absent)} files the workers registered are not "
             f"in {where}"]
    for worker, paths in sorted(by_worker.items()):
        stats = per_worker.get(worker, {})
        host = stats.get(SPOOL_HOST_STAT) or "its machine"
        spool = stats.get(SPOOL_DIR_STAT) or f"<its SPOOL_DIR>/{out.folder}/{out.crawl_id}"
        shown = ", ".join(sorted(paths)[:5]) + (f" and {len(paths) - 5} more"
                                                if len(paths) > 5 else "")
        lines.append(f"  worker {worker}: {len(paths)} files wait in its spool ({shown}); on "
                     f"{host} run `crawler upload {spool}`")
    lines.append(f"then start any worker of this crawl again (the same `crawler crawl` arguments "
                 f"and `--crawl-id {out.crawl_id}`): it finds the crawl done and writes the "
                 "manifest")
    lines.append(f"if a spool is lost for good (its machine is gone), start a worker with "
                 f"`--crawl-id {out.crawl_id} --abandon-spool <worker>` instead: that worker's "
                 "missing files are given up and the articles in them fetched again (see "
                 "docs/distributed.md)")
    return "\n".join(lines)


class ManifestHeld(Exception):
    """The crawl is done but its manifest cannot be written yet (files missing, store down);
    the message says what is missing and what to do."""


def finalize(out: CrawlOutput, shared: SharedCrawl, settings: BaseSettings, *,
             keep_seconds: int, current_key: str | None = None,
             part: Mapping[str, Any] | None = None,
             monitors: list[MonitorResult] | None = None) -> dict[str, Any] | None:
    """Write (and upload) the crawl manifest once; None when another worker did. Raises
    :class:`ManifestHeld` when registered files are missing from the output or the store.

    ``current_key`` names the site's "current crawl" key: cleared so the next run starts anew;
    the crawl's keys expire ``keep_seconds`` later (``DISTRIBUTED_KEEP_SECONDS``).
    """
    manifest = crawl_manifest(out, shared, part, monitors)
    if out.remote:
        try:
            absent = missing_in_store(out, settings, manifest["files"])
        except Exception as exc:  # the store does not answer: nothing is written
            raise ManifestHeld(
                f"crawl manifest NOT written: cannot list {out.uri.rstrip('/')}/{out.folder}/"
                f"{out.crawl_id} ({exc}); start any worker of this crawl again (`--crawl-id "
                f"{out.crawl_id}`) once the store answers") from exc
        if absent:
            raise ManifestHeld(blocked_message(out, absent, shared.all_stats()))
        if manifest["stats"].get("storage/pending_files"):  # uploaded since (`crawler upload`)
            manifest["stats"]["storage/pending_files"] = 0
    else:
        missing = missing_files(out, manifest)
        if missing:
            raise ManifestHeld(f"crawl manifest NOT written: {len(missing)} listed files are "
                               f"missing or changed in {out.root} (first: {missing[0]})")
    marked = shared.client.register_script(_MARK_FINALIZED)(
        keys=[shared.keys.finalized, shared.keys.done], args=[str(out.manifest_path)])
    if not marked and not shared.is_done():
        raise ManifestHeld("crawl manifest NOT written: the crawl was re-opened (a worker "
                           "abandoned a lost spool); the worker that finishes it writes it")
    if not marked:
        logger.info("the crawl manifest is written by another worker")
        return None
    path = write_manifest(out, manifest)
    if out.remote:
        upload_manifest(out, settings, path)
    shared.client.delete(shared.keys.queue)
    if current_key and shared.client.get(current_key) == out.crawl_id.encode():
        shared.client.delete(current_key)
    shared.expire_all(keep_seconds)
    logger.info("crawl manifest written: %s (%d files from %d workers)", path,
                len(manifest["files"]), len(manifest["distributed"]["workers"]))
    return manifest
