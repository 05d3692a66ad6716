"""``find_page_dates``: the published and modified dates one page states, with provenance and
the time-zone evidence it carries.

Sources are tried best first (JSON-LD, meta tags, ``<time>``/microdata, the profile's XPaths,
visible date lines in the article) and the first plausible value wins. A date-only value does
not become midnight: a finer value of the same day from a later source is used when there is
one, otherwise the result keeps ``precision == "day"``. Nothing found means ``None`` plus a
reason; a date is never guessed from elsewhere on the page. Values are not yet in a zone:
``crawler.dates.settle`` applies the site's zone, chosen from evidence (``crawler.dates.zones``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from crawler.dates.lines import byline_candidates, dated_lines, visible_lines
from crawler.dates.model import ParsedDate
from crawler.dates.parse import could_be_date, read_date
from crawler.dates.sources import (
    Candidate,
    jsonld_candidates,
    meta_candidates,
    rdfa_candidates,
    split_update,
    time_candidates,
    xpath_candidates,
)
from crawler.dates.url_dates import url_day, url_month
from crawler.dates.zones import ZoneEvidence
from crawler.html.jsonld import jsonld_nodes
from crawler.pages.profiles import SiteProfile

FUTURE_SLACK = dt.timedelta(days=1)
URL_DATE_TOLERANCE = dt.timedelta(days=2)
NEAR_LINES, NEAR_LINE = 4, 80  # the date line that overrides stale markup: close and short
PRINTED_LINES = 6  # date lines next to the headline read for zone evidence
@dataclass(frozen=True)
class DateFinding:
    """One chosen date (or None), the source that gave it, or why there is none."""

    value: ParsedDate | None
    source: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (crosses from the page workers to the crawl process)."""
        return {"value": self.value.to_json() if self.value else None, "source": self.source,
                "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DateFinding:
        """The inverse of :meth:`to_json`."""
        value = data.get("value")
        return cls(ParsedDate.from_json(value) if value else None, data.get("source"),
                   data.get("reason"))


@dataclass(frozen=True)
class PageDates:
    """The page's publication and last-modification dates, and its time-zone evidence."""

    published: DateFinding
    modified: DateFinding
    evidence: tuple[ZoneEvidence, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"published": self.published.to_json(), "modified": self.modified.to_json(),
                "evidence": [ev.to_json() for ev in self.evidence]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageDates:
        """The inverse of :meth:`to_json`."""
        return cls(DateFinding.from_json(data["published"]),
                   DateFinding.from_json(data["modified"]),
                   tuple(ZoneEvidence.from_json(ev) for ev in data.get("evidence") or ()))


@dataclass(frozen=True)
class _Context:
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


def find_page_dates(
    tree: etree._Element,
    *,
    profile: SiteProfile,
    reference: dt.datetime,
    url: str | None = None,
    jsonld: list[dict[str, Any]] | None = None,
    title: str | None = None,
) -> PageDates:
    """Published and modified dates a parsed page (lxml tree) states, and its zone evidence.

    ``reference`` (aware) is the server's clock when it rendered the page (its ``Date``
    header, else the fetch time): it resolves relative dates and bounds the future.
    ``jsonld`` may pass already-parsed JSON-LD nodes; ``title`` (the headline) locates the
    date line printed next to it.
    """
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=dt.UTC)
    ctx = _Context(tuple(profile.languages), reference, url_month(url))
    nodes = jsonld if jsonld is not None else jsonld_nodes(tree)
    ld_pub, ld_mod = jsonld_candidates(nodes)
    meta_pub, meta_mod = meta_candidates(tree)
    time_pub, time_mod = time_candidates(tree)
    rdfa_pub, rdfa_mod = rdfa_candidates(tree)
    time_pub, time_mod = time_pub + rdfa_pub, time_mod + rdfa_mod
    lines: list[tuple[str, bool]] | None = None
    near: list[Candidate] | None = None

    def byline() -> list[Candidate]:
        nonlocal near
        if near is None:
            near = byline_candidates(tree, title)
        return near

    def visible(updates: bool) -> list[Candidate]:
        nonlocal lines
        if lines is None:
            lines = list(visible_lines(tree))
        out = []
        for text, is_update in lines:
            before, after = split_update(text)
            if updates and is_update:
                out.append(Candidate("text", after if after is not None else text, False))
            elif not updates and before.strip() and (not is_update or after is not None):
                out.append(Candidate("text", before, False))
        return out

    pub_groups: tuple[Callable[[], list[Candidate]], ...] = (
        lambda: ld_pub,
        lambda: meta_pub,
        lambda: time_pub,
        lambda: xpath_candidates(tree, profile.published_xpaths, "xpath"),
        byline,
        lambda: visible(False),
        lambda: [Candidate("text", t, False) for t in dated_lines(tree)
                 if split_update(t)[1] is None],
    )
    published = _choose(ctx, pub_groups)
    published = _agree_with_byline(published, ctx, byline)
    published = _agree_with_url(published, url, ctx)
    modified = _choose(
        ctx,
        (
            lambda: ld_mod,
            lambda: meta_mod,
            lambda: time_mod,
            lambda: xpath_candidates(tree, profile.modified_xpaths, "xpath"),
            lambda: visible(True),
        ),
    )
    structured = [c for c in (*ld_pub, *meta_pub, *time_pub, *ld_mod, *meta_mod, *time_mod)
                  if c.structured]
    printed = (lambda: [c for c in time_pub if not c.structured],
               lambda: byline()[:PRINTED_LINES])
    evidence = _evidence(ctx, structured, printed, url)
    return PageDates(published, modified, tuple(evidence))


def _evidence(ctx: _Context, structured: list[Candidate],
              printed: Iterable[Callable[[], list[Candidate]]], url: str | None
              ) -> list[ZoneEvidence]:
    """Zone evidence on the page: offsets its markup states (a UTC one is weak), zones shown
    to readers, the offset a printed time implies against the markup's instant for the
    same event, and the URL's day for that instant."""
    out: list[ZoneEvidence] = []
    instant: dt.datetime | None = None
    for cand in structured:
        parsed = ctx.parse(cand)
        if parsed is None or parsed.value.tzinfo is None or parsed.precision == "day":
            continue
        ev = ZoneEvidence.stated(parsed.value)
        if ev is not None:
            out.append(ev)
            if instant is None and cand.source.split(":")[-1] != "dateModified":
                instant = parsed.value
    printed_day: dt.date | None = None
    for cand in _flatten(printed):
        parsed = ctx.parse(cand)
        if parsed is None or parsed.days_back is not None:
            continue
        if parsed.precision == "day":
            printed_day = printed_day or parsed.local_day()
            continue
        if parsed.offset in ("stated", "label"):
            shown = ZoneEvidence.stated(parsed.value, shown=True)
            if shown is not None:
                out.append(shown)
            break
        if parsed.value.tzinfo is None and instant is not None:
            implied = ZoneEvidence.implied(parsed.value, instant)
            if implied is not None:
                out.append(implied)
            break
    if printed_day is not None and instant is not None and printed_day == instant.date():
        printed_day = None  # the instant's own day says nothing of the side of UTC
    for day in (url_day(url), printed_day):  # the day the URL, the date line show it on
        if instant is not None and day is not None:
            on_day = ZoneEvidence.on_day(instant, day)
            if on_day is not None and abs(instant.date() - day) <= dt.timedelta(days=1):
                out.append(on_day)
    return out


def _agree_with_url(found: DateFinding, url: str | None, ctx: _Context) -> DateFinding:
    """A markup date days away from the date in the URL is usually an update stamp or a
    template default: the URL, fixed at publication, wins (as a day). A date read from visible
    text loses to the URL on any disagreement."""
    day = url_day(url)
    if day is None or day > ctx.reference.date():
        return found
    if found.value is None:  # nothing printed: the URL, fixed at publication, says the day
        return DateFinding(ParsedDate(dt.datetime.combine(day, dt.time()), "day", "url"), "url")
    weak = (found.source or "").split("+")[0] in ("text", "time-text", "byline")
    tolerance = dt.timedelta(0) if weak else URL_DATE_TOLERANCE
    if abs(found.value.local_day() - day) <= tolerance:
        return found
    return DateFinding(ParsedDate(dt.datetime.combine(day, dt.time()), "day", "url"), "url")


def _agree_with_byline(found: DateFinding, ctx: _Context,
                       byline: Callable[[], list[Candidate]]) -> DateFinding:
    """Markup whose day differs from the date line printed next to the headline is a stale
    stamp (a template default, a first draft): readers see the date line."""
    if found.value is None or (found.source or "").split("+")[0].split(":")[0] not in (
            "json-ld", "meta", "itemprop", "time"):
        return found
    for cand in byline()[:NEAR_LINES]:
        if len(cand.text) > NEAR_LINE:
            continue
        parsed = ctx.parse(cand)
        if parsed is None or parsed.days_back is not None or parsed.source == "relative":
            continue
        if ctx.rough_instant(parsed) > ctx.reference + FUTURE_SLACK or \
                ctx.off_month(cand, parsed):
            continue
        if parsed.local_day() != found.value.local_day() and \
                not _utc_of_printed(found.value, parsed):
            return DateFinding(parsed, "byline")
        return found
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


def _choose(ctx: _Context, groups: Iterable[Callable[[], list[Candidate]]]) -> DateFinding:
    """The first plausible candidate, sources in order and each source's candidates in page
    order; a day-only one borrows a same-day time found later. A relative date ("3 години
    тому") counts where it is found, so a sidebar's absolute dates further down never beat it."""
    seen = future = 0
    best: tuple[str, ParsedDate] | None = None
    for group in groups:
        for cand in group():
            seen += cand.structured or could_be_date(cand.text.lower())
            parsed = ctx.parse(cand)
            if parsed is None:
                continue
            if ctx.rough_instant(parsed) > ctx.reference + FUTURE_SLACK:
                future += 1
                continue
            if ctx.off_month(cand, parsed):
                continue
            if parsed.source == "relative":
                if best is None:
                    return DateFinding(parsed, cand.source)
                continue
            if best is None:
                best = (cand.source, parsed)
                if parsed.precision != "day":
                    return DateFinding(parsed, cand.source)
            elif parsed.precision != "day" and parsed.local_day() == best[1].local_day():
                return DateFinding(parsed, f"{best[0]}+{cand.source}")
    if best is not None:
        return DateFinding(best[1], best[0])
    reason = "in_future" if future else ("unparseable" if seen else "not_found")
    return DateFinding(None, None, reason)


def _flatten(groups: Iterable[Callable[[], list[Candidate]]]) -> Iterator[Candidate]:
    for group in groups:
        yield from group()
