"""One crawl's view of the durable state: the decisions the spider and middleware ask for, and
the updates they report, batched.

:class:`CrawlState` is one of the crawl's parts (``context.parts.get(CrawlState)``): the spider asks
:meth:`wants_article` before following an article link and :meth:`recheck_urls` at the start,
the downloader middleware asks :meth:`conditional_headers` and reports
:meth:`response_seen`, and the end of the item pipeline reports :meth:`record_written`.
No Scrapy or Twisted here: the Scrapy side lives in ``crawler.state.state_extension`` and
``crawler.state.incremental``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from crawler.engine.seen import SeenUrls
from crawler.pages.urls import BadURL, canonical_url
from crawler.state.buffer import WriteBuffer
from crawler.state.policy import Action, RecheckPolicy, Trust
from crawler.state.store import StateStore, UrlState

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def iso_seconds(value: str | None) -> float | None:
    """Unix seconds of an ISO 8601 date or datetime (naive: UTC), None when unreadable."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def http_seconds(value: str | None) -> float | None:
    """Unix seconds of an HTTP-date (``Last-Modified``), None when unreadable."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp()


def _key(url: str) -> str | None:
    try:
        return canonical_url(url)
    except (BadURL, ValueError):
        return None


def _latest(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


class CrawlState:
    """The state as one crawl (``crawl_id``) uses it."""

    def __init__(
        self,
        store: StateStore,
        crawl_id: str,
        *,
        policy: RecheckPolicy | None = None,
        incremental: bool = True,
        listing_barren: int = 0,
        batch_rows: int = 500,
        clock: Callable[[], float] = time.time,
        count: Callable[[str, int], Any] | None = None,
    ) -> None:
        self.store = store
        self.crawl_id = crawl_id
        self.policy = policy or RecheckPolicy()
        self.trust = Trust.from_crawls(store.crawls(), exclude=crawl_id)
        self.incremental = incremental and self.trust.any
        self.listing_barren = listing_barren
        self.buffer = WriteBuffer(store, batch_rows)
        self.clock = clock
        self._count = count or (lambda key, n: None)
        # a resumed crawl's records that survived, as 64-bit keys (crawler.engine.seen)
        self.written_before = SeenUrls()

    # --- lifecycle --------------------------------------------------------------------------
    def begin(self, resumed: Iterable[str] = ()) -> None:
        """Mark the crawl as running; a resumed crawl passes the URLs its parts already hold."""
        self.written_before = SeenUrls(k for u in resumed if (k := _key(u)))
        if self.written_before:
            self.store.forget_written(self.crawl_id, keep=self.written_before)
        self.store.begin_crawl(self.crawl_id, self.clock())

    def flush(self) -> int:
        """Write the pending updates (one transaction)."""
        return self.buffer.flush()

    def finish(self, reason: str, complete: bool) -> None:
        """Write what is pending and record how the crawl ended (its rows become trusted)."""
        self.flush()
        self.store.finish_crawl(self.crawl_id, reason, complete, self.clock())

    def close(self) -> None:
        """Flush and close the database."""
        self.flush()
        self.store.close()

    # --- decisions ----------------------------------------------------------------------------
    def wants(self, url: str, is_article: bool = True, hints: Mapping[str, str] | None = None,
              from_article: bool = False) -> bool:
        """Whether a link should be requested. False: a resumed crawl wrote it already, or
        (incremental) it is a known article outside the recheck window and unchanged, a known
        redirect to one, a page that answered 404/410 within the window, or a link to a page
        other than an article found on an article page (new articles are found through
        sitemaps, feeds and listings; related-article links are still followed)."""
        key = _key(url)
        if key is None:
            return True
        if key in self.written_before:
            self._count("resume/articles_skipped", 1)
            return False
        if not self.incremental:
            return True
        if from_article and not is_article:
            self._count("incremental/links_from_articles_pruned", 1)
            return False
        now = self.clock()
        known = self.store.get(key)
        if self.policy.gone(known, now):
            self._count("incremental/links_gone", 1)
            return False
        if not is_article:
            known = self._redirect_target(known)
            if known is None or not known.is_article:
                return True
            if known.url in self.written_before:
                return False
        lastmod = iso_seconds((hints or {}).get("lastmod"))
        action = self.policy.article(known, self.trust, now, lastmod)
        self._count(f"incremental/links_{action.value}", 1)
        return action is not Action.SKIP

    def wants_redirect(self, url: str, location: str) -> bool:
        """Whether to follow a redirect from ``url`` to ``location`` (judged like a link to a
        page the state knows; unknown targets are followed)."""
        key = _key(urljoin(url, location))
        if key is None:
            return True
        known = self.store.get(key) if self.incremental else None
        if known is None and key not in self.written_before:
            return True
        return self.wants(key, bool(known and known.is_article) or key in self.written_before)

    def _redirect_target(self, known: UrlState | None, hops: int = 5) -> UrlState | None:
        """The page a known redirect (chain) leads to, or None when it is not a known redirect."""
        if known is None or known.location is None or not 300 <= (known.status or 0) < 400:
            return None
        for _ in range(hops):
            if known is None or known.location is None or not 300 <= (known.status or 0) < 400:
                return known
            known = self.store.get(known.location)
        return None

    def recheck_urls(self) -> list[str]:
        """Recent articles to revalidate at the start of an incremental crawl."""
        if not self.incremental:
            return []
        urls = [
            known.url
            for known in self.store.recent_articles(self.policy.window_start(self.clock()))
            if self.policy.has_record(known, self.trust) and known.url not in self.written_before
        ]
        self._count("incremental/rechecks_scheduled", len(urls))
        return urls

    def barren_limit(self, default: int) -> int:
        """How many pages without a new article to walk through: fewer once incremental."""
        return min(default, self.listing_barren) if self.incremental else default

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for ``url``, when the state can rely on them."""
        if not self.incremental or (key := _key(url)) is None:
            return {}
        return self.policy.validators(self.store.get(key), self.trust)

    def validated_digest(self, url: str) -> str | None:
        """Payload digest (``sha1:<hex>``) of the last full fetch of ``url``: the payload a 304
        to :meth:`conditional_headers` confirms."""
        if not self.incremental or (key := _key(url)) is None:
            return None
        known = self.store.get(key)
        return known.digest if known is not None else None

    # --- updates ------------------------------------------------------------------------------
    def response_seen(self, url: str, status: int, etag: str | None, last_modified: str | None,
                      body: bytes, location: str | None = None,
                      hints: Mapping[str, str] | None = None) -> None:
        """Remember a response: validators and digest of a full one, the check of a 304, the
        target of a redirect. ``hints`` are the sitemap or feed dates the request carried
        (``lastmod``, ``published``), so none are kept here while requests wait in the queue."""
        key = _key(url)
        if key is None:
            return
        now = self.clock()
        hints = hints or {}
        lastmod, published = iso_seconds(hints.get("lastmod")), iso_seconds(hints.get("published"))
        changed = http_seconds(last_modified)
        values: dict[str, Any] = {"status": status, "checked_at": now, "first_seen": now}
        if status == 304:
            values.update({k: v for k, v in (("etag", etag), ("last_modified", last_modified))
                           if v})
            if (newest := _latest(changed, lastmod)) is not None:
                values["changed_at"] = newest
        elif 200 <= status < 300:
            values.update(
                etag=etag, last_modified=last_modified, fetched_at=now, crawl_id=self.crawl_id,
                digest="sha1:" + hashlib.sha1(body).hexdigest(),
                changed_at=_latest(changed, lastmod, published),
            )
            if published is not None:
                values["published"] = published
        elif 300 <= status < 400:
            values["location"] = _key(urljoin(url, location)) if location else None
        self.buffer.add(key, **values)

    def record_written(self, record: Mapping[str, Any]) -> None:
        """A record reached the article parts: its fetch now has a record."""
        self._mark(record)

    def already_written(self, record: Mapping[str, Any]) -> bool:
        """True when a resumed crawl's surviving parts hold this article already."""
        return any(k in self.written_before for k in self._record_keys(record))

    def compare(self, record: Mapping[str, Any]) -> str:
        """``new``, ``changed`` or ``unchanged``: the article's text against the record a
        finished earlier crawl of the site wrote (or matched) for its URL."""
        if not self.trust.any:
            return NEW
        key = _key(record.get("url") or "")
        known = self.store.get(key) if key else None
        if known is None or not known.text_hash or known.written_crawl not in self.trust.finished:
            return NEW
        return UNCHANGED if known.text_hash == record.get("text_sha256") else CHANGED

    def unchanged(self, record: Mapping[str, Any], change: str | None = None) -> bool:
        """True (and remembered) when the crawl is incremental and a trusted record with the
        same text exists already (``change``: :meth:`compare`'s answer, when known)."""
        if not self.incremental:
            return False
        same = (change or self.compare(record)) == UNCHANGED
        if same:
            self._mark(record)
        return same

    def _mark(self, record: Mapping[str, Any]) -> None:
        now = self.clock()
        values: dict[str, Any] = {
            "is_article": True, "written_crawl": self.crawl_id, "first_seen": now,
            "text_hash": record.get("text_sha256"),
        }
        if (published := iso_seconds(record.get("published"))) is not None:
            values["published"] = published
        for key in self._record_keys(record):
            self.buffer.add(key, **values)

    @staticmethod
    def _record_keys(record: Mapping[str, Any]) -> list[str]:
        urls = (record.get("url"), record.get("canonical_url"))
        return list(dict.fromkeys(k for u in urls if u and (k := _key(u))))
