"""HTTP responses of the fixture site as plain values, plus content negotiation helpers
(gzip for HTML, conditional requests with ETag / Last-Modified)."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime

from fixture_site.kyiv import http_date

HTML = "text/html; charset=utf-8"
SERVER_NAME = "nginx/1.24.0"


@dataclass(frozen=True)
class Response:
    """Status, header list and body; ``delay`` is extra seconds a server should wait first."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    delay: float = 0.0

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or None."""
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)


def get_header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup in a request header mapping."""
    low = name.lower()
    value = headers.get(name)
    if value is not None:
        return value
    return next((v for k, v in headers.items() if k.lower() == low), None)


def make(
    status: int,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
    delay: float = 0.0,
) -> Response:
    """A response with Content-Type and Content-Length set."""
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    return Response(status, headers + (extra or []), body, delay)


def html(
    status: int,
    text: str,
    charset: str = "utf-8",
    header_charset: bool = True,
    extra: list[tuple[str, str]] | None = None,
    delay: float = 0.0,
) -> Response:
    """An HTML page encoded in ``charset`` (declared in Content-Type unless told not to)."""
    body = text.encode(charset, errors="xmlcharrefreplace")
    ctype = f"text/html; charset={charset}" if header_charset else "text/html"
    return make(status, body, ctype, [("Cache-Control", "max-age=60"), *(extra or [])], delay)


def redirect(status: int, location: str) -> Response:
    """A 301/302 with a small HTML body, as nginx sends."""
    body = (
        f"<html><head><title>{status} Moved</title></head><body><center><h1>{status} Moved"
        f'</h1></center><p><a href="{location}">{location}</a></p></body></html>\n'
    ).encode()
    return make(status, body, HTML, [("Location", location)])


def strong_etag(body: bytes) -> str:
    """Quoted ETag derived from the identity-encoded body."""
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'  # a validator, not security


def with_validators(resp: Response, last_modified: datetime) -> Response:
    """Add ETag and Last-Modified (for article pages)."""
    extra = [("ETag", strong_etag(resp.body)), ("Last-Modified", http_date(last_modified))]
    return replace(resp, headers=resp.headers + extra)


def _etag_matches(condition: str, etag: str) -> bool:
    if condition.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in condition.split(","))


def not_modified(resp: Response, req_headers: Mapping[str, str]) -> Response | None:
    """A 304 when the request's validators match ``resp`` (If-None-Match wins), else None."""
    etag, modified = resp.header("ETag"), resp.header("Last-Modified")
    if etag is None and modified is None:
        return None
    inm = get_header(req_headers, "If-None-Match")
    ims = get_header(req_headers, "If-Modified-Since")
    if inm is not None:
        hit = etag is not None and _etag_matches(inm, etag)
    elif ims is not None and modified is not None:
        try:
            hit = parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            hit = False
    else:
        return None
    if not hit:
        return None
    keep = {"etag", "last-modified", "cache-control", "vary"}
    return Response(304, [(k, v) for k, v in resp.headers if k.lower() in keep], b"")


def accepts_gzip(req_headers: Mapping[str, str]) -> bool:
    """True when Accept-Encoding lists gzip (or ``*``) without ``q=0``."""
    value = get_header(req_headers, "Accept-Encoding") or ""
    for item in value.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        key, _, q = params.strip().partition("=")
        if key.strip().lower() != "q":
            return True
        try:
            return float(q) > 0
        except ValueError:
            return False
    return False


def negotiate(resp: Response, req_headers: Mapping[str, str]) -> Response:
    """Gzip HTML when the client accepts it (nginx-style: the ETag then becomes weak)."""
    ctype = resp.header("Content-Type") or ""
    if not ctype.startswith("text/html") or resp.status in (204, 304) or not resp.body:
        return resp
    headers = [(k, v) for k, v in resp.headers if k.lower() != "content-length"]
    headers.append(("Vary", "Accept-Encoding"))
    if not accepts_gzip(req_headers):
        return replace(resp, headers=headers + [("Content-Length", str(len(resp.body)))])
    body = gzip.compress(resp.body, compresslevel=6, mtime=0)
    headers = [
        (k, "W/" + v if k.lower() == "etag" and not v.startswith("W/") else v) for k, v in headers
    ]
    headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
    return replace(resp, headers=headers, body=body)
