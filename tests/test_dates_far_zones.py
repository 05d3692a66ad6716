"""Dates of sites far from Europe: a clock printed before the date (with a.m./p.m., a zone
label, a weekday, a month-first date), and UTC markup whose day is not the printed day because
the site's zone is hours away from UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.dates import read_date

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

