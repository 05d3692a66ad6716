"""Building WARC records from one HTTP exchange: pure code, no I/O, no Scrapy, no Twisted.

A :class:`Capture` holds what was sent and received. :class:`RecordFactory` turns it into warcio
records (``request``, ``response``, ``revisit``, ``warcinfo``) of WARC/1.1. HTTP header blocks
are kept byte for byte as they were sent (warcio would %-encode non-ASCII values), except where
the downloader already removed the transfer framing: ``Transfer-Encoding`` is dropped and
``Content-Length`` is set to the length of the archived payload so headers and body agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from base64 import b32encode
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date

WARC_VERSION = "WARC/1.1"
FORMAT = "WARC File Format 1.1"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
REVISIT_PROFILE = RecordBuilder.REVISIT_PROFILE_1_1
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"

Header = tuple[bytes, bytes]
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass
class Capture:
    """One HTTP exchange as the crawler saw it; header names and values are raw bytes."""

    url: str
    method: str
    request_headers: list[Header]
    status: int
    response_headers: list[Header]
    body: bytes
    date: dt.datetime
    protocol: str = "HTTP/1.1"
    request_body: bytes = b""
    ip_address: str | None = None
    truncated: str | None = None  # a WARC-Truncated reason: "length", "time", "disconnect", ...
    # for a conditional request: the payload digest (``sha1:<hex>`` as the crawl state keeps it,
    # or ``sha1:<base32>``) of the last full response the validators came from, which a 304
    # confirms unchanged
    revalidates: str | None = None


@dataclass(frozen=True, slots=True)
class Original:
    """Where the record holding a payload is: what a revisit record refers to."""

    uri: str
    date: str  # WARC-Date of the original
    record_id: str | None
    filename: str
    offset: int
    length: int
    crawl_id: str | None = None


@dataclass
class ExchangeRecords:
    """The records of one exchange, in the order they are written (response or revisit first)."""

    records: list[ArcWarcRecord] = field(default_factory=list)
    record_id: str = ""  # id of the response or revisit record
    payload_digest: str = ""


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>``, the digest warcio writes as WARC-Payload-Digest."""
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")


def base32_digest(digest: str | None) -> str | None:
    """A ``sha1:<hex>`` or ``sha1:<base32>`` digest as ``sha1:<base32>`` (None if unreadable)."""
    if not digest or not digest.lower().startswith("sha1:"):
        return None
    value = digest[5:]
    if len(value) == 32:
        return "sha1:" + value.upper()
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    return "sha1:" + b32encode(raw).decode("ascii") if len(raw) == 20 else None


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` record id."""
    return StatusAndHeadersParser.make_warc_id()


def warc_date(when: dt.datetime) -> str:
    """A WARC-Date to the microsecond (WARC/1.1), always UTC."""
    when = when.astimezone(dt.UTC).replace(tzinfo=None) if when.tzinfo else when
    return datetime_to_iso_date(when, use_micros=True)


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` or ``""`` for codes the standard does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def request_target(url: str) -> str:
    """The origin-form request target sent on the request line: path and query string."""
    parts = urlsplit(url)
    target = parts.path or "/"
    return f"{target}?{parts.query}" if parts.query else target


def host_header(url: str) -> str:
    """The Host header value an HTTP client sends for ``url`` (port only when not default)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def _has(headers: Iterable[Header], name: bytes) -> bool:
    return any(key.lower() == name for key, _ in headers)


def request_headers(capture: Capture) -> list[Header]:
    """Headers as they went on the wire: ``Host`` and a body's ``Content-Length`` added."""
    headers = list(capture.request_headers)
    if not _has(headers, b"host"):
        headers.insert(0, (b"Host", host_header(capture.url).encode("ascii")))
    if capture.request_body and not _has(headers, b"content-length"):
        headers.append((b"Content-Length", str(len(capture.request_body)).encode()))
    return headers


def _bodiless(capture: Capture) -> bool:
    return capture.method.upper() == "HEAD" or capture.status in (204, 304) or capture.status < 200


def response_headers(capture: Capture) -> list[Header]:
    """Response headers agreeing with the archived payload (transfer coding already removed)."""
    headers = [(k, v) for k, v in capture.response_headers if k.lower() != b"transfer-encoding"]
    if _bodiless(capture) and not capture.body:
        return headers
    length = str(len(capture.body)).encode()
    out: list[Header] = []
    placed = False
    for key, value in headers:
        if key.lower() == b"content-length":
            if not placed:
                out.append((key, length))
                placed = True
            continue
        out.append((key, value))
    if not placed:
        out.append((b"Content-Length", length))
    return out


class RawHeaders(StatusAndHeaders):
    """warcio headers whose serialised block is exactly the given bytes."""

    def __init__(self, first_line: bytes, headers: list[Header], protocol: str, statusline: str):
        text = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
        super().__init__(statusline, text, protocol=protocol)
        lines = [first_line] + [k + b": " + v for k, v in headers]
        self._raw = b"\r\n".join(lines) + b"\r\n\r\n"
        self.headers_buff = self._raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self._raw


