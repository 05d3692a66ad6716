"""Items passed from spiders to pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArticlePage:
    """A fetched page the spider believes is an article, before extraction.

    ``warc`` is the pointer to the archived response (see ``crawler.warc``); ``hints`` carries
    what discovery documents said about the URL (sitemap lastmod, news publication date, title);
    ``server_date`` is when the server says it rendered the page (relative dates count from it);
    ``extracted`` is the extraction result when the page was extracted with its scan
    (``crawler.pageworkers.page_workers``), else the pipeline extracts it. A page rendered in a
    browser (``crawler.render``) has its DOM as ``body`` and ``rendered``, the pointer to the
    DOM's ``conversion`` record; ``warc`` still points at the server's response.
    """

    url: str
    canonical_url: str
    site: str
    body: bytes
    status: int
    content_type: str
    http_charset: str | None
    fetched_at: str  # ISO 8601, UTC
    server_date: str | None = None  # the response's Date header (ISO 8601): the site's clock
    warc: dict[str, Any] | None = None
    hints: dict[str, str] = field(default_factory=dict)
    extracted: dict[str, Any] | None = None
    rendered: dict[str, Any] | None = None
