"""Scrapy extension: learn the crawl's site (time zone, boilerplate) and finalise its records.

This extension is one of the crawl's parts (``crawler.crawl.parts``). The spider hands it the
dates its sitemaps and feeds give (:meth:`SiteFactsExtension.note_entry`); the extraction
pipeline hands it each extracted article (:meth:`SiteFactsExtension.finalize`), which is learned
from and then finalised with the site's facts (``crawler.sitefacts.finalize``). Until enough
articles were seen the first records wait (a bounded hold), so they too get the site's zone and
lose its boilerplate. What was learned is kept in the crawl state for the next crawl, and every
revision used is written to ``<crawl>/site-facts.json``.

Settings: ``SITE_FACTS_ENABLED`` (True), ``SITE_FACTS_MIN_ARTICLES`` (50: articles to learn
from, counting earlier crawls'), ``SITE_FACTS_HOLD_RECORDS`` (200) and
``SITE_FACTS_HOLD_SECONDS`` (120): the hold ends at whichever comes first, or when the crawl
has nothing else to do; it also ends before the held pages fill half of Scrapy's scraper slot
(``SCRAPER_SLOT_MAX_ACTIVE_SIZE``), so it never stalls the downloads, and never holds more than
``--max-items`` records. ``SITE_FACTS_HOLD_RECORDS = 0``: no hold (distributed workers: a record
held back would die with its worker, whose leases are acknowledged).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawl.context import CrawlContext
from crawler.crawl.naming import FACTS_FILE
from crawler.dates import EntryDate, ZoneEvidence, read_date
from crawler.dates.page import PageDates
from crawler.engine.engine_state import queue_and_inflight
from crawler.pages.discovery_docs import Entry
from crawler.sitefacts.boilerplate import paragraphs
from crawler.sitefacts.finalize import (
    ENTRY_SOURCES,
    PARAGRAPH_KEYS,
    entry_date,
    finalize,
    pairing,
)
from crawler.sitefacts.learner import SiteLearner
from crawler.state.session import CrawlState
from crawler.typed_settings import SettingsReader

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MAX_ENTRIES = 500_000  # sitemap/feed dates remembered per crawl


@dataclass(frozen=True)
class SiteFactsSettings:
    """The ``SITE_FACTS_*`` settings (see the module docstring) and the scraper slot's size."""

    enabled: bool
    min_articles: int
    hold_records: int
    hold_seconds: float
    slot_bytes: int  # SCRAPER_SLOT_MAX_ACTIVE_SIZE

    @classmethod
    def from_settings(cls, settings: Any) -> SiteFactsSettings:
        read = SettingsReader(settings)
        return cls(enabled=read.bool("SITE_FACTS_ENABLED"),
                   min_articles=read.int("SITE_FACTS_MIN_ARTICLES"),
                   hold_records=read.int("SITE_FACTS_HOLD_RECORDS"),
                   hold_seconds=read.float("SITE_FACTS_HOLD_SECONDS"),
                   slot_bytes=read.int("SCRAPER_SLOT_MAX_ACTIVE_SIZE"))


def _entry_evidence(entry: Entry) -> list[ZoneEvidence]:
    out = []
    for text in (entry.published_text, entry.lastmod_text):
        parsed = read_date(text, allow_dateparser=False) if text else None
        if parsed is not None and parsed.value.tzinfo is not None and parsed.precision != "day":
            ev = ZoneEvidence.stated(parsed.value)
            if ev is not None:
                out.append(ev)
    return out


