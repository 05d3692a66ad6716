"""Bring a crawl stored on S3 to a local folder so pywb can replay it.

pywb reads local files; ``crawler replay s3://bucket/prefix/<spider>/<crawl-id>`` downloads the
crawl's WARCs and indexes (as listed in its manifest, checked against their sha256) and, for
revisits of earlier crawls, the earlier crawls' WARCs that hold the originals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crawler.crawl.digests import sha256_hex
from crawler.storage.s3 import S3Location, StorageError, StoreConfig, explain, is_not_found

KINDS = ("warc", "index", "revisit-originals")


def _manifest(client: Any, loc: S3Location) -> dict[str, Any]:
    try:
        body = client.get_object(Bucket=loc.bucket, Key=loc.key("manifest.json"))["Body"].read()
    except Exception as exc:  # botocore errors, named in one line
        if is_not_found(exc):
            raise StorageError(f"{loc.uri('manifest.json')} not found: not a finished crawl "
                               "(see `crawler ls`)") from exc
        raise StorageError(explain(exc, loc, client.meta.endpoint_url)) from exc
    return json.loads(body)


def _download(client: Any, loc: S3Location, entry: dict[str, Any], root: Path) -> None:
    target = root / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    client.download_file(loc.bucket, loc.key(entry["path"]), str(target))
    if sha256_hex(target) != entry["sha256"]:
        raise StorageError(f"{loc.uri(entry['path'])} does not match its manifest sha256; "
                           f"run `crawler verify {loc.uri()}`")


def _original_warcs(crawl_root: Path) -> set[str]:
    """WARC file names of earlier crawls that this crawl's revisits refer to."""
    names: set[str] = set()
    for index in crawl_root.glob("indexes/*-originals.cdxj"):
        for line in index.read_text(encoding="utf-8").splitlines():
            _, _, fields = line.split(" ", 2)
            names.add(json.loads(fields)["filename"])
    return names


def fetch_crawl(uri: str, dest: Path, settings: Mapping[str, Any] | None = None,
                kinds: tuple[str, ...] = KINDS, with_manifest: bool = False) -> Path:
    """Download ``s3://…/<spider>/<crawl-id>`` into ``dest/<spider>/<crawl-id>``; returns it.

    The crawl's files of ``kinds`` come (``manifest.json`` too with ``with_manifest``); sibling
    crawls that hold originals of this crawl's revisits get their needed WARCs beside it, so
    :func:`crawler.replay.pywb.build_collection` finds them as it does locally.
    """
    loc = S3Location.parse(uri.rstrip("/"))
    spider_prefix, _, crawl_id = loc.prefix.rpartition("/")
    if not crawl_id:
        raise StorageError(f"{uri} is not a crawl: give s3://bucket/prefix/<spider>/<crawl-id>")
    client = StoreConfig.from_settings(settings or {}).client()
    spider = spider_prefix.rpartition("/")[2]
    root = dest / spider / crawl_id
    manifest = _manifest(client, loc)
    for entry in manifest["files"]:
        if entry["kind"] in kinds:
            _download(client, loc, entry, root)
    if with_manifest:
        root.mkdir(parents=True, exist_ok=True)
        (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    wanted = _original_warcs(root)
    if wanted:
        parent = S3Location(loc.bucket, spider_prefix)
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=loc.bucket, Prefix=parent.key() + "/", Delimiter="/")
        siblings = [p["Prefix"].rstrip("/").rpartition("/")[2]
                    for page in pages for p in page.get("CommonPrefixes", [])]
        for sibling in siblings:
            if sibling == crawl_id or not wanted:
                continue
            sib = parent.child(sibling)
            for entry in _manifest(client, sib)["files"]:
                if Path(entry["path"]).name in wanted:
                    _download(client, sib, entry, dest / spider / sibling)
                    wanted.discard(Path(entry["path"]).name)
    return root
