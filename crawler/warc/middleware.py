"""Scrapy downloader middleware that archives every HTTP exchange as WARC records.

Place it next to the downloader (order 950) so ``process_response`` sees each response as it came
off the wire: before HttpCompressionMiddleware (590) decodes the body and before
RedirectMiddleware (600) or RetryMiddleware (550) act on it. robots.txt, which
RobotsTxtMiddleware fetches through the downloader middlewares, is archived too. Responses from
HttpCacheMiddleware (flag ``cached``) and non-HTTP schemes are not archived.

Settings:

``WARC_ENABLED`` (True)
    False switches the middleware off (``NotConfigured``).
``WARC_MAX_SIZE`` (1_000_000_000)
    Start a new WARC file once the current one has reached this many bytes.
``WARC_PREFIX`` ("": the spider's name)
    First part of the WARC file names.
``WARC_OPERATOR`` ("")
    Who runs the crawl (a contact), written into every ``warcinfo`` record.
``WARC_DEDUP`` (True)
    Write ``revisit`` records for payloads archived before in this crawl or in a finished
    earlier crawl of the same output folder, and ``server-not-modified`` revisits for 304s to
    conditional requests whose original is known (``request.meta["revalidates"]``, set by
    :mod:`crawler.state.incremental`, names its payload digest).
``WARC_DEDUP_MIN_SIZE`` (256)
    Smallest payload, in bytes, that is de-duplicated (only 2xx responses are).

Each archived request gets ``request.meta["warc"]`` (the spider sees it as
``response.meta["warc"]``): see :func:`crawler.warc.archive.pointer`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached

from crawler import __version__
from crawler.crawl.context import CrawlContext
from crawler.crawl.naming import local_host
from crawler.typed_settings import SettingsReader
from crawler.warc.archive import WarcArchive
from crawler.warc.dedup import ORIGINALS_SUFFIX, DigestIndex
from crawler.warc.records import CONFORMS_TO, FORMAT, Capture
from crawler.warc.writer import RotatingWarcWriter

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

META_KEY = "warc"
# On a conditional request: the payload digest of the capture a 304 confirms (set by the crawl
# state's incremental middleware); such a 304 is archived as a server-not-modified revisit.
META_REVALIDATES = "revalidates"
# Settings that change what a crawl fetches; written into each warcinfo record.
INFO_SETTINGS = (
    "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "RANDOMIZE_DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DEPTH_LIMIT", "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE", "RETRY_TIMES", "COOKIES_ENABLED", "SINCE", "CLOSESPIDER_ITEMCOUNT",
    "WARC_MAX_SIZE", "WARC_DEDUP", "WARC_DEDUP_MIN_SIZE", "RENDER_MODE",
)  # fmt: skip
_TRUNCATED_FLAGS = {"dataloss": "disconnect", "download_stopped": "unspecified"}


def warcinfo_fields(
    crawl_id: str, operator: str, user_agent: str, robots: str, settings: dict[str, Any]
) -> dict[str, str]:
    """The body of the warcinfo record opening every WARC file."""
    fields = {
        "software": f"newscrawler/{__version__} (Scrapy/{scrapy.__version__}; "
        f"warcio/{version('warcio')})",
        "format": FORMAT,
        "conformsTo": CONFORMS_TO,
        "isPartOf": crawl_id,
        "operator": operator,
        "hostname": local_host(),
        "robots": robots,
        "http-header-user-agent": user_agent,
    }
    for name, value in settings.items():
        if value not in (None, ""):
            fields[f"crawl-setting-{name}"] = str(value)
    return fields


@dataclass(frozen=True)
class WarcSettings:
    """The ``WARC_*`` settings (see the module docstring), and what ``warcinfo`` records."""

    enabled: bool
    max_size: int
    operator: str
    dedup: bool
    dedup_min_size: int
    dedup_dir: str
    user_agent: str
    obey_robots: bool

    @classmethod
    def from_settings(cls, settings: Any) -> WarcSettings:
        read = SettingsReader(settings)
        return cls(enabled=read.bool("WARC_ENABLED"), max_size=read.int("WARC_MAX_SIZE"),
                   operator=read.str("WARC_OPERATOR"), dedup=read.bool("WARC_DEDUP"),
                   dedup_min_size=read.int("WARC_DEDUP_MIN_SIZE"),
                   dedup_dir=read.str("WARC_DEDUP_DIR"), user_agent=read.str("USER_AGENT"),
                   obey_robots=read.bool("ROBOTSTXT_OBEY"))


def index_kind(path: Path) -> str:
    """The kind an index file is reported as: ``index``, or ``revisit-originals`` for the lines
    of earlier crawls' originals that this crawl's revisits refer to."""
    return "revisit-originals" if path.name.endswith(ORIGINALS_SUFFIX) else "index"


def _header_pairs(headers: Any) -> list[tuple[bytes, bytes]]:
    return [(bytes(k), bytes(v)) for k, values in headers.items() for v in values or ()]


def capture_from(request: Request, response: Response, now: dt.datetime) -> Capture | None:
    """What to archive of one exchange, or None when it is not archived."""
    if urlparse_cached(response).scheme not in ("http", "https") or "cached" in response.flags:
        return None
    truncated = next((_TRUNCATED_FLAGS[f] for f in response.flags if f in _TRUNCATED_FLAGS), None)
    return Capture(
        url=response.url,
        method=request.method,
        request_headers=_header_pairs(request.headers),
        request_body=request.body or b"",
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        response_headers=_header_pairs(response.headers),
        body=response.body,
        date=now,
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated=truncated,
        revalidates=request.meta.get(META_REVALIDATES) if response.status == 304 else None,
    )


class WarcArchiveMiddleware:
    """Writes a request and a response (or revisit) record for every download."""

    def __init__(self, crawler: Crawler) -> None:
        context = CrawlContext.of(crawler)
        config = context.config(WarcSettings)
        if not config.enabled:
            raise NotConfigured("WARC_ENABLED is off")
        self.stats = crawler.stats
        out = self.output = context.output
        user_agent = getattr(crawler.spidercls, "user_agent", None) or config.user_agent
        info = warcinfo_fields(
            out.crawl_id,
            config.operator,
            user_agent or "",
            "obey" if config.obey_robots else "ignore",
            {name: crawler.settings.get(name) for name in INFO_SETTINGS},
        )
        writer = RotatingWarcWriter(
            out.warc_dir,
            out.names.prefix,
            max_size=config.max_size,
            info=info,
            on_closed=lambda path: out.file_completed(path, "warc"),
            worker=out.names.worker,
        )
        dedup = None
        if config.dedup:
            dedup = DigestIndex(min_size=config.dedup_min_size, folder=config.dedup_dir or None)
            try:
                dedup.load_earlier(out.root.parent, exclude=out.crawl_id)
            except BaseException:
                dedup.close()  # the scratch file goes with the failed start
                raise
        self.archive = WarcArchive(
            writer,
            out.index_dir / out.names.index(out.crawl_id),
            out.crawl_id,
            dedup,
            on_index=lambda path: out.file_completed(path, index_kind(path)),
        )
        out.add_closer(self.close, "warc")
        out.add_rotator(writer.close)
        context.parts.add(self.archive)  # rendered pages add their DOM (crawler.render)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Archive the exchange and point ``request.meta["warc"]`` at its payload."""
        capture = capture_from(request, response, dt.datetime.now(dt.UTC))
        if capture is None:
            request.meta.pop(META_KEY, None)  # e.g. copied from an archived redirect hop
            return response
        ptr = self.archive.archive(capture)
        request.meta[META_KEY] = ptr
        self.stats.inc_value("warc/revisits" if ptr["revisit"] else "warc/responses")
        self.stats.inc_value("warc/records", 2)
        return response

    def close(self) -> None:
        """Close the WARC file and write the index (a closer of the crawl output)."""
        self.archive.close()
        self.stats.set_value("warc/bytes", self.archive.stats["bytes"])
        earlier = self.archive.stats["revisits_earlier_crawls"]
        self.stats.set_value("warc/revisits_earlier_crawls", earlier)
        not_modified = self.archive.stats["revisits_not_modified"]
        self.stats.set_value("warc/revisits_not_modified", not_modified)
