"""Listing the crawls under an output (local folder or s3://): one line per crawl.

A crawl is found from its files (``<site>/<crawl-id>/warc|indexes|articles/…`` or
``manifest.json``). The output may be given at any level: the output root, a site folder or a
single crawl folder. Each crawl is in one state, with its reason:

* ``complete``: its manifest is written, it finished (or stopped at ``--max-items``) and every
  monitor passed;
* ``failed``: its manifest is written but a monitor failed (too few articles, too many errors, a
  discovery stall, nothing fetched);
* ``stopped``: its manifest is written but it was stopped (finish reason ``shutdown`` after
  Ctrl-C or SIGTERM, ``redis_unreachable``, …);
* ``in progress``: no manifest yet, and a process is writing it
  (``crawler.crawl.output.is_running``; local outputs only);
* ``abandoned``: no manifest, and nothing writes it: the crawl was killed (``crawler crawl
  --resume`` continues it, ``crawler recover`` repairs its WARC files);
* ``in progress or abandoned``: no manifest in the store (s3://): it may still be uploading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.crawl.output import SUBDIRS, is_running
from crawler.monitors.checks import failed_monitors
from crawler.outcome import OK_FINISH_REASONS
from crawler.storage.objects import ObjectStore
from crawler.storage.spool import MANIFEST

_CRAWL_LEVEL = {*SUBDIRS, MANIFEST}
COMPLETE, FAILED, STOPPED = "complete", "failed", "stopped"
IN_PROGRESS, ABANDONED, UNKNOWN = "in progress", "abandoned", "in progress or abandoned"
_STOP_WHY = {"shutdown": "shutdown: Ctrl-C or SIGTERM"}


def manifest_state(manifest: dict[str, Any]) -> tuple[str, str]:
    """``(state, reason)`` of a crawl with this manifest: complete, failed or stopped."""
    reason = str(manifest.get("finish_reason") or "unknown")
    if reason not in OK_FINISH_REASONS:
        return STOPPED, _STOP_WHY.get(reason, reason)
    failed = [m for m in failed_monitors(manifest.get("stats") or {}) if m.name != "finished"]
    if failed:
        return FAILED, "; ".join(f"{m.name}: {m.detail}" for m in failed)
    if not (manifest.get("stats") or {}).get("downloader/response_count"):
        return FAILED, "nothing fetched"
    return COMPLETE, reason


@dataclass
class CrawlSummary:
    """One crawl as ``crawler ls`` shows it."""

    site: str
    crawl_id: str
    complete: bool
    state: str = UNKNOWN
    reason: str = ""
    finished: str | None = None
    finish_reason: str | None = None
    articles: int | None = None
    pages: int | None = None
    warc_bytes: int = 0
    files: int = 0


def _group(files: Iterable[tuple[list[str], int]], base: list[str]) -> dict[tuple[str, str], Any]:
    """Group ``(path parts relative to the output, size)`` by (site, crawl id)."""
    crawls: dict[tuple[str, str], dict[str, Any]] = {}
    for parts, size in files:
        level = next((i for i, p in enumerate(parts) if p in _CRAWL_LEVEL), None)
        if level is None or any(p.startswith(".") for p in parts):
            continue
        names = (base + parts[:level])[-2:]
        if len(names) < 2:
            continue
        crawl = crawls.setdefault((names[0], names[1]),
                                  {"files": 0, "warc": 0, "manifest": None, "first": parts})
        rest = parts[level:]
        crawl["files"] += 1
        if rest[0] == "warc":
            crawl["warc"] += size
        if rest == [MANIFEST]:
            crawl["manifest"] = parts
    return crawls


def _summaries(crawls: dict[tuple[str, str], Any], read_manifest: Callable[[list[str]], Any],
               running: Callable[[str, str], bool | None]) -> list[CrawlSummary]:
    rows = []
    for (site, crawl_id), info in sorted(crawls.items()):
        row = CrawlSummary(site, crawl_id, complete=False, warc_bytes=info["warc"],
                           files=info["files"])
        manifest = read_manifest(info["manifest"]) if info["manifest"] else None
        if not isinstance(manifest, dict):
            alive = running(site, crawl_id)
            row.state = UNKNOWN if alive is None else IN_PROGRESS if alive else ABANDONED
            row.reason = f"no manifest, {row.files} files" + (
                "" if alive is not False else "; `crawler crawl --resume` continues it")
        else:
            stats = manifest.get("stats") or {}
            row.state, row.reason = manifest_state(manifest)
            row.complete = row.state == COMPLETE
            row.finished = stats.get("finish_time") or manifest.get("written_at")
            row.finish_reason = manifest.get("finish_reason")
            row.articles = stats.get("articles/written", 0)
            row.pages = stats.get("downloader/response_count", 0)
            row.warc_bytes = (manifest.get("totals") or {}).get("warc", {}).get("bytes", 0)
            row.files = len(manifest.get("files", [])) + 1
        rows.append(row)
    return rows


def list_local(out: Path) -> list[CrawlSummary]:
    """The crawls in a local output folder (or site or crawl folder)."""
    out = out.resolve()
    files = ((list(p.relative_to(out).parts), p.stat().st_size)
             for p in out.rglob("*") if p.is_file())
    crawls = _group(files, list(out.parts))
    folders = {key: _crawl_folder(out, info["first"]) for key, info in crawls.items()}

    def read(parts: list[str]) -> Any:
        try:
            return json.loads(out.joinpath(*parts).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    return _summaries(crawls, read, lambda site, crawl_id: is_running(folders[site, crawl_id]))


def _crawl_folder(out: Path, parts: list[str]) -> Path:
    """The crawl folder of a file (its path parts relative to ``out``)."""
    level = next(i for i, p in enumerate(parts) if p in _CRAWL_LEVEL)
    return out.joinpath(*parts[:level]) if level else out


def list_s3(store: ObjectStore) -> list[CrawlSummary]:
    """The crawls under ``store.location`` (a prefix at any level)."""
    prefix = store.location.prefix
    cut = len(prefix) + 1 if prefix else 0
    files = ((obj["Key"][cut:].split("/"), int(obj["Size"])) for obj in store.objects(prefix))
    crawls = _group(files, prefix.split("/") if prefix else [])

    def read(parts: list[str]) -> Any:
        try:
            return store.get_json(store.location.key(*parts))
        except ValueError:
            return None

    return _summaries(crawls, read, lambda site, crawl_id: None)


def format_rows(rows: list[CrawlSummary]) -> list[str]:
    """A plain text table, header first."""
    table = [("SITE", "CRAWL-ID", "FINISHED", "ARTICLES", "PAGES", "WARC-BYTES", "STATUS")]
    for r in rows:
        table.append((r.site, r.crawl_id, (r.finished or "-")[:19], _num(r.articles),
                      _num(r.pages), str(r.warc_bytes), f"{r.state} ({r.reason})"))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in table]


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)
