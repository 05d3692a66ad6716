"""Dates of sites far from Europe: a clock printed before the date (with a.m./p.m., a zone
label, a weekday, a month-first date), and UTC markup whose day is not the printed day because
the site's zone is hours away from UTC."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import html

from crawler.dates import ZoneChoice, choose_zone, find_page_dates, read_date
from crawler.dates.model import known_zone
from crawler.dates.page import DateFinding
from crawler.dates.settle import EntryDate, settle_page, with_entry
from crawler.pages.profiles import GENERIC

EN = ("en",)
REFERENCE = dt.datetime(2025, 11, 3, 15, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("Published 2:05 PM EDT, Sun March 23, 2025", "2025-03-23T14:05:00-04:00"),
    ("9:37 PM AEST, Sat May 3, 2025", "2025-05-03T21:37:00+10:00"),
    ("Published 10:25 AM AEDT, Fri January 24, 2025", "2025-01-24T10:25:00+11:00"),
    ("2:05 p.m. CT, March 23, 2025", "2025-03-23T14:05:00-05:00"),
    ("14:05 GMT, 23 March 2025", "2025-03-23T14:05:00+00:00"),
    ("Updated 8:15 AM ET, Mon November 3, 2025", "2025-11-03T08:15:00-05:00"),
])
def test_a_clock_before_the_date_keeps_its_time_and_zone(text, expected):
    found = read_date(text, languages=EN, reference=REFERENCE)
    assert found is not None and found.precision == "minute", found
    assert found.iso() == expected


@pytest.mark.parametrize(("text", "wall"), [
    ("11:02 a.m., Nov. 2, 2025", "2025-11-02T11:02:00"),
    ("9:37 PM IST, Sat May 3, 2025", "2025-05-03T21:37:00"),  # IST: India, Ireland or Israel
    ("14:05, 23 березня 2025", "2025-03-23T14:05:00"),
    ("14:05 Uhr, 23. März 2025", "2025-03-23T14:05:00"),
])
def test_a_clock_before_the_date_without_a_known_zone_is_a_wall_time(text, wall):
    found = read_date(text, languages=("en", "uk", "de"), reference=REFERENCE)
    assert found is not None and found.needs_zone, found
    assert found.value.isoformat() == wall


def _page(jsonld: str, printed: str, key: str = "datePublished") -> html.HtmlElement:
    return html.fromstring(
        "<html><head><script type='application/ld+json'>{\"@type\": \"NewsArticle\", "
        f"\"headline\": \"Council backs the new transit plan\", \"{key}\": \"{jsonld}\""
        "}</script></head><body><article><h1>Council backs the new transit plan</h1>"
        f"<div class='meta'><span class='posted-on'>{printed}</span> by Jane Roe</div>"
        "<p>The council voted on Tuesday to back the new transit plan after a long debate "
        "about costs.</p></article></body></html>")


def _published(jsonld: str, printed: str, zone: str | None,
               key: str = "datePublished") -> tuple[str | None, str | None]:
    dates = find_page_dates(_page(jsonld, printed, key), profile=GENERIC, reference=REFERENCE,
                            title="Council backs the new transit plan")
    fields = settle_page(dates, ZoneChoice(zone, "site") if zone else ZoneChoice())
    return fields["published"], fields["published_source"]


def test_utc_markup_on_the_next_day_of_a_zone_west_of_utc_keeps_its_instant():
    """A CMS that writes its JSON-LD in UTC prints the site's own day: 21:15 in Chicago is
    02:15 UTC the next day. The instant is not a stale stamp, and the site's zone shows it."""
    assert _published("2025-05-22T02:15:00+00:00", "May 21, 2025", "America/Chicago") == (
        "2025-05-21T21:15:00-05:00", "json-ld:datePublished")
    assert _published("2025-05-21T14:15:00Z", "May 22, 2025", "Australia/Sydney") == (
        "2025-05-22T00:15:00+10:00", "json-ld:datePublished")


def test_markup_days_away_from_the_printed_day_is_still_a_stale_stamp():
    """Markup that does not name the publication (``dateCreated``, a template's stamp) loses to
    the printed date line when no zone offset explains the difference; markup naming the
    publication keeps its instant (issue 30: the line may be an update)."""
    assert _published("2025-05-25T02:15:00+00:00", "May 21, 2025", "America/Chicago",
                      key="dateCreated") == ("2025-05-21", "byline")
    # a stated local offset is the site's own: another day is another day
    assert _published("2025-05-22T02:15:00-05:00", "May 21, 2025", "America/Chicago",
                      key="dateCreated") == ("2025-05-21", "byline")
    # UTC markup of unknown meaning on the next day in Chicago: the same moment, kept
    assert _published("2025-05-22T02:15:00+00:00", "May 21, 2025", "America/Chicago",
                      key="dateCreated") == ("2025-05-21T21:15:00-05:00", "json-ld:dateCreated")
    assert _published("2025-05-25T02:15:00+00:00", "May 21, 2025", "America/Chicago") == (
        "2025-05-24T21:15:00-05:00", "json-ld:datePublished")


def test_the_printed_day_of_a_utc_instant_tells_which_side_of_utc_the_site_is():
    """Alone, with no other evidence, the page's printed day places a UTC instant: the zone
    chosen shows it on that day."""
    dates = find_page_dates(_page("2025-05-22T02:15:00+00:00", "May 21, 2025"), profile=GENERIC,
                            reference=REFERENCE, title="Council backs the new transit plan")
    choice = choose_zone(dates.evidence)
    published = settle_page(dates, choice)["published"]
    assert published is not None and published.startswith("2025-05-21T"), (choice, published)


@pytest.mark.parametrize(("label", "entry_text"), [
    ("CT", "2025-11-02T01:20:00-06:00"),  # the second 01:20 of the night the clocks go back
    ("CT", "2025-11-02T01:20:00-05:00"),  # the first
    ("CST", "2025-11-02T01:20:00-06:00"),  # a fixed label says it already
])
def test_a_zone_label_in_the_repeated_hour_takes_the_entry_s_offset(label, entry_text):
    """"1:20 a.m. CT" happens twice on 2 November in Chicago; the article's news-sitemap entry
    states which (as for a wall time with no label)."""
    printed = read_date(f"Nov. 2, 2025 1:20 a.m. {label}", languages=EN, reference=REFERENCE)
    assert printed is not None and printed.offset == "label"
    entry = EntryDate(read_date(entry_text), "news-sitemap")
    # as the crawl sees it: the page's findings cross from the page workers as JSON
    finding = DateFinding.from_json(DateFinding(printed, "byline").to_json())
    found, note = with_entry(finding, entry, known_zone("America/Chicago"))
    assert note is None and found.value.iso() == entry_text
    assert found.source == "byline+news-sitemap"
