"""Two of Scrapy's stock downloader middlewares, in their places, minus work that costs the
crawl's main process (its narrowest part) on every response and changes nothing."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from isal import isal_zlib
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import Request, Response, TextResponse

if TYPE_CHECKING:
    from scrapy import Spider

_REFRESH_WINDOW = 4 * 4096  # Scrapy reads the first 4,096 characters: at most 4 bytes each


class DecompressionMiddleware(HttpCompressionMiddleware):
    """Decompresses like Scrapy's middleware (same settings, stats and limits).

    Scrapy rebuilds a decompressed response with ``response.replace()``, which reads every
    attribute of the old one first, ``encoding`` included: for a text response whose
    Content-Type names no charset, that runs charset detection over the *compressed* bytes,
    only to throw the answer away. Handing Scrapy the response as a plain
    :class:`~scrapy.http.Response` skips that; the decompressed response's class and encoding
    are worked out from its headers and body as before. The raw exchange was archived already
    (``crawler.warc.middleware`` sits next to the downloader).

    A gzip body that is one whole, valid member within the size limit (nearly all of them) is
    inflated in one call (ISA-L) instead of through Python's ``GzipFile``, a third of the CPU;
    any other (several members, trailing bytes, a bad checksum, truncated, too big) goes to
    Scrapy's own ``gunzip``, which decides what to keep or raise.
    """

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if isinstance(response, TextResponse) and b"Content-Encoding" in response.headers:
            response = Response(**{name: getattr(response, name) for name in Response.attributes})
        return super().process_response(request, response)

    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        if encoding in (b"gzip", b"x-gzip"):
            whole = one_gzip_member(body, max_size)
            if whole is not None:
                return whole
        return HttpCompressionMiddleware._decode(body, encoding, max_size)


def one_gzip_member(body: bytes, max_size: int = 0) -> bytes | None:
    """The data of ``body`` when it is exactly one complete, valid gzip member of at most
    ``max_size`` bytes (0: no limit) inflated; None for anything else."""
    inflater = isal_zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_size + 1 if max_size else 0)
    except (isal_zlib.error, ValueError):  # type: ignore[misc]  # isal's stub: error is a type
        return None
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        return None
    if max_size and len(data) > max_size:
        return None
    return data


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Follows ``<meta http-equiv="refresh">`` like Scrapy's middleware, which decodes the whole
    page and finds its base URL first on every HTML response; here a page whose first 16 kB
    (the 4,096 characters Scrapy reads, in any ASCII-compatible charset) never say ``refresh``
    is passed on untouched. UTF-16/32 pages (NUL bytes) still go through Scrapy's check."""

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        head = response.body[:_REFRESH_WINDOW]
        if b"refresh" not in head.lower() and b"\x00" not in head:
            return response
        return super().process_response(request, response)