class SiteFactsExtension:
    """Holds the crawl's :class:`SiteLearner`, the dates of sitemap/feed entries, and the hold."""

    def __init__(self, crawler: Crawler) -> None:
        context = self.context = CrawlContext.of(crawler)
        config = context.config(SiteFactsSettings)
        if not config.enabled:
            raise NotConfigured("SITE_FACTS_ENABLED is off")
        self.crawler = crawler
        self.min_articles = config.min_articles
        self.hold_records = config.hold_records
        self.hold_seconds = config.hold_seconds
        self.hold_bytes = config.slot_bytes // 2
        # --max-items N: never hold N records back (the crawl stops when they are written;
        # distributed workers hold none)
        limit = context.crawl_settings.max_items
        if limit and self.hold_records > 0:
            self.hold_records = max(1, min(self.hold_records, limit))
        self.learner = SiteLearner()
        # what the facts are kept under in the crawl state, and written as: the site's origin
        self.site = context.site.origin if context.site is not None else "unknown"
        self.facts_file = context.output.names.facts
        self.entries: dict[int, tuple[str, str]] = {}  # hash(url) -> (date text, source)
        self._released = asyncio.Event()
        self._held = self._held_bytes = 0
        self._held_since: float | None = None
        self._idle_checks = 0
        self._loop: task.LoopingCall | None = None
        context.parts.add(self)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteFactsExtension:
        return cls(crawler)

    # --- signals ----------------------------------------------------------------------------
    def spider_opened(self, spider: Spider) -> None:
        site = self.context.site
        host = site.hosts[0] if site is not None and site.hosts else None
        profile = getattr(spider, "profile", None)
        state = self.context.parts.get(CrawlState)
        kept = state.store.site_facts(self.site) if state is not None else None
        self.learner = SiteLearner.from_json(
            kept, host=host, profile_zone=getattr(profile, "timezone", None),
            min_articles=self.min_articles)
        if kept:
            logger.info("site %s: starting from what %d earlier articles taught",
                        self.site, self.learner.boilerplate.articles)
        if self.learner.ready():
            self._release("learned before")
        elif self.hold_records <= 0:
            self._release("no hold")
        self.context.output.add_closer(self._save, "site_facts")
        self._loop = task.LoopingCall(self._check_hold)
        self._loop.start(0.5, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    # --- discovery documents ----------------------------------------------------------------
    def note_entry(self, entry: Entry) -> None:
        """A sitemap or feed entry: its dates are zone evidence, and the publication date it
        gives confirms or completes its article's date."""
        self.learner.add_evidence(_entry_evidence(entry))
        if entry.published_text and entry.kind in ENTRY_SOURCES \
                and len(self.entries) < MAX_ENTRIES:
            self.entries.setdefault(hash(entry.url), (entry.published_text, entry.kind))

    def entry_for(self, *urls: str) -> EntryDate | None:
        """The publication date the article's own sitemap/feed entry gave, if any."""
        for url in urls:
            found = self.entries.get(hash(url))
            if found:
                parsed = read_date(found[0], allow_dateparser=False)
                if parsed is not None:
                    return EntryDate(parsed, found[1])
        return None

    # --- records ----------------------------------------------------------------------------
    async def finalize(self, result: Mapping[str, Any], urls: tuple[str, ...],
                       hints: Mapping[str, str] | None = None, size: int = 0
                       ) -> dict[str, Any]:
        """Learn from one extracted article (fetched as ``urls``), wait while the first
        records are held, and return it finalised with the site's facts and its own sitemap or
        feed entry (looked up last: feeds found while it waited count too)."""
        dates = PageDates.from_json(result["dates"]) if result.get("dates") else None
        early = self.entry_for(*urls) or entry_date(hints)
        evidence = list(dates.evidence) if dates else []
        if dates and early is not None:
            evidence += pairing(dates, early)
        self.learner.observe(result.get("language"), paragraphs(result.get("text") or ""),
                             evidence, result.get(PARAGRAPH_KEYS))
        if self.learner.ready():
            self._release("learned")
        if not self._released.is_set():
            await self._hold(size)
        entry = self.entry_for(*urls) or entry_date(hints)
        if dates and entry is not None and early is None:
            self.learner.add_evidence(pairing(dates, entry))
        final = finalize(result, self.learner.current(), entry=entry)
        if self.facts_file != FACTS_FILE:  # a distributed worker's own revisions
            final["extraction"]["site_facts_file"] = self.facts_file
        return final

    async def _hold(self, size: int) -> None:
        self._held += 1
        self._held_bytes += size
        if self._held_since is None:
            self._held_since = time.monotonic()
        if self._held >= self.hold_records or self._held_bytes >= self.hold_bytes:
            self._release("hold full")
        await self._released.wait()

    def _check_hold(self) -> None:
        """Every half second: end the hold when the crawl has nothing else to do, is closing,
        or the hold is old enough."""
        if self._released.is_set() or not self._held:
            return
        engine = self.crawler.engine
        closing = getattr(getattr(engine, "_slot", None), "closing", None) is not None
        if closing or not getattr(engine, "running", True):
            self._release("crawl closing")
        elif self._idle():
            self._idle_checks += 1
            if self._idle_checks >= 2:  # twice in a row: not a gap between two pages
                self._release("crawl idle")
        elif self._held_since and time.monotonic() - self._held_since >= self.hold_seconds:
            self._release("hold timeout")
        else:
            self._idle_checks = 0

    def _idle(self) -> bool:
        """Nothing queued, downloading or being scanned but the held pages themselves."""
        queued, inflight = queue_and_inflight(self.crawler)
        slot = getattr(getattr(self.crawler.engine, "scraper", None), "slot", None)
        scraping = len(slot.queue) + len(slot.active) if slot is not None else 0
        return queued == 0 and inflight == 0 and scraping <= self._held

    def _release(self, why: str) -> None:
        if self._released.is_set():
            return
        self._released.set()
        stats = self.crawler.stats
        stats.set_value("site_facts/held_records", self._held)
        stats.set_value("site_facts/release", why)
        facts = self.learner.current()
        logger.info("site %s: records finalised from now on (%s, %d held): zone %s (%s), "
                    "%d boilerplate paragraphs", self.site, why, self._held, facts.zone.name,
                    facts.zone.source, len(facts.boilerplate))

    # --- end of the crawl -------------------------------------------------------------------
    def _save(self) -> None:
        """Crawl-output closer: the revisions used go to ``site-facts.json``, what was learned
        to the crawl state."""
        self._release("crawl closing")
        out = self.context.output
        stats = self.crawler.stats
        revisions = self.learner.revisions
        stats.set_value("site_facts/revisions", len(revisions))
        if revisions:
            latest = revisions[-1]
            stats.set_value("site_facts/zone", latest.zone.name or "")
            stats.set_value("site_facts/boilerplate_paragraphs", len(latest.boilerplate))
            path = out.root / self.facts_file
            _write_json(path, {"site": self.site,
                               "revisions": [rev.to_json() for rev in revisions],
                               "learned": self.learner.to_json()})
            out.file_completed(path, "facts")
        state = self.context.parts.get(CrawlState)
        if state is not None and self.learner.seen:
            state.store.save_site_facts(self.site, self.learner.to_json())


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".open")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
