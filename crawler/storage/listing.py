"""Listing the crawls under an output (local folder or s3://): one line per crawl.

A crawl is found from its files (``<spider>/<crawl-id>/warc|indexes|articles/…`` or
``manifest.json``); it is complete when its manifest is there. The output may be given at any
level: the output root, a spider folder or a single crawl folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.layout import SUBDIRS
from crawler.storage.objects import ObjectStore
from crawler.storage.spool import MANIFEST

_CRAWL_LEVEL = {*SUBDIRS, MANIFEST}


@dataclass
class CrawlSummary:
    """One crawl as ``crawler ls`` shows it."""

    spider: str
    crawl_id: str
    complete: bool
    finished: str | None = None
    finish_reason: str | None = None
    articles: int | None = None
    pages: int | None = None
    warc_bytes: int = 0
    files: int = 0


def _group(files: Iterable[tuple[list[str], int]], base: list[str]) -> dict[tuple[str, str], Any]:
    """Group ``(path parts relative to the output, size)`` by (spider, crawl id)."""
    crawls: dict[tuple[str, str], dict[str, Any]] = {}
    for parts, size in files:
        level = next((i for i, p in enumerate(parts) if p in _CRAWL_LEVEL), None)
        if level is None or any(p.startswith(".") for p in parts):
            continue
        names = (base + parts[:level])[-2:]
        if len(names) < 2:
            continue
        crawl = crawls.setdefault((names[0], names[1]), {"files": 0, "warc": 0, "manifest": None})
        rest = parts[level:]
        crawl["files"] += 1
        if rest[0] == "warc":
            crawl["warc"] += size
        if rest == [MANIFEST]:
            crawl["manifest"] = parts
    return crawls


def _summaries(crawls: dict[tuple[str, str], Any],
               read_manifest: Callable[[list[str]], Any]) -> list[CrawlSummary]:
    rows = []
    for (spider, crawl_id), info in sorted(crawls.items()):
        row = CrawlSummary(spider, crawl_id, complete=False, warc_bytes=info["warc"],
                           files=info["files"])
        manifest = read_manifest(info["manifest"]) if info["manifest"] else None
        if isinstance(manifest, dict):
            stats = manifest.get("stats") or {}
            row.complete = True
            row.finished = stats.get("finish_time") or manifest.get("written_at")
            row.finish_reason = manifest.get("finish_reason")
            row.articles = stats.get("articles/written", 0)
            row.pages = stats.get("downloader/response_count", 0)
            row.warc_bytes = (manifest.get("totals") or {}).get("warc", {}).get("bytes", 0)
            row.files = len(manifest.get("files", [])) + 1
        rows.append(row)
    return rows


def list_local(out: Path) -> list[CrawlSummary]:
    """The crawls in a local output folder (or spider or crawl folder)."""
    out = out.resolve()
    files = ((list(p.relative_to(out).parts), p.stat().st_size)
             for p in out.rglob("*") if p.is_file())
    crawls = _group(files, list(out.parts))

    def read(parts: list[str]) -> Any:
        try:
            return json.loads(out.joinpath(*parts).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    return _summaries(crawls, read)


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

    return _summaries(crawls, read)


def format_rows(rows: list[CrawlSummary]) -> list[str]:
    """A plain text table, header first."""
    table = [("SPIDER", "CRAWL-ID", "FINISHED", "ARTICLES", "PAGES", "WARC-BYTES", "STATUS")]
    for r in rows:
        status = f"complete ({r.finish_reason})" if r.complete else f"incomplete ({r.files} files)"
        table.append((r.spider, r.crawl_id, (r.finished or "-")[:19], _num(r.articles),
                      _num(r.pages), str(r.warc_bytes), status))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in table]


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)
