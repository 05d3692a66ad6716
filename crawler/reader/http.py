"""One archived HTTP response, parsed from the bytes of its WARC record (one gzip member)."""

from __future__ import annotations

import io
import zlib
from typing import NamedTuple

from warcio.archiveiterator import ArchiveIterator

from crawler.reader.locations import ReaderError


class RawResponse(NamedTuple):
    """Status, headers as archived (name, value pairs) and the body with Content-Encoding
    removed. Unpacks as ``status, headers, body``."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


def decode_body(body: bytes, encoding: str | None) -> bytes:
    """``body`` without its Content-Encoding (gzip, deflate, br; identity is kept)."""
    for coding in reversed([c.strip().lower() for c in (encoding or "").split(",") if c.strip()]):
        if coding in ("gzip", "x-gzip"):
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            try:
                body = zlib.decompress(body)
            except zlib.error:
                body = zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
        elif coding == "br":
            import brotli

            body = brotli.decompress(body)
        elif coding != "identity":
            raise ReaderError(f"cannot decode Content-Encoding {coding!r}")
    return body


def parse_conversion(record_bytes: bytes, where: str) -> bytes:
    """The payload of a WARC ``conversion`` record (a rendered page's DOM, UTF-8 HTML)."""
    for record in ArchiveIterator(io.BytesIO(record_bytes)):
        if record.rec_type != "conversion":
            raise ReaderError(f"{where}: expected a conversion record, found {record.rec_type}")
        return record.content_stream().read()
    raise ReaderError(f"{where}: no WARC record at this location")


def parse_response(record_bytes: bytes, where: str) -> RawResponse:
    """The HTTP response in a WARC ``response`` record's bytes (read through its pointer)."""
    for record in ArchiveIterator(io.BytesIO(record_bytes)):
        if record.rec_type != "response" or record.http_headers is None:
            raise ReaderError(f"{where}: expected a response record, found {record.rec_type}")
        status = int(record.http_headers.get_statuscode())
        headers = list(record.http_headers.headers)
        raw = record.raw_stream.read()  # the payload as sent: Content-Encoding kept
        try:
            body = decode_body(raw, record.http_headers.get_header("Content-Encoding"))
        except (zlib.error, OSError) as exc:
            raise ReaderError(f"{where}: body does not decode: {exc}") from exc
        return RawResponse(status, headers, body)
    raise ReaderError(f"{where}: no WARC record at this location")
