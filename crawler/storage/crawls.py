"""One crawl's objects in an ``s3://`` output: its store and key prefix, the files it lacks,
and the manifest uploaded last.

Used by the distributed crawl (finalize, abandon, reaper), which works on crawls whose files
several workers uploaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.crawl.digests import sha256_hex
from crawler.storage.objects import ObjectStore

if TYPE_CHECKING:
    from crawler.crawl.output import CrawlOutput


def crawl_store(out: CrawlOutput, settings: Mapping[str, Any]) -> tuple[ObjectStore, str]:
    """The object store of an ``s3://`` crawl output and the key prefix of this crawl."""
    store = ObjectStore.from_settings(out.uri, settings)
    return store, store.location.child(out.folder, out.crawl_id).key()


def missing_in_store(out: CrawlOutput, settings: Mapping[str, Any],
                     files: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Registered files that are not in the ``s3://`` output with their registered size (one
    listing of the crawl's prefix)."""
    store, crawl_key = crawl_store(out, settings)
    sizes = {o["Key"][len(crawl_key) + 1:]: int(o["Size"]) for o in store.objects(crawl_key)}
    return [f for f in files if sizes.get(f["path"]) != f["size"]]


def upload_manifest(out: CrawlOutput, settings: Mapping[str, Any], path: Path) -> None:
    """Upload the crawl's ``manifest.json`` (the commit marker: after every other file)."""
    store, crawl_key = crawl_store(out, settings)
    store.upload(path, f"{crawl_key}/manifest.json", sha256_hex(path))
