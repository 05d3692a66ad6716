"""Discovery documents: robots.txt, XML sitemaps (index, urlset, Google News) and RSS/Atom feeds.

Pure parsing, no I/O: the spiders hand in bytes and get back URLs with the dates the documents
give, which the spiders use for ``--since`` and as date hints.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree
from protego import Protego

_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=True, remove_comments=True
)
MAX_DECOMPRESSED = 64 * 1024 * 1024
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RobotsInfo:
    """What a crawler needs from robots.txt beyond allow/deny (Scrapy's middleware does that)."""

    sitemaps: tuple[str, ...]
    crawl_delay: float | None


@dataclass(frozen=True)
class Entry:
    """A URL found in a sitemap or feed, with the dates and title given next to it.

    ``published``/``lastmod`` are for comparisons (a time without offset read as UTC);
    ``published_text``/``lastmod_text`` keep the dates as the document wrote them (the site's
    offset is evidence of its zone, ``crawler.sitefacts``); ``kind`` is ``news-sitemap``,
    ``sitemap``, ``rss`` or ``atom``.
    """

    url: str
    lastmod: dt.datetime | None = None
    published: dt.datetime | None = None
    title: str | None = None
    language: str | None = None
    published_text: str | None = None
    lastmod_text: str | None = None
    kind: str = "sitemap"

    @property
    def best_date(self) -> dt.datetime | None:
        return self.published or self.lastmod


def parse_robots(text: str, user_agent: str) -> RobotsInfo:
    """Sitemap lines and the Crawl-delay that applies to ``user_agent``."""
    rp = Protego.parse(text)
    delay = rp.crawl_delay(user_agent)
    return RobotsInfo(sitemaps=tuple(rp.sitemaps), crawl_delay=float(delay) if delay else None)


def maybe_gunzip(body: bytes) -> bytes:
    """Decompress a ``.xml.gz`` body (bounded), leave anything else as it is."""
    return _xml_stream(body).read() if body[:2] == b"\x1f\x8b" else body


def parse_iso(value: str | None) -> dt.datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (naive values are taken as UTC)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_http_date(value: str | None) -> dt.datetime | None:
    """An RFC 822 date (RSS pubDate) as an aware datetime, or ISO 8601 as a fallback."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return parse_iso(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(elem: etree._Element, *path: str) -> str | None:
    for name in path:
        found = next((c for c in elem if _local(c.tag) == name), None)
        if found is None:
            return None
        elem = found
    return (elem.text or "").strip() or None


class _Bounded(io.RawIOBase):
    """A readable stream that fails once more than ``limit`` bytes were read from ``raw``."""

    def __init__(self, raw: gzip.GzipFile, limit: int) -> None:
        self.raw, self.limit, self.left = raw, limit, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size >= 0 else self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise ValueError(f"decompressed sitemap larger than {self.limit / 2**20:g} MiB")
        return data


def _xml_stream(body: bytes) -> io.BytesIO | _Bounded:
    """The document in ``body``, decompressed as it is read when gzipped (bounded)."""
    if body[:2] != b"\x1f\x8b":
        return io.BytesIO(body)
    return _Bounded(gzip.GzipFile(fileobj=io.BytesIO(body)), MAX_DECOMPRESSED)


def iter_sitemap(body: bytes) -> tuple[str, Iterator[Entry]]:
    """Stream a sitemap: ``("index", sitemaps)``, ``("urlset", pages)`` or ``("unknown", [])``.

    Entries are read as the iterator is consumed and each element is dropped once read, so a
    sitemap of 50,000 URLs (the protocol's limit) never becomes one tree in memory. Google News
    extensions (``news:publication_date``, ``news:title``, ``news:language``) are read when
    present. A document that breaks off part-way yields the entries before the break (logged).
    """
    events = etree.iterparse(
        _xml_stream(body), events=("start", "end"), resolve_entities=False, no_network=True,
        recover=True, huge_tree=True, remove_comments=True,
    )
    try:
        _, root = next(events)
    except StopIteration:
        return "unknown", iter(())
    except (etree.XMLSyntaxError, ValueError, OSError, EOFError) as exc:
        logger.warning("sitemap unreadable: %s", exc)
        return "unknown", iter(())
    kind = {"sitemapindex": "index", "urlset": "urlset"}.get(_local(root.tag), "unknown")
    if kind == "unknown":
        return kind, iter(())
    return kind, _entries(events, root)


def _entries(events: Iterator[tuple[str, Any]], root: etree._Element) -> Iterator[Entry]:
    count = 0
    try:
        for event, item in events:
            if event != "end" or item.getparent() is not root:
                continue
            loc = _child_text(item, "loc")
            if loc:
                count += 1
                lastmod = _child_text(item, "lastmod")
                published = _child_text(item, "news", "publication_date")
                yield Entry(
                    url=loc,
                    lastmod=parse_iso(lastmod),
                    published=parse_iso(published),
                    title=_child_text(item, "news", "title"),
                    language=_child_text(item, "news", "publication", "language"),
                    published_text=published, lastmod_text=lastmod,
                    kind="news-sitemap" if published else "sitemap",
                )
            item.clear()
            while item.getprevious() is not None:
                del root[0]
    except (etree.XMLSyntaxError, ValueError, OSError, EOFError) as exc:
        logger.warning("sitemap cut short after %d entries: %s", count, exc)


def parse_sitemap(body: bytes) -> tuple[str, list[Entry]]:
    """:func:`iter_sitemap` read whole: the kind and a list of its entries."""
    kind, entries = iter_sitemap(body)
    return kind, list(entries)


def parse_feed(body: bytes) -> list[Entry]:
    """Items of an RSS 2.0 or Atom feed: link, publication date and title."""
    try:
        root = etree.fromstring(maybe_gunzip(body), parser=_XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    entries: list[Entry] = []
    for item in root.iter():
        name = _local(item.tag)
        if name == "item":  # RSS
            link = _child_text(item, "link") or _child_text(item, "guid")
            text = _child_text(item, "pubDate") or _child_text(item, "date")
            date, updated, kind = parse_http_date(text), None, "rss"
        elif name == "entry":  # Atom
            href = next(
                (c.get("href") for c in item if _local(c.tag) == "link"
                 and c.get("rel", "alternate") == "alternate"),
                None,
            )
            link = href
            text, updated = _child_text(item, "published"), _child_text(item, "updated")
            date, kind = parse_iso(text or updated), "atom"
        else:
            continue
        if link:
            title = _child_text(item, "title")
            entries.append(Entry(url=link.strip(), published=date, title=title,
                                 published_text=text, lastmod_text=updated, kind=kind))
    return entries
