"""The recheck policy: which known URLs to request again, and which conditionally.

An article URL is

* **fetched** in full when the state has no trusted record for its last full fetch: never seen,
  or the crawl that fetched it was killed, or that fetch produced no record (extraction failed);
* **revalidated** (a conditional request with If-None-Match / If-Modified-Since) when it is
  recent (published, or first seen when the date is unknown, within ``recheck_days``), or when a
  sitemap or feed says it changed after the newest change the state knows;
* **skipped** otherwise: known, written, older than the window and unchanged.

Any URL that answered 404 or 410 within the recheck window is not requested again before the
window has passed, and a known redirect is judged by the page it leads to.

Other pages (listings, sitemaps, feeds) are revalidated when a *complete* earlier crawl fetched
them: one that finished normally without ``--since``, so every link they hold was followed then.

"Trusted" crawls are those that finished (their files are closed and listed in a manifest);
rows written by a crawl that was killed count for nothing until that crawl is resumed and ends.
Pure code: no Scrapy, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from crawler.state.store import CrawlRun, UrlState

DAY = 86_400.0
GONE = (404, 410)


class Action(StrEnum):
    """What to do with an article URL."""

    FETCH = "fetch"
    REVALIDATE = "revalidate"
    SKIP = "skip"


@dataclass(frozen=True)
class Trust:
    """Which earlier crawls the state may rely on."""

    finished: frozenset[str] = field(default_factory=frozenset)
    complete: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_crawls(cls, crawls: Mapping[str, CrawlRun], exclude: str | None = None) -> Trust:
        """Trust the finished crawls in ``crawls`` except ``exclude`` (the running one)."""
        done = {c for c, run in crawls.items() if run.finished_at is not None and c != exclude}
        complete = {c for c in done if crawls[c].complete}
        return cls(frozenset(done), frozenset(complete))

    @property
    def any(self) -> bool:
        """True once some earlier crawl finished: the crawl can be incremental."""
        return bool(self.finished)


@dataclass(frozen=True)
class RecheckPolicy:
    """Decisions from the state of a URL; times are Unix seconds."""

    recheck_days: float = 3.0
    lastmod_slack: float = 1.0  # seconds: sitemap times are often rounded to the minute

    def has_record(self, known: UrlState | None, trust: Trust) -> bool:
        """True when a finished crawl wrote (or matched) a record for the last full fetch."""
        return (
            known is not None
            and known.written_crawl is not None
            and known.written_crawl == known.crawl_id
            and known.written_crawl in trust.finished
        )

    def is_recent(self, known: UrlState, now: float) -> bool:
        """Published (or first seen, without a date) within the recheck window."""
        ref = known.published if known.published is not None else known.first_seen
        return ref is not None and ref >= now - self.recheck_days * DAY

    def changed_after(self, known: UrlState, lastmod: float | None) -> bool:
        """A sitemap/feed ``lastmod`` newer than the newest change the state knows."""
        if lastmod is None:
            return False
        marker = known.changed_at if known.changed_at is not None else known.fetched_at
        return marker is None or lastmod > marker + self.lastmod_slack

    def gone(self, known: UrlState | None, now: float) -> bool:
        """Answered 404/410 within the recheck window: not worth asking again yet."""
        return (
            known is not None
            and known.status in GONE
            and known.checked_at is not None
            and known.checked_at >= now - self.recheck_days * DAY
        )

    def article(self, known: UrlState | None, trust: Trust, now: float,
                lastmod: float | None = None) -> Action:
        """What to do with an article URL found in a link, sitemap or feed."""
        if known is None or not self.has_record(known, trust):
            return Action.FETCH
        if self.changed_after(known, lastmod) or self.is_recent(known, now):
            return Action.REVALIDATE
        return Action.SKIP

    def validators(self, known: UrlState | None, trust: Trust) -> dict[str, str]:
        """The conditional headers to send for ``known`` (empty: request in full)."""
        if known is None or not (known.etag or known.last_modified):
            return {}
        if known.is_article:
            if not self.has_record(known, trust):
                return {}
        elif known.crawl_id not in trust.complete:
            return {}
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    def window_start(self, now: float) -> float:
        """Articles published after this moment are rechecked."""
        return now - self.recheck_days * DAY
