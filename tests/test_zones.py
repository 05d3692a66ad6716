"""A site's time zone from evidence (crawler.dates.zones) and dates settled in it
(crawler.dates.settle): stated offsets, printed times against markup instants, DST, priors,
UTC only on UTC evidence, the article's sitemap/feed entry completing its date."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.dates import (
    DateFinding,
    EntryDate,
    PageDates,
    ParsedDate,
    ZoneChoice,
    ZoneEvidence,
    choose_zone,
    read_date,
    settle_page,
)
from crawler.dates.settle import with_entry

KYIV_WINTER = dt.timezone(dt.timedelta(hours=2))
KYIV_SUMMER = dt.timezone(dt.timedelta(hours=3))
UTC = dt.UTC


def stated(y, m, d, h, mi, tz) -> ZoneEvidence:
    ev = ZoneEvidence.stated(dt.datetime(y, m, d, h, mi, tzinfo=tz))
    assert ev is not None
    return ev


def test_offsets_across_dst_pick_the_zone_with_those_rules():
    winter, summer = stated(2025, 3, 23, 14, 5, KYIV_WINTER), stated(2025, 7, 1, 9, 0, KYIV_SUMMER)
    # +02:00 in March and +03:00 in July: EET/EEST zones; the Ukrainian language breaks the tie
    assert choose_zone([winter, summer], languages=["uk"]) == ZoneChoice("Europe/Kyiv", "site")
    assert choose_zone([winter, summer], host="news.example.gr").name == "Europe/Athens"
    # Moscow is +03:00 all year: the March evidence rules it out even for Russian pages
    assert choose_zone([winter, summer], languages=["ru"]).name != "Europe/Moscow"


def test_a_fixed_offset_zone_fits_only_its_offset():
    assert choose_zone([stated(2025, 3, 23, 14, 5, dt.timezone(dt.timedelta(
        hours=5, minutes=45)))]).name == "Asia/Kathmandu"


def test_utc_stamps_alone_do_not_beat_the_language():
    """A CMS that writes its JSON-LD in UTC says nothing about the zone it prints times in."""
    weak = [stated(2025, 3, 23, 12, 5, UTC)]
    assert not weak[0].strong
    assert choose_zone(weak, languages=["de"]) == ZoneChoice("Europe/Berlin", "language")
    assert choose_zone(weak, host="zeitung.at") == ZoneChoice("Europe/Vienna", "tld")
    # with nothing else known, UTC stamps are the evidence: the site says UTC
    assert choose_zone(weak) == ZoneChoice("UTC", "utc-stamps")
    assert choose_zone([]) == ZoneChoice()


def test_a_printed_time_against_a_utc_instant_tells_the_offset():
    """The page prints 22:28 and its markup says 03:28Z the next day: five hours west."""
    instant = dt.datetime(2023, 11, 9, 3, 28, tzinfo=UTC)
    implied = ZoneEvidence.implied(dt.datetime(2023, 11, 8, 22, 28), instant)
    assert implied is not None and (implied.low, implied.strong) == (-300, True)
    assert choose_zone([stated(2023, 11, 9, 3, 28, UTC), implied]).name == "America/New_York"
    # not the same moment: 3 minutes apart is not an offset
    assert ZoneEvidence.implied(dt.datetime(2023, 11, 8, 22, 31), instant) is None


def test_shown_utc_is_strong_evidence():
    shown = ZoneEvidence.stated(dt.datetime(2025, 6, 15, 11, 31, tzinfo=UTC), shown=True)
    assert shown is not None and shown.strong
    assert choose_zone([shown], languages=["en"]).name == "UTC"


def test_the_url_day_rules_out_zones():
    instant = dt.datetime(2023, 11, 9, 3, 28, tzinfo=UTC)
    on_day = ZoneEvidence.on_day(instant, dt.date(2023, 11, 8))
    assert on_day is not None
    assert choose_zone([stated(2023, 11, 9, 3, 28, UTC), on_day]).name.startswith("America/")


def test_a_few_contradicting_stamps_do_not_move_the_zone():
    good = [stated(2025, 3, d, 10, 0, KYIV_WINTER) for d in range(1, 20)]
    bad = [stated(2025, 3, 21, 10, 0, dt.timezone(dt.timedelta(hours=5)))]
    assert choose_zone([*good, *bad], languages=["uk"]).name == "Europe/Kyiv"


def test_evidence_round_trips_as_json():
    ev = stated(2025, 3, 23, 14, 5, KYIV_WINTER)
    assert ZoneEvidence.from_json(ev.to_json()) == ev


# --- settling -------------------------------------------------------------------------------
def page(value: ParsedDate | None, source: str = "text") -> PageDates:
    return PageDates(DateFinding(value, source if value else None,
                                 None if value else "not_found"), DateFinding(None, None, "x"))


def test_a_printed_time_is_read_in_the_site_zone_never_as_utc():
    found = page(read_date("23.03.2025 14:05"))
    assert settle_page(found, ZoneChoice("Europe/Kyiv", "site"))["published"] == \
        "2025-03-23T14:05:00+02:00"
    assert settle_page(found, ZoneChoice("America/New_York", "language"))["published"] == \
        "2025-03-23T14:05:00-04:00"
    unknown = settle_page(found, ZoneChoice())
    assert unknown["published"] == "2025-03-23" and unknown["published_reason"] == \
        "offset_unknown"
    assert unknown["date_notes"]["published_local"] == "2025-03-23T14:05"


def test_a_stated_instant_is_shown_in_the_site_zone():
    found = page(read_date("2025-03-23T12:05:00Z"), "json-ld:datePublished")
    fields = settle_page(found, ZoneChoice("Europe/Kyiv", "site"))
    assert fields["published"] == "2025-03-23T14:05:00+02:00"
    assert fields["published_offset_source"] == "page"


@pytest.mark.parametrize(("page_text", "entry_text", "expected", "source"), [
    # a page that shows only the day takes the time of its news-sitemap entry
    ("23.03.2025", "2025-03-23T14:05:00+02:00", "2025-03-23T14:05:00+02:00",
     "text+news-sitemap"),
    # a time in the repeated autumn hour: the entry's offset says which one
    ("2025-10-26 03:30", "2025-10-26T03:30:00+02:00", "2025-10-26T03:30:00+02:00",
     "text+news-sitemap"),
    # another day: the page wins, and the conflict is noted
    ("22.03.2025", "2025-03-23T14:05:00+02:00", "2025-03-22", "text"),
])
def test_the_article_s_own_entry_completes_its_date(page_text, entry_text, expected, source):
    entry = EntryDate(read_date(entry_text), "news-sitemap")
    fields = settle_page(page(read_date(page_text)), ZoneChoice("Europe/Kyiv", "site"),
                         entry=entry)
    assert fields["published"] == expected
    assert fields["published_source"] == source
    assert ("date_conflicts" in fields["date_notes"]) == (source == "text")


def test_an_hour_counted_back_takes_the_entry_s_minute():
    reference = dt.datetime(2025, 10, 27, 8, 20, tzinfo=UTC)
    hours_ago = read_date("4 години тому", reference=reference)
    assert hours_ago is not None and hours_ago.precision == "hour"
    entry = EntryDate(read_date("2025-10-27T05:42:00+02:00"), "news-sitemap")
    found, note = with_entry(DateFinding(hours_ago, "byline"), entry,
                             ZoneChoice("Europe/Kyiv").tz)
    assert note is None and found.value.iso() == "2025-10-27T05:42:00+02:00"


def test_no_page_date_takes_the_entry_s():
    entry = EntryDate(read_date("Sun, 23 Mar 2025 12:05:00 GMT"), "rss")
    fields = settle_page(page(None), ZoneChoice("Europe/Kyiv", "site"), entry=entry)
    assert fields["published"] == "2025-03-23T14:05:00+02:00"
    assert fields["published_source"] == "rss"
