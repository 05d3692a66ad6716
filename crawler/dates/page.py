"""``find_page_dates``: the published and modified dates of one parsed page, with provenance.

Sources are tried best first (JSON-LD, meta tags, ``<time>``/microdata, the profile's XPaths,
visible date lines, htmldate last) and the first plausible value wins. A date-only value does
not become midnight: a finer value of the same day from a later source is used when there is
one, otherwise the result keeps ``precision == "day"``. Nothing found means ``None`` plus a
reason; a date is never invented.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from crawler.dates.model import ParsedDate, as_zone, day_start
from crawler.dates.parse import parse_date
from crawler.dates.sources import (
    Candidate,
    jsonld_candidates,
    meta_candidates,
    split_update,
    time_candidates,
    visible_lines,
    xpath_candidates,
)
from crawler.extract.jsonld import jsonld_nodes
from crawler.profiles import SiteProfile

FUTURE_SLACK = dt.timedelta(days=1)
URL_DATE_TOLERANCE = dt.timedelta(days=2)
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$)"
    r"|/((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/)")


@dataclass(frozen=True)
class DateFinding:
    """One chosen date (or None), the source that gave it, or why there is none."""

    value: ParsedDate | None
    source: str | None = None
    reason: str | None = None

    def to_dict(self, prefix: str) -> dict[str, Any]:
        """``{prefix: iso, prefix_source, prefix_precision, prefix_reason}``."""
        value = self.value
        return {
            prefix: value.iso() if value else None,
            f"{prefix}_source": self.source,
            f"{prefix}_precision": value.precision if value else None,
            f"{prefix}_reason": self.reason,
        }


@dataclass(frozen=True)
class PageDates:
    """The page's publication and last-modification dates."""

    published: DateFinding
    modified: DateFinding

    def to_dict(self) -> dict[str, Any]:
        """Flat fields for an article record (ISO strings with the offset)."""
        return {**self.published.to_dict("published"), **self.modified.to_dict("modified")}


@dataclass(frozen=True)
class _Context:
    languages: tuple[str, ...]
    tz: dt.tzinfo
    fetched_at: dt.datetime
    keep_offset: bool

    def parse(self, cand: Candidate) -> ParsedDate | None:
        return parse_date(
            cand.text,
            languages=self.languages,
            tz=self.tz,
            reference=None if cand.structured else self.fetched_at,
            keep_offset=self.keep_offset,
            allow_dateparser=not cand.structured,
        )


def find_page_dates(
    tree: etree._Element,
    *,
    profile: SiteProfile,
    fetched_at: dt.datetime,
    url: str | None = None,
    jsonld: list[dict[str, Any]] | None = None,
) -> PageDates:
    """Published and modified dates of a parsed page (lxml tree), normalised to the site zone.

    ``fetched_at`` (aware) resolves relative dates and bounds the future; ``jsonld`` may pass
    already-parsed JSON-LD nodes.
    """
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=dt.UTC)
    ctx = _Context(
        tuple(profile.languages),
        as_zone(profile.timezone),
        fetched_at,
        keep_offset=not profile.timezone_authoritative,
    )
    nodes = jsonld if jsonld is not None else jsonld_nodes(tree)
    ld_pub, ld_mod = jsonld_candidates(nodes)
    meta_pub, meta_mod = meta_candidates(tree)
    time_pub, time_mod = time_candidates(tree)
    lines: list[tuple[str, bool]] | None = None

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

    published = _choose(
        ctx,
        (
            lambda: ld_pub,
            lambda: meta_pub,
            lambda: time_pub,
            lambda: xpath_candidates(tree, profile.published_xpaths, "xpath"),
            lambda: visible(False),
        ),
        fallback=lambda: _htmldate(tree, ctx, url),
    )
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
    if (
        published.value
        and modified.value
        and modified.value.value < published.value.value
        and modified.value.precision != "day"
    ):
        modified = DateFinding(None, None, "before_published")
    elif published.value and modified.value and modified.value.value == published.value.value:
        modified = DateFinding(None, None, "same_as_published")
    return PageDates(published, modified)


