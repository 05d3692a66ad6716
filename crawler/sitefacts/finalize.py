"""An extraction result made final with what is known about its site.

``extract_article`` gives what one page states: dates not yet in a zone, text with the page's
own boilerplate removed. :func:`finalize` applies the site's facts (``SiteFacts``): dates in the
site's zone and completed by the article's sitemap/feed entry, the site's repeated paragraphs
removed from ``text``. Without site facts, :func:`page_facts` makes do with the page alone.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from crawler.dates import (
    EntryDate,
    PageDates,
    ZoneChoice,
    ZoneEvidence,
    choose_zone,
    read_date,
    settle_page,
)
from crawler.sitefacts.boilerplate import paragraphs, strip_boilerplate
from crawler.sitefacts.learner import SiteFacts

ENTRY_SOURCES = ("news-sitemap", "rss", "atom")
PARAGRAPH_KEYS = "paragraph_keys"  # in an extraction result: its paragraphs' keys


def page_facts(dates: PageDates | None, *, url: str | None, language: str | None,
               region: str | None = None, profile_zone: str | None = None) -> SiteFacts:
    """Facts from one page alone: the profile's zone, else the page's evidence and the priors
    of its host and language; no boilerplate."""
    if profile_zone:
        return SiteFacts(zone=ZoneChoice(profile_zone, "profile"))
    host = urlsplit(url).hostname if url else None
    evidence = dates.evidence if dates else ()
    return SiteFacts(zone=choose_zone(evidence, host=host,
                                      languages=[language] if language else [],
                                      regions=[region] if region else []))


def entry_date(hints: Mapping[str, str] | None) -> EntryDate | None:
    """The publication date the article's own news-sitemap or feed entry gives (``hints``
    carry it as the document wrote it: ``published_text`` and ``published_from``)."""
    text = (hints or {}).get("published_text")
    source = (hints or {}).get("published_from")
    if not text or source not in ENTRY_SOURCES:
        return None
    parsed = read_date(text, allow_dateparser=False)
    return EntryDate(parsed, source) if parsed is not None else None


def finalize(extracted: Mapping[str, Any], facts: SiteFacts, *,
             entry: EntryDate | None = None, dates: PageDates | None = None) -> dict[str, Any]:
    """A copy of ``extracted`` (``ExtractedArticle.to_dict()``, with the keys of its
    paragraphs under ``paragraph_keys`` when a page worker computed them) with the facts
    applied (``dates``: its ``dates`` already read, when the caller has them)."""
    out = dict(extracted)
    known = out.pop(PARAGRAPH_KEYS, None)
    info = dict(out.get("extraction") or {})
    if dates is None and out.get("dates"):
        dates = PageDates.from_json(out["dates"])
    if dates is not None:
        fields = settle_page(dates, facts.zone, entry=entry)
        info.update(fields.pop("date_notes"))
        out.update(fields)
    text, removed = strip_boilerplate(out.get("text") or "", facts.boilerplate, known)
    if removed:
        out["text"], out["paragraphs"] = text, len(paragraphs(text))
    info["site_boilerplate_removed"] = removed
    info["zone"] = facts.zone.name
    if facts.rev:
        info["site_facts"] = facts.rev
    out["extraction"] = info
    return out


def pairing(dates: PageDates, entry: EntryDate) -> list[ZoneEvidence]:
    """The offset the page's printed time implies against its sitemap/feed instant."""
    page = dates.published.value
    if page is None or entry.value.value.tzinfo is None or not page.needs_zone \
            or page.days_back is not None or page.precision == "day":
        return []
    ev = ZoneEvidence.implied(page.value, entry.value.value)
    return [ev] if ev is not None else []
