"""Scrapy's HttpCompressionMiddleware, without guessing the charset of compressed bytes."""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Request, Response, TextResponse


class DecompressionMiddleware(HttpCompressionMiddleware):
    """Decompresses like Scrapy's middleware (same settings, stats and limits).

    Scrapy rebuilds a decompressed response with ``response.replace()``, which reads every
    attribute of the old one first, ``encoding`` included: for a text response whose
    Content-Type names no charset, that runs charset detection over the *compressed* bytes,
    only to throw the answer away. Handing Scrapy the response as a plain
    :class:`~scrapy.http.Response` skips that; the decompressed response's class and encoding
    are worked out from its headers and body as before. The raw exchange was archived already
    (``crawler.warc.middleware`` sits next to the downloader).
    """

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        if isinstance(response, TextResponse) and b"Content-Encoding" in response.headers:
            response = Response(**{name: getattr(response, name) for name in Response.attributes})
        return super().process_response(request, response)