def url_day(url: str | None) -> dt.date | None:
    """The publication day a URL spells (``/2024/03/23/``, ``/2024-03-23-``, ``/20240323/``)."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    parts = [g for g in m.groups() if g is not None]
    try:
        return dt.date(*map(int, parts))
    except ValueError:
        return None


def _agree_with_url(found: DateFinding, url: str | None, ctx: _Context) -> DateFinding:
    """A markup date days away from the date in the URL is usually an update stamp or a
    template default: the URL, fixed at publication, wins (as a day). A date read from visible
    text or guessed by htmldate loses to the URL on any disagreement."""
    day = url_day(url)
    if found.value is None or day is None or day > ctx.fetched_at.date():
        return found
    weak = (found.source or "").split("+")[0] in ("text", "time-text", "htmldate")
    tolerance = dt.timedelta(0) if weak else URL_DATE_TOLERANCE
    if abs(found.value.value.date() - day) <= tolerance:
        return found
    return DateFinding(ParsedDate(day_start(day, ctx.tz), "day", "url"), "url")


def _choose(
    ctx: _Context,
    groups: Iterable[Callable[[], list[Candidate]]],
    fallback: Callable[[], DateFinding | None] | None = None,
) -> DateFinding:
    """The first plausible candidate; a day-only one borrows a same-day time found later."""
    seen = future = 0
    best: tuple[str, ParsedDate] | None = None
    relative: tuple[str, ParsedDate] | None = None
    for cand in _flatten(groups):
        seen += 1
        parsed = ctx.parse(cand)
        if parsed is None:
            continue
        if parsed.value > ctx.fetched_at + FUTURE_SLACK:
            future += 1
            continue
        if parsed.source == "relative":  # only when no absolute date is printed anywhere
            relative = relative or (cand.source, parsed)
            continue
        if best is None:
            best = (cand.source, parsed)
            if parsed.precision != "day":
                break
        elif parsed.precision != "day" and parsed.value.date() == best[1].value.date():
            return DateFinding(parsed, f"{best[0]}+{cand.source}")
    best = best or relative
    if best is not None:
        return DateFinding(best[1], best[0])
    found = fallback() if fallback else None
    if found is not None:
        return found
    reason = "in_future" if future else ("unparseable" if seen else "not_found")
    return DateFinding(None, None, reason)


def _flatten(groups: Iterable[Callable[[], list[Candidate]]]) -> Iterator[Candidate]:
    for group in groups:
        yield from group()


def _htmldate(tree: etree._Element, ctx: _Context, url: str | None) -> DateFinding | None:
    """htmldate's fast search, the last resort: a day, never a time."""
    from htmldate import find_date

    try:
        found = find_date(
            tree,
            extensive_search=True,
            original_date=True,
            url=url,
            max_date=ctx.fetched_at.date().isoformat(),
        )
    except Exception:  # htmldate is defensive, but a broken tree must not stop extraction
        return None
    if not found:
        return None
    try:
        day = dt.date.fromisoformat(found[:10])
    except ValueError:
        return None
    if (day.month, day.day) == (1, 1) and not _says_new_year(tree, day.year):
        return None  # htmldate's guess from a bare year: not a date the page states
    return DateFinding(ParsedDate(day_start(day, ctx.tz), "day", "htmldate"), "htmldate")


def _says_new_year(tree: etree._Element, year: int) -> bool:
    """Whether the page spells 1 January of ``year`` somewhere (markup or text)."""
    page = etree.tostring(tree, encoding="unicode")
    pattern = re.compile(
        rf"{year}[-/.]0?1[-/.]0?1(?!\d)|(?<!\d)0?1[-/.]0?1[-/.]{year}"
        rf"|(?<!\d)1\.?\s*(?:jan\w*|січня|января)\s+{year}|jan\w*\.?\s+1(?:st)?,?\s+{year}",
        re.IGNORECASE)
    return bool(pattern.search(page))
