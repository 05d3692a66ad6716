"""The previous crawl of the same site in the same output, and how this crawl compares with it.

The previous crawl is the latest earlier crawl id under ``<out>/<site>/`` that has a manifest
(on a local folder, or in the store for ``s3://``). Its manifest gives its totals; which articles
are new, changed or unchanged comes from this crawl's own stats (``changes/*``, counted by
``pipelines.state`` against the records the site's earlier crawls wrote), so nothing
is read per article. Pure apart from reading the previous manifest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.monitors import counts

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

CHANGE_KEYS = ("new", "changed", "unchanged")


def local_previous(site_dir: Path, crawl_id: str) -> dict[str, Any] | None:
    """The manifest of the latest crawl before ``crawl_id`` in a local site folder."""
    earlier = sorted((p for p in site_dir.iterdir()
                      if p.is_dir() and p.name < crawl_id and (p / "manifest.json").is_file()),
                     key=lambda p: p.name)
    for crawl in reversed(earlier):
        try:
            return json.loads((crawl / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return None


def _s3_manifest(out: Any, settings: BaseSettings) -> dict[str, Any] | None:
    from crawler.storage.objects import ObjectStore
    from crawler.storage.s3 import S3Location, StoreConfig

    config = StoreConfig.from_settings(settings)  # one attempt: a store down delays nothing
    store = ObjectStore(config.client(max_attempts=1), S3Location.parse(out.uri), config)
    site = store.location.key(out.folder)
    for crawl_id in sorted((c for c in store.subfolders(site) if c < out.crawl_id),
                           reverse=True):
        manifest = store.get_json(f"{site}/{crawl_id}/manifest.json")
        if isinstance(manifest, dict):
            return manifest
    return None


def previous_manifest(out: Any, settings: BaseSettings) -> dict[str, Any] | None:
    """The manifest of the site's previous crawl in the same output (None: this is its first).
    A store that cannot be read is logged and counts as none."""
    try:
        if out.remote:
            return _s3_manifest(out, settings)
        return local_previous(out.root.parent, out.crawl_id)
    except Exception as exc:  # the report is written regardless
        logger.warning("the previous crawl of %s could not be read: %s", out.folder, exc)
        return None


def crawl_numbers(stats: Mapping[str, Any], warc_bytes: int) -> dict[str, Any]:
    """The totals the comparison shows, from a crawl's stats."""
    seconds = stats.get("elapsed_time_seconds")
    return {"pages": counts.pages(stats), "articles": counts.articles(stats),
            "errors": counts.errors(stats), "bytes_downloaded": counts.bytes_downloaded(stats),
            "bytes_archived": int(warc_bytes),
            "seconds": float(seconds) if isinstance(seconds, int | float) else None}


def comparison(previous: Mapping[str, Any] | None, stats: Mapping[str, Any],
               warc_bytes: int) -> dict[str, Any] | None:
    """``{"previous": {...}, "current": {...}, "changes": {...}}``, or None without a previous
    crawl. ``changes``: articles new, changed and unchanged against the site's earlier records
    (None when the crawl state was off) and responses answered 304 Not Modified."""
    if not previous:
        return None
    prev_stats = previous.get("stats") or {}
    prev_warc = ((previous.get("totals") or {}).get("warc") or {}).get("bytes", 0)
    changes: dict[str, Any] | None = None
    if any(f"changes/{k}" in stats for k in CHANGE_KEYS) or stats.get("state/rows_written"):
        changes = {k: int(stats.get(f"changes/{k}") or 0) for k in CHANGE_KEYS}
    return {
        "previous": {"crawl_id": previous.get("crawl_id"),
                     "finished": prev_stats.get("finish_time") or previous.get("written_at"),
                     "finish_reason": previous.get("finish_reason"),
                     **crawl_numbers(prev_stats, prev_warc)},
        "current": crawl_numbers(stats, warc_bytes),
        "changes": changes,
        "not_modified": int(stats.get("incremental/not_modified") or 0),
    }