def http_version(protocol: str | None) -> tuple[str, str | None]:
    """The version for the status line, and a ``WARC-Protocol`` value when that differs.

    warcio and pywb read only ``HTTP/1.0`` and ``HTTP/1.1`` status lines, so an HTTP/2 exchange
    (Scrapy says ``h2``) is written as ``HTTP/1.1`` with ``WARC-Protocol: h2``.
    """
    if protocol in ("HTTP/1.0", "HTTP/1.1"):
        return protocol, None
    if not protocol:
        return "HTTP/1.1", None
    low = protocol.lower()
    return "HTTP/1.1", "h2" if low in ("h2", "http/2", "http/2.0") else low


def response_http_headers(capture: Capture) -> RawHeaders:
    """Status line with the real protocol and reason phrase, and the archived headers."""
    phrase = reason_phrase(capture.status)
    statusline = f"{capture.status} {phrase}" if phrase else str(capture.status)
    protocol = http_version(capture.protocol)[0]
    first = f"{protocol} {statusline}".encode("latin-1")
    return RawHeaders(first, response_headers(capture), protocol, statusline)


def request_http_headers(capture: Capture) -> RawHeaders:
    """Request line with path and query (``GET /a?b=1 HTTP/1.1``) and the headers sent."""
    statusline = f"{request_target(capture.url)} HTTP/1.1"
    first = f"{capture.method.upper()} {statusline}".encode("latin-1")
    return RawHeaders(first, request_headers(capture), capture.method.upper(), statusline)


class RecordFactory:
    """Makes the WARC/1.1 records of one exchange with warcio's record builder."""

    def __init__(self) -> None:
        self.builder = RecordBuilder(warc_version=WARC_VERSION)

    def warcinfo(self, filename: str, fields: Mapping[str, object]) -> ArcWarcRecord:
        """A ``warcinfo`` record whose body lists ``fields`` as ``name: value`` lines."""
        return self.builder.create_warcinfo_record(filename, dict(fields))

    def _common(self, capture: Capture, record_type: str, record_id: str) -> dict[str, str]:
        headers = {
            "WARC-Type": record_type,  # warcio sets it; listed here so it comes first
            "WARC-Record-ID": record_id,
            "WARC-Date": warc_date(capture.date),
            "WARC-Target-URI": capture.url,
        }
        if capture.ip_address:
            headers["WARC-IP-Address"] = capture.ip_address
        other_protocol = http_version(capture.protocol)[1]
        if other_protocol:
            headers["WARC-Protocol"] = other_protocol
        return headers

    def exchange(
        self,
        capture: Capture,
        original: Original | None = None,
        digest: str | None = None,
        profile: str = REVISIT_PROFILE,
    ) -> ExchangeRecords:
        """The response (or, when ``original`` is given, revisit) record and its request record.

        ``digest`` is the payload digest when the caller has computed it already; for a revisit
        it is the original's payload digest. ``profile`` is the revisit's WARC-Profile:
        identical-payload-digest (the block is this response's status line and headers), or
        :data:`NOT_MODIFIED_PROFILE` for a bodiless 304 that confirms ``original``. That revisit
        has an empty block (``Content-Length: 0``, which WARC 1.1 allows for this profile): pywb
        serves a revisit whose block has a 3xx status line as it is, without loading the
        original, so a block holding the 304's status line would replay as an empty 304.
        """
        record_id = new_record_id()
        digest = digest or payload_digest(capture.body)
        warc_headers = self._common(capture, "revisit" if original else "response", record_id)
        not_modified = original is not None and profile == NOT_MODIFIED_PROFILE
        http_headers = None if not_modified else response_http_headers(capture)
        if original is None:
            if capture.truncated:
                warc_headers["WARC-Truncated"] = capture.truncated
            warc_headers["WARC-Payload-Digest"] = digest
            main = self.builder.create_warc_record(
                capture.url,
                "response",
                payload=BytesIO(capture.body),
                length=len(capture.body),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        else:
            if original.record_id:
                warc_headers["WARC-Refers-To"] = original.record_id
            main = self.builder.create_revisit_record(
                capture.url,
                digest,
                original.uri,
                original.date,
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
            if profile != REVISIT_PROFILE:
                main.rec_headers.replace_header("WARC-Profile", profile)
        request = self.request(capture, concurrent_to=record_id)
        return ExchangeRecords([main, request], record_id, digest)

    def request(self, capture: Capture, concurrent_to: str) -> ArcWarcRecord:
        """The ``request`` record, linked to its response with WARC-Concurrent-To."""
        warc_headers = self._common(capture, "request", new_record_id())
        warc_headers["WARC-Concurrent-To"] = concurrent_to
        return self.builder.create_warc_record(
            capture.url,
            "request",
            payload=BytesIO(capture.request_body),
            length=len(capture.request_body),
            http_headers=request_http_headers(capture),
            warc_headers_dict=warc_headers,
        )
