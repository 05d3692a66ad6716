"""One bucket and prefix: upload a file, prove the stored object equals it, read objects back.

Uploads go through boto3's transfer manager (``upload_file``: multipart above
``S3_MULTIPART_THRESHOLD``) with a SHA256 integrity checksum the store checks on arrival, the
content type of the file, and the whole file's sha256 as ``x-amz-meta-sha256``. Objects are stored
byte for byte as they are on disk (never with ``Content-Encoding``), so the manifest's sizes and
sha256 hold for the stored objects and byte offsets in CDXJ indexes stay valid.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from crawler.crawl import digests
from crawler.storage.s3 import S3Location, StoreConfig, is_not_found

# Suffix → content type; the first match wins.
CONTENT_TYPES = (
    (".warc.gz", "application/warc"),  # WARC, record-at-a-time gzip (WARC 1.1 annex D)
    (".warc", "application/warc"),
    (".jsonl.gz", "application/gzip"),  # gzipped JSON Lines, stored as is (no Content-Encoding)
    (".jsonl", "application/x-ndjson"),
    (".cdxj", "text/plain; charset=utf-8"),  # one "urlkey timestamp {json}" line per capture
    (".json", "application/json"),
    (".html", "text/html; charset=utf-8"),  # the crawl report
    (".gz", "application/gzip"),
    (".txt", "text/plain; charset=utf-8"),
)
SHA256_META = "sha256"
_MD5_ETAG = re.compile(r"^[0-9a-f]{32}(-\d+)?$")
_CHUNK = 1 << 20


def content_type(name: str) -> str:
    """The Content-Type a file of this name is stored with."""
    for suffix, ctype in CONTENT_TYPES:
        if name.endswith(suffix):
            return ctype
    return "application/octet-stream"


class ObjectStore:
    """Objects under one :class:`S3Location`, through one boto3 client."""

    def __init__(self, client: Any, location: S3Location, config: StoreConfig) -> None:
        self.client = client
        self.location = location
        self.config = config
        self.transfer = config.transfer_config()

    @classmethod
    def from_settings(cls, uri: str, settings: Mapping[str, Any]) -> ObjectStore:
        """The store of ``uri`` (``s3://bucket/prefix``) with a client from ``settings``."""
        config = StoreConfig.from_settings(settings)
        return cls(config.client(), S3Location.parse(uri), config)

    @property
    def bucket(self) -> str:
        return self.location.bucket

    def head(self, key: str, **extra: Any) -> dict[str, Any] | None:
        """``head_object`` (with checksums), or None when there is no such object."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED",
                                           **extra)
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise

    def upload(self, path: Path, key: str, sha256: str) -> None:
        """Upload ``path`` to ``key`` (multipart when large), replacing any object there."""
        extra: dict[str, Any] = {"ContentType": content_type(path.name),
                                 "Metadata": {SHA256_META: sha256}}
        if self.config.checksum:
            extra["ChecksumAlgorithm"] = self.config.checksum
        self.client.upload_file(str(path), self.bucket, key, ExtraArgs=extra,
                                Config=self.transfer)

    def mismatch(self, path: Path, key: str, size: int, sha256: str) -> str | None:
        """None when the object at ``key`` holds exactly the bytes of ``path`` (of ``size`` and
        hex ``sha256``); otherwise why not ("missing", "size 3 != 5", …)."""
        head = self.head(key)
        if head is None:
            return "missing"
        if head["ContentLength"] != size:
            return f"size {head['ContentLength']} != {size}"
        recorded = (head.get("Metadata") or {}).get(SHA256_META)
        if recorded and recorded != sha256:
            return "recorded sha256 differs"
        checksum = head.get("ChecksumSHA256")
        if checksum:
            value = checksum.split("-")[0]
            if value == digests.b64_of_hex(sha256):
                return None
            part = self._part_size(key)
            if part and value == digests.composite_sha256(path, part):
                return None
            return "sha256 checksum differs"
        etag = str(head.get("ETag", "")).strip('"')
        if _MD5_ETAG.match(etag):
            if "-" not in etag:
                return None if etag == digests.md5_hex(path) else "md5 etag differs"
            part = self._part_size(key)
            if part and etag == digests.multipart_etag(path, part):
                return None
            return "multipart etag differs"
        return None if self.sha256_of(key) == sha256 else "sha256 of the content differs"

    def _part_size(self, key: str) -> int | None:
        """The size of part 1 of a multipart object (all parts but the last have that size)."""
        head = self.head(key, PartNumber=1)
        return int(head["ContentLength"]) if head else None

    def sha256_of(self, key: str) -> str:
        """Hex sha256 of the object's content, read in full."""
        body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        digest = hashlib.sha256()
        for chunk in body.iter_chunks(_CHUNK):
            digest.update(chunk)
        return digest.hexdigest()

    def get_bytes(self, key: str) -> bytes | None:
        """The content of a (small) object, or None when it does not exist."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise

    def get_json(self, key: str) -> Any:
        data = self.get_bytes(key)
        return None if data is None else json.loads(data)

    def subfolders(self, prefix: str) -> list[str]:
        """Names of the "folders" directly under ``prefix`` (a key prefix without slash)."""
        names = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{prefix}/" if prefix else "", Delimiter="/")
        for page in pages:
            for common in page.get("CommonPrefixes", []):
                names.append(common["Prefix"].rstrip("/").rsplit("/", 1)[-1])
        return names

    def objects(self, prefix: str) -> Iterator[dict[str, Any]]:
        """Every object (``Key``, ``Size``…) under ``prefix/``."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{prefix}/" if prefix else "")
        for page in pages:
            yield from page.get("Contents", [])
