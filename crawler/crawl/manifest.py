"""The crawl manifest: every file with its size and sha256, plus the crawl's stats.

``manifest.json`` is written last, atomically, after every writer has closed its files: a reader
who sees a manifest sees a complete crawl. Files still named ``*.open`` are never listed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.crawl.digests import sha256_hex
from crawler.crawl.output import CrawlOutput

MANIFEST_VERSION = "1.0"


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO 8601 strings and anything else JSON lacks as text."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def totals_by_kind(files: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Files and bytes per kind of the manifest's file entries."""
    by_kind: dict[str, dict[str, int]] = {}
    for f in files:
        agg = by_kind.setdefault(f["kind"], {"files": 0, "bytes": 0})
        agg["files"] += 1
        agg["bytes"] += f["size"]
    return by_kind


def manifest_header(out: CrawlOutput, *, finish_reason: str, spider_args: Any,
                    settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields every manifest opens with, in order: what crawl, by which software, on which
    host, how it ended, with which spider arguments and settings. The crawl's own fields
    (``distributed``, ``totals``, ``files``, ``stats``) follow."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "crawl_id": out.crawl_id,
        "spider": out.spider,
        "site": out.folder,
        "output": out.uri,
        "software": {"name": "newscrawler", "version": __version__},
        "host": socket.gethostname(),
        "finish_reason": finish_reason,
        "written_at": dt.datetime.now(dt.UTC).isoformat(),
        "spider_args": spider_args,
        "settings": settings,
    }


def build_manifest(out: CrawlOutput, *, stats: dict[str, Any], finish_reason: str,
                   spider: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The manifest document for a crawl whose writers are all closed."""
    files = []
    for done in sorted(out.completed, key=lambda f: f.relpath):
        path = out.root / done.relpath
        files.append({"path": done.relpath, "kind": done.kind, "size": path.stat().st_size,
                      "sha256": sha256_hex(path)})
    return {
        **manifest_header(out, finish_reason=finish_reason, spider_args=spider,
                          settings=settings),
        "totals": totals_by_kind(files),
        "files": files,
        "stats": jsonable(stats),
    }


def write_manifest(out: CrawlOutput, manifest: dict[str, Any]) -> Path:
    """Write ``manifest.json`` atomically (temporary name, fsync, rename)."""
    tmp = out.manifest_path.with_suffix(".json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out.manifest_path)
    return out.manifest_path
