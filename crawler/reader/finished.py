"""A finished crawl opened for reading: its manifest, its article records, archived responses."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.dates import moment_of
from crawler.reader.http import RawResponse, parse_conversion, parse_response
from crawler.reader.locations import ReaderError, Source, source_for

Moment = str | dt.date | dt.datetime


def _as_moment(value: Moment) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return moment_of(str(value))


class Crawl:
    """One crawl folder (local or on S3). Use :func:`open_crawl` to make one."""

    def __init__(self, source: Source, manifest: dict[str, Any]) -> None:
        self.source = source
        self.manifest = manifest
        self._siblings: dict[str, Source] = {}

    @property
    def crawl_id(self) -> str:
        return str(self.manifest["crawl_id"])

    @property
    def uri(self) -> str:
        return self.source.uri

    def article_files(self, article_set: str | None = None) -> list[str]:
        """The article parts (``articles/*.jsonl.gz``) the manifest lists, in order; those of a
        re-extracted set (``crawler reextract``) when ``article_set`` names one."""
        if article_set is not None:
            data = self.source.read_bytes(f"reextracts/{article_set}/manifest.json")
            if data is None:
                raise ReaderError(f"{self.uri} has no finished article set {article_set!r}")
            return sorted(f"reextracts/{article_set}/{f['path']}"
                          for f in json.loads(data).get("files", [])
                          if f.get("kind") == "articles")
        listed = [f["path"] for f in self.manifest.get("files", []) if f.get("kind") == "articles"]
        return sorted(listed) or [p for p in self.source.list("articles")
                                  if p.endswith(".jsonl.gz")]

    def records(self, since: Moment | None = None, until: Moment | None = None,
                language: str | None = None,
                article_set: str | None = None) -> Iterator[dict[str, Any]]:
        """Article records, one part file at a time, streamed (never all in memory).

        ``since``/``until`` keep records ``published`` in ``[since, until)`` (ISO strings, dates
        or datetimes; a bare date is the start of that day in UTC); a record with no
        ``published`` is left out when either is given. ``language`` keeps one ISO 639-1 code.
        ``article_set`` reads a set ``crawler reextract`` wrote instead of the crawl's own.
        """
        low = _as_moment(since) if since is not None else None
        high = _as_moment(until) if until is not None else None
        for relpath in self.article_files(article_set):
            for record in self._read_part(relpath):
                if language is not None and record.get("language") != language:
                    continue
                if low or high:
                    published = record.get("published")
                    if not published:
                        continue
                    moment = moment_of(published)
                    if (low and moment < low) or (high and moment >= high):
                        continue
                yield record

    def _read_part(self, relpath: str) -> Iterator[dict[str, Any]]:
        stream = self.source.open_stream(relpath)
        try:
            with gzip.GzipFile(fileobj=stream, mode="rb") as raw:
                for line in io.TextIOWrapper(raw, encoding="utf-8"):
                    if line.strip():
                        yield json.loads(line)
        finally:
            stream.close()

    def raw_response(self, record: dict[str, Any]) -> RawResponse:
        """The archived response of a record (status, headers, decoded body), read through its
        ``warc`` pointer with one ranged read. For a de-duplicated page the pointer names the
        earlier crawl's original, which must sit next to this crawl."""
        pointer = record.get("warc")
        if not pointer:
            raise ReaderError(f"record {record.get('url')!r} has no warc pointer")
        source = self._source_of(pointer.get("crawl_id") or record.get("crawl_id"))
        relpath = f"warc/{pointer['filename']}"
        data = source.read_range(relpath, int(pointer["offset"]), int(pointer["length"]))
        return parse_response(data, f"{source.uri}/{relpath}@{pointer['offset']}")

    def rendered_dom(self, record: dict[str, Any]) -> bytes | None:
        """The DOM a browser built of a rendered page (UTF-8 HTML, read through the record's
        ``rendered_warc`` pointer), None for a page extracted as fetched (schema 1.2.0)."""
        pointer = record.get("rendered_warc")
        if not pointer:
            return None
        source = self._source_of(pointer.get("crawl_id") or record.get("crawl_id"))
        relpath = f"warc/{pointer['filename']}"
        data = source.read_range(relpath, int(pointer["offset"]), int(pointer["length"]))
        return parse_conversion(data, f"{source.uri}/{relpath}@{pointer['offset']}")

    def _source_of(self, crawl_id: str | None) -> Source:
        if not crawl_id or crawl_id == self.crawl_id:
            return self.source
        if crawl_id not in self._siblings:
            self._siblings[crawl_id] = self.source.sibling(crawl_id)
        return self._siblings[crawl_id]


def open_crawl(uri: str | Path, *, client: Any = None, endpoint_url: str | None = None) -> Crawl:
    """Open a finished crawl: ``<out>/<spider>/<crawl-id>`` or ``s3://bucket/prefix/<spider>/
    <crawl-id>``. S3 uses ``client`` if given, else a boto3 client from the standard chain (with
    ``endpoint_url`` or ``AWS_ENDPOINT_URL``). Raises :class:`ReaderError` when the crawl has no
    manifest (it is unfinished, or not a crawl)."""
    source = source_for(uri, client=client, endpoint_url=endpoint_url)
    data = source.read_bytes("manifest.json")
    if data is None:
        raise ReaderError(f"{source.uri} has no manifest.json: not a finished crawl")
    return Crawl(source, json.loads(data))
