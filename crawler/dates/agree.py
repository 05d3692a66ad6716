"""When a page's date sources disagree: which one is the publication date, and why.

Markup that names the publication (JSON-LD ``datePublished``, ``article:published_time``,
``itemprop=datePublished``) says what the publisher means by "published". The date line printed
next to the headline is what readers see, but on many pages it is an update time, a "Stand:"
line or a live ticker's latest entry, so it overrules such markup only when it is labelled as
the publication ("Veröffentlicht am …", "Published …"). Markup that only says "date" (``<meta
name=date>``, a bare ``<time>``) is a weaker claim: a printed date line of another day, or the
day the URL spells, wins over it. Every such decision is kept on the finding
(:attr:`DateFinding.conflict`) for the record's ``extraction.date_conflicts``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from crawler.dates.model import ParsedDate
from crawler.dates.parse import read_date
from crawler.dates.sources import PUBLISHED_WORDS, Candidate
from crawler.dates.url_dates import url_day
from crawler.dates.zones import ZoneEvidence

FUTURE_SLACK = dt.timedelta(days=1)
URL_DATE_TOLERANCE = dt.timedelta(days=2)
NEAR_LINES, NEAR_LINE = 4, 80  # the date line that overrides stale markup: close and short
# Sources that name the publication itself, as opposed to a date of unknown meaning.
_PUBLISHED_MARKUP = re.compile(
    r"^(?:json-ld:(?:datePublished|coverageStartTime)|itemprop:datePublished|"
    r"rdfa:(?:datepublished|issued)|meta:[^+]*(?:publi|issued))", re.IGNORECASE)
_MARKUP = ("json-ld", "meta", "itemprop", "time")
_PRINTED = ("text", "time-text", "byline")


@dataclass(frozen=True)
class DateFinding:
    """One chosen date (or None), the source that gave it, or why there is none.
    ``conflict``: another source that said otherwise and lost, or won (``kept``, ``over``,
    the other's ``value`` and ``why``)."""

    value: ParsedDate | None
    source: str | None = None
    reason: str | None = None
    conflict: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (crosses from the page workers to the crawl process)."""
        return {"value": self.value.to_json() if self.value else None, "source": self.source,
                "reason": self.reason, **({"conflict": self.conflict} if self.conflict else {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DateFinding:
        """The inverse of :meth:`to_json`."""
        value = data.get("value")
        return cls(ParsedDate.from_json(value) if value else None, data.get("source"),
                   data.get("reason"), data.get("conflict"))


@dataclass(frozen=True)
class ReadContext:
    """How one page's date strings are read: its languages, the server's clock, its URL."""

    languages: tuple[str, ...]
    reference: dt.datetime
    url_month: tuple[int, int] | None = None  # the /2024/03/ a URL spells

    def off_month(self, cand: Candidate, parsed: ParsedDate) -> bool:
        """A printed date of another month than the URL's: not this article's date line."""
        if self.url_month is None or cand.structured or parsed.days_back is not None:
            return False
        day = parsed.local_day()
        months = (day.year - self.url_month[0]) * 12 + day.month - self.url_month[1]
        return abs(months) > 1  # an article filed under /2021/10/ may be dated 2 November

    def parse(self, cand: Candidate) -> ParsedDate | None:
        """The candidate read as a date (relative forms only where printed)."""
        return read_date(cand.text, languages=self.languages,
                         reference=None if cand.structured else self.reference,
                         allow_dateparser=not cand.structured,
                         short_years=cand.source == "byline")

    def rough_instant(self, parsed: ParsedDate) -> dt.datetime:
        """The instant within a day (zone not known yet): enough to refuse future dates."""
        if parsed.days_back is not None:
            return self.reference
        value = parsed.value
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def kind_of(source: str | None) -> str:
    """The family of a finding's source: ``json-ld``, ``meta``, ``byline``, ``url``…"""
    return (source or "").split("+")[0].split(":")[0]


def names_publication(source: str | None) -> bool:
    """Whether the source is markup that names the publication date as such."""
    return bool(_PUBLISHED_MARKUP.match(source or ""))


def labelled_published(text: str) -> bool:
    """A printed line that says its date is the publication ("Veröffentlicht am …")."""
    return bool(PUBLISHED_WORDS.search(text))


def _conflict(kept: str | None, over: str, value: ParsedDate, why: str) -> dict[str, str]:
    return {"kept": kept or "", "over": over, "value": value.iso(), "why": why}


def _plausible(cand: Candidate, ctx: ReadContext) -> ParsedDate | None:
    """The candidate's date when it can stand against markup: absolute, not in the future,
    of the URL's month."""
    parsed = ctx.parse(cand)
    if parsed is None or parsed.days_back is not None or parsed.source == "relative":
        return None
    if ctx.rough_instant(parsed) > ctx.reference + FUTURE_SLACK or ctx.off_month(cand, parsed):
        return None
    return parsed


def agree_with_byline(found: DateFinding, ctx: ReadContext,
                      byline: Callable[[], list[Candidate]],
                      markup: Sequence[Candidate] = (),
                      labelled: Callable[[], list[Candidate]] = list) -> DateFinding:
    """The markup's date against the dates printed for readers, when their days differ.

    A line labelled as the publication ("Veröffentlicht am …", ``labelled``) wins. Against
    the date line next to the headline (``byline``): markup naming the publication wins
    unless another publication source of the page (``markup``) gives the line's day; markup
    of unknown meaning is a stale stamp (a template default, a first draft) and the line
    wins."""
    if found.value is None or kind_of(found.source) not in _MARKUP:
        return found
    day = found.value.local_day()
    for cand in labelled():
        if len(cand.text) > NEAR_LINE or (parsed := _plausible(cand, ctx)) is None:
            continue
        if parsed.local_day() == day:
            return found
        return DateFinding(parsed, cand.source, conflict=_conflict(
            cand.source, found.source or "", found.value, "date line labelled as the publication"))
    for cand in byline()[:NEAR_LINES]:
        if len(cand.text) > NEAR_LINE or (parsed := _plausible(cand, ctx)) is None:
            continue
        if parsed.local_day() == day or _utc_of_printed(found.value, parsed):
            return found
        if not names_publication(found.source):
            why = "markup of unknown meaning, another day than the date line"
        elif _confirmed(parsed, markup, ctx):
            why = "another publication source gives the date line's day"
        else:
            return replace(found, conflict=_conflict(
                found.source, "byline", parsed,
                "publication markup over an unlabelled date line (an update or live entry)"))
        return DateFinding(parsed, "byline", conflict=_conflict(
            "byline", found.source or "", found.value, why))
    return found


def _utc_of_printed(markup: ParsedDate, printed: ParsedDate) -> bool:
    """Whether markup stated in UTC can be the moment a date line prints in the site's own
    zone: many CMSs serialise in UTC whatever they print, so 21:15 in Chicago is 02:15 UTC of
    the next day. A printed time must then differ from the instant by a real zone offset; a
    printed day must be the instant's day at some offset (up to 14 hours either way)."""
    value = markup.value
    if markup.precision == "day" or value.tzinfo is None or value.utcoffset() != dt.timedelta(0):
        return False
    if printed.precision == "day":
        return ZoneEvidence.on_day(value, printed.local_day()) is not None
    return printed.value.tzinfo is None and ZoneEvidence.implied(printed.value, value) is not None


def _confirmed(parsed: ParsedDate, markup: Sequence[Candidate], ctx: ReadContext) -> bool:
    """Whether a publication source in the markup gives the same day as ``parsed``."""
    for cand in markup:
        if names_publication(cand.source) and (other := ctx.parse(cand)) is not None \
                and other.local_day() == parsed.local_day():
            return True
    return False


def agree_with_url(found: DateFinding, url: str | None, ctx: ReadContext) -> DateFinding:
    """A markup date days away from the date in the URL is usually an update stamp or a
    template default: the URL, fixed at publication, wins (as a day). A date read from visible
    text loses to the URL on any disagreement."""
    day = url_day(url)
    if day is None or day > ctx.reference.date():
        return found
    from_url = ParsedDate(dt.datetime.combine(day, dt.time()), "day", "url")
    if found.value is None:  # nothing printed: the URL, fixed at publication, says the day
        return DateFinding(from_url, "url")
    tolerance = dt.timedelta(0) if kind_of(found.source) in _PRINTED else URL_DATE_TOLERANCE
    if abs(found.value.local_day() - day) <= tolerance:
        return found
    return DateFinding(from_url, "url", conflict=_conflict(
        "url", found.source or "", found.value, "the URL's day, fixed at publication"))
