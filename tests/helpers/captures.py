"""A sample HTTP exchange (``crawler.warc.records.Capture``) to build WARC records from."""

from __future__ import annotations

import datetime as dt
import gzip
from typing import Any

from crawler.warc.records import Capture

WHEN = dt.datetime(2025, 3, 1, 12, 30, 45, 123456, tzinfo=dt.UTC)
BODY = gzip.compress(b"<html>" + b"<p>text</p>" * 100 + b"</html>", mtime=0)


def capture(**changes: Any) -> Capture:
    """A gzipped 200 response with a query string, repeated and non-ASCII headers; ``changes``
    override its fields."""
    base = {
        "url": "https://news.example.org/a/b?c=1&d=%C3%A9",
        "method": "GET",
        "request_headers": [(b"User-Agent", b"bot/1"), (b"Accept-Encoding", b"gzip")],
        "status": 200,
        "response_headers": [
            (b"Content-Type", b"text/html; charset=utf-8"),
            (b"Content-Encoding", b"gzip"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
            (b"Content-Disposition", 'attachment; filename="é.pdf"'.encode()),
        ],
        "body": BODY,
        "date": WHEN,
        "protocol": "HTTP/1.1",
        "ip_address": "192.0.2.7",
    }
    return Capture(**{**base, **changes})
