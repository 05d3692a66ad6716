"""Dates as records print them: a page's findings put in the site's zone, with the source of
each offset, and completed by the article's own news-sitemap or feed entry.

``offset_source`` says how the instant was fixed: ``page`` (the page stated an offset, or counted
back from the server's clock: "2 години тому"), ``site`` (the site's zone, learned from its
evidence), ``profile``, ``tld`` or ``language`` (a prior), ``utc-stamps`` (the site only gave
UTC timestamps), or null for a bare day. A printed time whose zone nothing suggests is not
guessed: the record keeps its day (``offset_unknown``) and the wall time in ``extraction``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from crawler.dates.model import ParsedDate
from crawler.dates.page import DateFinding, PageDates
from crawler.dates.zones import ZoneChoice


@dataclass(frozen=True)
class EntryDate:
    """The date the article's own news-sitemap or feed entry gives (``source``:
    ``news-sitemap``, ``sitemap-lastmod``, ``rss``, ``atom``)."""

    value: ParsedDate
    source: str


def settle(finding: DateFinding, choice: ZoneChoice, *,
           keep_offset: bool = False) -> tuple[DateFinding, str | None, str | None]:
    """(finding in the zone, offset source, wall time kept when no zone is known)."""
    value = finding.value
    if value is None:
        return finding, None, None
    if value.precision == "day" and value.days_back is None:
        return finding, None, None
    tz = choice.tz
    if not value.needs_zone:  # an instant: shown in the site's zone when it is known
        if tz is not None and not keep_offset:
            value = value.resolve(tz)
        return replace(finding, value=value), "page", None
    if tz is None:  # never guess a zone: keep the day the page means
        wall = value.wall(dt.UTC)
        day = ParsedDate(dt.datetime.combine(wall.date(), dt.time()), "day", value.source)
        return (replace(finding, value=day, reason="offset_unknown"), None,
                wall.isoformat(timespec="minutes") if value.precision != "day" else None)
    return replace(finding, value=value.resolve(tz)), choice.source, None


def with_entry(found: DateFinding, entry: EntryDate | None,
               tz: dt.tzinfo | None) -> tuple[DateFinding, dict[str, Any] | None]:
    """The page's published date confirmed or completed by its sitemap/feed entry.

    The entry's instant replaces a page date that says less about the same moment: a day
    ("23.03.2025"), an hour counted back ("4 години тому"), or a printed time the entry shows
    with its offset (a time in the repeated autumn hour, with or without a zone label: "1:20
    a.m. CT" is either of two instants that night). No page date: the entry's. A page
    date of another day wins, and a conflict note says so.
    """
    if entry is None:
        return found, None
    page, ev = found.value, entry.value
    if page is None:
        return DateFinding(ev, entry.source), None
    completed = DateFinding(ev, f"{found.source}+{entry.source}")
    instant = ev.resolve(tz) if tz is not None and ev.needs_zone else ev
    if page.precision == "day":
        if ev.precision != "day" and ev.local_day(tz) == page.local_day(tz):
            return completed, None
    elif page.precision == "hour" and instant.value.tzinfo is not None \
            and page.value.tzinfo is not None:
        if abs(instant.value - page.value) <= dt.timedelta(hours=1):
            return completed, None
    elif page.needs_zone and tz is not None and instant.value.tzinfo is not None \
            and instant.value.astimezone(tz).replace(tzinfo=None) == page.wall(tz):
        return completed, None
    elif page.offset == "label" and instant.value.tzinfo is not None \
            and (tz or page.value.tzinfo) is not None \
            and instant.value.astimezone(tz or page.value.tzinfo).replace(tzinfo=None) \
            == page.value.replace(tzinfo=None):
        return completed, None  # "1:20 a.m. CT" the night clocks go back: the entry says which
    elif page.ambiguous and ev.precision != "day" and ev.local_day(tz) == page.local_day(tz):
        return completed, None  # "3:48" without am/pm: the entry says which
    if page.local_day(tz) != ev.local_day(tz):
        shown = page.iso() if not page.needs_zone else page.wall(tz).isoformat()
        return found, {"field": "published", "source": entry.source, "entry": ev.iso(),
                       "page": shown}
    return found, None


def settle_page(dates: PageDates, choice: ZoneChoice, *, entry: EntryDate | None = None,
                keep_offset: bool = False) -> dict[str, Any]:
    """Record fields (``published``, ``published_source``, ``published_precision``,
    ``published_reason``, ``published_offset_source`` and the same for ``modified``) plus
    ``date_notes`` (conflicts, kept wall times) for ``extraction``."""
    notes: dict[str, Any] = {}
    conflicts = [{"field": "published", **dates.published.conflict}] \
        if dates.published.conflict else []
    published, conflict = with_entry(dates.published, entry, choice.tz)
    if conflict:
        conflicts.append(conflict)
    if conflicts:
        notes["date_conflicts"] = conflicts
    if entry is not None:
        notes["entry_date"] = {"source": entry.source, "value": entry.value.iso()}
    published, pub_offset, pub_wall = settle(published, choice, keep_offset=keep_offset)
    modified, mod_offset, mod_wall = settle(dates.modified, choice, keep_offset=keep_offset)
    for key, wall in (("published_local", pub_wall), ("modified_local", mod_wall)):
        if wall:
            notes[key] = wall
    pub, mod = published.value, modified.value
    if pub and mod and mod.precision != "day" and pub.precision != "day":
        if mod.value < pub.value:
            modified, mod_offset = DateFinding(None, None, "before_published"), None
        elif mod.value == pub.value:
            modified, mod_offset = DateFinding(None, None, "same_as_published"), None
    out = {**_fields("published", published, pub_offset),
           **_fields("modified", modified, mod_offset)}
    out["date_notes"] = notes
    return out


def _fields(prefix: str, finding: DateFinding, offset_source: str | None) -> dict[str, Any]:
    value = finding.value
    return {
        prefix: value.iso() if value else None,
        f"{prefix}_source": finding.source if value else None,
        f"{prefix}_precision": value.precision if value else None,
        f"{prefix}_reason": finding.reason,
        f"{prefix}_offset_source": offset_source,
    }
