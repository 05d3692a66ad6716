"""The crawl manifest: every file with its size and sha256, plus the crawl's stats.

``manifest.json`` is written last, atomically, after every writer has closed its files: a reader
who sees a manifest sees a complete crawl. Files still named ``*.open`` are never listed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from pathlib import Path
from typing import Any

from scrapy import signals

from crawler import __version__
from crawler.layout import CrawlOutput, crawl_output
from crawler.storage.digests import sha256_hex

logger = logging.getLogger(__name__)

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
                    settings: Any) -> dict[str, Any]:
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


# Settings worth recording: they change what a crawl fetches and writes.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DEPTH_LIMIT", "BARREN_PAGES_LIMIT", "PATH_SHAPE_BUDGET",
    "CLOSESPIDER_ITEMCOUNT", "SINCE", "WARC_MAX_SIZE", "WARC_DEDUP", "EXTRACTION_ENABLED",
)


class ManifestExtension:
    """At the end of a crawl: close every writer, then write the manifest (the commit marker)."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ManifestExtension:
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        out = crawl_output(self.crawler)
        logger.info("crawl %s writing to %s", out.crawl_id, out.root)
        # A crawl killed earlier left *.open files: cut them to their last whole record now.
        # Recovered crawls get no manifest: they are repaired, not complete.
        from crawler.warc.recover import interrupted_crawls, recover_crawl_dir

        for crawl in interrupted_crawls(out.root.parent):
            if crawl != out.root:
                for result in recover_crawl_dir(crawl):
                    logger.warning("recovered interrupted crawl %s: %s", crawl.name, result)

    def spider_closed(self, spider: Any, reason: str) -> None:
        out = crawl_output(self.crawler)
        out.close_writers()
        settings = self.crawler.settings
        recorded = {name: settings.get(name) for name in RECORDED_SETTINGS}
        site = getattr(spider, "site", None)
        spider_args = {"start_url": getattr(spider, "start_url", None),
                       "since": str(getattr(spider, "since", None) or "") or None,
                       "site": getattr(getattr(spider, "profile", None), "name", None),
                       "site_origin": getattr(site, "origin", None)}
        manifest = build_manifest(out, stats=self.crawler.stats.get_stats(), finish_reason=reason,
                                  spider=spider_args, settings=jsonable(recorded))
        self.crawler.crawl_manifest = manifest
        if not settings.getbool("MANIFEST_WRITE", True):
            # A worker of a distributed crawl: its part goes to the crawl's registry and the
            # last worker writes the manifest of all parts (crawler.distributed.finalize).
            out.finish()
            return
        path = write_manifest(out, manifest)
        out.file_completed(path, "manifest")  # last: uploaders treat it as the commit marker
        out.finish()
        logger.info("manifest written: %s (%d files)", path, len(manifest["files"]))
