"""The WARC records of one exchange as bytes, built directly: what warcio writes, byte for byte.

:class:`~crawler.warc.records.RecordFactory` builds warcio records and warcio's ``WARCWriter``
serialises them; that costs a crawl's main process (its narrowest part) about half of what
archiving a response costs: header objects built, searched and replaced one by one, the payload
copied through buffers, digests in Python. Here the same headers, in warcio's order, are joined
once and the payload is handed to the compressor as it is. ``tests/test_warc_blocks.py`` holds
the two paths to the same bytes for every kind of exchange (response, request, revisit, a 304
confirming an earlier capture, truncated, HTTP/2, request bodies).

The writer adds ``WARC-Warcinfo-ID`` (the file's warcinfo record, known only when the record
is placed) between :attr:`RecordParts.head` and :attr:`RecordParts.tail`, where warcio's writer
adds it.
"""

from __future__ import annotations

import hashlib
import uuid
from base64 import b32encode
from dataclasses import dataclass

from crawler.warc.records import (
    NOT_MODIFIED_PROFILE,
    REVISIT_PROFILE,
    WARC_VERSION,
    Capture,
    Header,
    Original,
    http_version,
    reason_phrase,
    request_headers,
    request_target,
    response_headers,
)

RESPONSE_TYPE = "application/http; msgtype=response"
REQUEST_TYPE = "application/http; msgtype=request"
_END = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class RecordParts:
    """One record, uncompressed: ``head`` + the warcinfo line + ``tail`` + ``block``."""

    head: bytes  # the version line and the WARC headers before WARC-Warcinfo-ID
    tail: bytes  # the WARC headers after it and the blank line
    block: tuple[bytes, ...]  # HTTP header block, payload, the closing CRLF CRLF


@dataclass(frozen=True, slots=True)
class IndexFields:
    """What the CDXJ line of the exchange's response or revisit record says."""

    url: str
    date: str  # WARC-Date
    mime: str | None  # the first Content-Type of the HTTP headers, as written
    status: str | None
    digest: str


@dataclass(frozen=True, slots=True)
class ExchangeParts:
    """The records of one exchange (response or revisit first, then the request)."""

    records: tuple[RecordParts, RecordParts]
    record_id: str  # of the response or revisit record
    index: IndexFields


def sha1_b32(*parts: bytes) -> str:
    """``sha1:<base32>`` of the parts joined, as warcio writes digests."""
    digester = hashlib.sha1()
    for part in parts:
        digester.update(part)
    return "sha1:" + b32encode(digester.digest()).decode("ascii")


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` record id (what warcio makes)."""
    return f"<urn:uuid:{uuid.uuid4()}>"


def _lines(headers: list[tuple[str, str]]) -> bytes:
    return "".join(f"{name}: {value}\r\n" for name, value in headers).encode("utf-8")


def _record(warc_headers: list[tuple[str, str]], block_digest: str, content_type: str,
            length: int, block: tuple[bytes, ...]) -> RecordParts:
    head = f"{WARC_VERSION}\r\n".encode() + _lines(warc_headers)
    tail = (f"WARC-Block-Digest: {block_digest}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()
    return RecordParts(head, tail, block)


def http_block(first_line: bytes, headers: list[Header]) -> bytes:
    """An HTTP header block kept byte for byte (``RawHeaders``)."""
    return b"\r\n".join([first_line, *(k + b": " + v for k, v in headers)]) + _END


def _first(headers: list[Header], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def exchange_parts(capture: Capture, date: str, original: Original | None = None,
                   digest: str | None = None, profile: str = REVISIT_PROFILE,
                   record_id: str | None = None, request_id: str | None = None
                   ) -> ExchangeParts:
    """The response (or, with ``original``, revisit) record and the request record of
    ``capture``, as :meth:`RecordFactory.exchange` and warcio's writer make them; ``date`` is
    its WARC-Date (``records.warc_date``), ``digest`` its payload digest when known."""
    record_id = record_id or new_record_id()
    digest = digest or sha1_b32(capture.body)
    common = [("WARC-Record-ID", record_id), ("WARC-Date", date),
              ("WARC-Target-URI", capture.url)]
    if capture.ip_address:
        common.append(("WARC-IP-Address", capture.ip_address))
    version, other_protocol = http_version(capture.protocol)
    if other_protocol:
        common.append(("WARC-Protocol", other_protocol))
    headers_block, status, mime = b"", None, None
    if not (original is not None and profile == NOT_MODIFIED_PROFILE):
        phrase = reason_phrase(capture.status)
        statusline = f"{capture.status} {phrase}" if phrase else str(capture.status)
        archived = response_headers(capture)
        headers_block = http_block(f"{version} {statusline}".encode("latin-1"), archived)
        status = statusline.split(" ", 1)[0]
        mime = _first(archived, b"content-type")
    if original is None:
        warc = [("WARC-Type", "response"), *common]
        if capture.truncated:
            warc.append(("WARC-Truncated", capture.truncated))
        warc.append(("WARC-Payload-Digest", digest))
        main = _record(warc, sha1_b32(headers_block, capture.body), RESPONSE_TYPE,
                       len(headers_block) + len(capture.body),
                       (headers_block, capture.body, _END))
    else:
        warc = [("WARC-Type", "revisit"), *common]
        if original.record_id:
            warc.append(("WARC-Refers-To", original.record_id))
        warc += [("WARC-Profile", profile), ("WARC-Refers-To-Target-URI", original.uri),
                 ("WARC-Refers-To-Date", original.date), ("WARC-Payload-Digest", digest)]
        main = _record(warc, sha1_b32(headers_block), RESPONSE_TYPE, len(headers_block),
                       (headers_block, _END))
        mime = "warc/revisit"
    request = _request(capture, common, request_id or new_record_id(), record_id)
    index = IndexFields(capture.url, date, mime, status, digest)
    return ExchangeParts((main, request), record_id, index)


def _request(capture: Capture, common: list[tuple[str, str]], request_id: str,
             concurrent_to: str) -> RecordParts:
    method = capture.method.upper()
    first = f"{method} {request_target(capture.url)} HTTP/1.1".encode("latin-1")
    block = http_block(first, request_headers(capture))
    body = capture.request_body
    warc = [("WARC-Type", "request"), ("WARC-Record-ID", request_id), *common[1:],
            ("WARC-Concurrent-To", concurrent_to), ("WARC-Payload-Digest", sha1_b32(body))]
    return _record(warc, sha1_b32(block, body), REQUEST_TYPE, len(block) + len(body),
                   (block, body, _END))
