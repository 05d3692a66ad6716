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

from crawler.dates.agree import (
    FUTURE_SLACK,
    DateFinding,
    ReadContext,
    agree_with_byline,
    agree_with_url,
    labelled_published,
)
from crawler.dates.lines import (
    byline_lines,
    dated_lines,
    published_parts,
    update_parts,
    visible_lines,
)
from crawler.dates.model import ParsedDate
from crawler.dates.parse import could_be_date
from crawler.dates.sources import (
    Candidate,
    jsonld_candidates,
    live_blog,
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

__all__ = ["DateFinding", "PageDates", "find_page_dates"]

PRINTED_LINES = 6  # date lines next to the headline read for zone evidence


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
    ctx = ReadContext(tuple(profile.languages), reference, url_month(url))
    nodes = jsonld if jsonld is not None else jsonld_nodes(tree)
    ld_pub, ld_mod = jsonld_candidates(nodes)
    meta_pub, meta_mod = meta_candidates(tree)
    time_pub, time_mod = time_candidates(tree)
    rdfa_pub, rdfa_mod = rdfa_candidates(tree)
    time_pub, time_mod = time_pub + rdfa_pub, time_mod + rdfa_mod
    lines: list[tuple[str, bool]] | None = None
    near: list[Candidate] | None = None
    # A live blog's printed times are its entries': only a line labelled as the publication
    # may give ``published``.
    printed_ok = labelled_published if live_blog(nodes) else (lambda _text: True)

    def raw_byline() -> list[Candidate]:
        nonlocal near
        if near is None:
            near = byline_lines(tree, title)
        return near

    def byline() -> list[Candidate]:
        return [c for c in published_parts(raw_byline()) if printed_ok(c.text)]

    def visible(updates: bool) -> list[Candidate]:
        nonlocal lines
        if lines is None:
            lines = list(visible_lines(tree))
        out = []
        for text, is_update in lines:
            before, after = split_update(text)
            if updates and is_update:
                out.append(Candidate("text", after if after is not None else text, False))
            elif not updates and before.strip() and (not is_update or after is not None) \
                    and printed_ok(before):
                out.append(Candidate("text", before, False))
        return out

    pub_groups: tuple[Callable[[], list[Candidate]], ...] = (
        lambda: ld_pub,
        lambda: meta_pub,
        lambda: time_pub,
        lambda: xpath_candidates(tree, profile.published_xpaths, "xpath"),
        byline,
        lambda: visible(False),
        lambda: [] if updated() else [Candidate("text", t, False) for t in dated_lines(tree)
                                      if split_update(t)[1] is None and printed_ok(t)],
    )

    def updated() -> bool:
        """The page's date line is an update ("Stand: …"): no date further down the text is
        its publication."""
        visible(False)
        return bool(update_parts(raw_byline())) or any(u for _, u in lines or ())

    def labelled() -> list[Candidate]:
        """Lines that say their date is the publication: labelled so ("Veröffentlicht am"),
        or printed before an update on the same line ("March 2, 2025 / Updated 2 hours
        ago")."""
        both = [c for c in raw_byline() if split_update(c.text)[1] is not None]
        return [c for c in byline() if labelled_published(c.text)] + \
            [c for c in published_parts(both) if printed_ok(c.text)]

    published = _choose(ctx, pub_groups)
    published = agree_with_byline(published, ctx, byline, (*ld_pub, *meta_pub, *time_pub),
                                  labelled)
    published = agree_with_url(published, url, ctx)
    modified = _choose(
        ctx,
        (
            lambda: ld_mod,
            lambda: meta_mod,
            lambda: time_mod,
            lambda: xpath_candidates(tree, profile.modified_xpaths, "xpath"),
            lambda: update_parts(raw_byline()),
            lambda: visible(True),
        ),
    )
    structured = [c for c in (*ld_pub, *meta_pub, *time_pub, *ld_mod, *meta_mod, *time_mod)
                  if c.structured]
    printed = (lambda: [c for c in time_pub if not c.structured],
               lambda: byline()[:PRINTED_LINES])
    evidence = _evidence(ctx, structured, printed, url)
    return PageDates(published, modified, tuple(evidence))


def _evidence(ctx: ReadContext, structured: list[Candidate],
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
        if parsed.ambiguous:  # "3:48" may be 15:48: it implies no offset
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
    # The days the instant is shown on: the URL's, and the date line's (a +00:00 stamp of 23:07
    # shown as "26/12/2019" is in UTC, not in Zurich; 02:15 UTC shown the day before is west
    # of UTC); beside a URL day, a printed day equal to the instant's UTC day adds nothing.
    days = [url_day(url)]
    if printed_day is not None and instant is not None and (
            days[0] is None or printed_day != instant.date()):
        days.append(printed_day)
    for day in dict.fromkeys(days):
        if instant is not None and day is not None:
            on_day = ZoneEvidence.on_day(instant, day)
            if on_day is not None and abs(instant.date() - day) <= dt.timedelta(days=1):
                out.append(on_day)
    return out


def _choose(ctx: ReadContext, groups: Iterable[Callable[[], list[Candidate]]]) -> DateFinding:
    """The first plausible candidate, sources in order and each source's candidates in page
    order; a day-only one borrows a same-day time found later (not a 12-hour clock without
    am/pm, which may be either half of the day). A relative date ("3 години
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
            elif parsed.precision != "day" and not parsed.ambiguous \
                    and parsed.local_day() == best[1].local_day():
                return DateFinding(parsed, f"{best[0]}+{cand.source}")
    if best is not None:
        return DateFinding(best[1], best[0])
    reason = "in_future" if future else ("unparseable" if seen else "not_found")
    return DateFinding(None, None, reason)


def _flatten(groups: Iterable[Callable[[], list[Candidate]]]) -> Iterator[Candidate]:
    for group in groups:
        yield from group()
