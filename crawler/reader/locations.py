"""Where a crawl's files are read from: a local folder or an ``s3://`` prefix.

Both sources answer the same four questions: the bytes of a small file, a streaming handle on a
large one, the files under a sub-folder, and one byte range of a file (a single ``seek``+``read``
locally, a single ``GetObject`` with ``Range`` on S3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO, Protocol

from crawler.storage.s3 import S3Location, StoreConfig, is_not_found


class ReaderError(Exception):
    """The crawl cannot be read as asked; the message says why."""


class Source(Protocol):
    """Read access to the files of one crawl folder (paths relative to it, ``/``-separated)."""

    uri: str

    def read_bytes(self, relpath: str) -> bytes | None: ...

    def open_stream(self, relpath: str) -> BinaryIO: ...

    def list(self, subdir: str) -> list[str]: ...

    def read_range(self, relpath: str, offset: int, length: int) -> bytes: ...

    def sibling(self, crawl_id: str) -> Source: ...


class LocalSource:
    """A crawl folder on the local file system."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.uri = str(self.root)

    def read_bytes(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return path.read_bytes() if path.is_file() else None

    def open_stream(self, relpath: str) -> BinaryIO:
        return open(self.root / relpath, "rb")

    def list(self, subdir: str) -> list[str]:
        folder = self.root / subdir
        if not folder.is_dir():
            return []
        return sorted(f"{subdir}/{p.name}" for p in folder.iterdir() if p.is_file())

    def read_range(self, relpath: str, offset: int, length: int) -> bytes:
        with open(self.root / relpath, "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length:
            raise ReaderError(f"{self.root / relpath}: short read at {offset}+{length}")
        return data

    def sibling(self, crawl_id: str) -> LocalSource:
        """The crawl ``crawl_id`` of the same spider (revisits point into earlier crawls)."""
        return LocalSource(self.root.parent / crawl_id)


class S3Source:
    """A crawl under ``s3://bucket/prefix/<spider>/<crawl-id>``, through one boto3 client."""

    def __init__(self, location: S3Location, client: Any) -> None:
        self.location = location
        self.client = client
        self.uri = location.uri()

    @classmethod
    def from_uri(cls, uri: str, client: Any = None, endpoint_url: str | None = None) -> S3Source:
        """A source for ``uri``; the client defaults to the storage code's configured one
        (credentials and endpoint from boto3's standard chain, or ``endpoint_url``)."""
        location = S3Location.parse(uri.rstrip("/"))
        return cls(location, client or StoreConfig(endpoint_url=endpoint_url).client())

    def _key(self, relpath: str) -> str:
        return self.location.key(relpath)

    def read_bytes(self, relpath: str) -> bytes | None:
        try:
            obj = self.client.get_object(Bucket=self.location.bucket, Key=self._key(relpath))
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise
        return obj["Body"].read()

    def open_stream(self, relpath: str) -> BinaryIO:
        obj = self.client.get_object(Bucket=self.location.bucket, Key=self._key(relpath))
        return obj["Body"]

    def list(self, subdir: str) -> list[str]:
        prefix = self._key(subdir) + "/"
        names = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.location.bucket, Prefix=prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                rest = obj["Key"][len(prefix):]
                if rest and "/" not in rest:
                    names.append(f"{subdir}/{rest}")
        return sorted(names)

    def read_range(self, relpath: str, offset: int, length: int) -> bytes:
        obj = self.client.get_object(Bucket=self.location.bucket, Key=self._key(relpath),
                                     Range=f"bytes={offset}-{offset + length - 1}")
        data = obj["Body"].read()
        if len(data) != length:
            raise ReaderError(f"{self.uri}/{relpath}: short read at {offset}+{length}")
        return data

    def sibling(self, crawl_id: str) -> S3Source:
        parent = self.location.prefix.rsplit("/", 1)[0] if "/" in self.location.prefix else ""
        return S3Source(S3Location(self.location.bucket, "/".join(
            p for p in (parent, crawl_id) if p)), self.client)


def source_for(uri: str | Path, client: Any = None, endpoint_url: str | None = None) -> Source:
    """The source for a crawl folder path or an ``s3://`` crawl URI."""
    text = str(uri)
    if text.startswith("s3://"):
        return S3Source.from_uri(text, client=client, endpoint_url=endpoint_url)
    root = Path(text)
    if not root.is_dir():
        raise ReaderError(f"{root} is not a crawl folder (give <out>/<spider>/<crawl-id>)")
    return LocalSource(root)
