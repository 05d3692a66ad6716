"""Dates of news pages: reading date strings, finding a page's published/modified dates, and
putting them in the site's time zone.

``read_date`` reads one string (ISO 8601, RFC 822, Ukrainian/Russian/English/German printed
dates, relative forms) as the page states it; ``parse_date`` also applies a zone.
``find_page_dates`` picks a page's dates from its markup and says where each came from, with the
time-zone evidence the page carries; ``choose_zone`` picks a site's IANA zone from evidence and
``settle_page`` writes the dates in it. Pure functions, no I/O.
"""

from crawler.dates.model import ParsedDate, localize, moment_of, zone
from crawler.dates.page import DateFinding, PageDates, find_page_dates
from crawler.dates.parse import parse_date, read_date, server_clock
from crawler.dates.settle import EntryDate, settle_page
from crawler.dates.url_dates import url_day
from crawler.dates.zones import ZoneChoice, ZoneEvidence, choose_zone, priors

__all__ = [
    "DateFinding",
    "EntryDate",
    "PageDates",
    "ParsedDate",
    "ZoneChoice",
    "ZoneEvidence",
    "choose_zone",
    "find_page_dates",
    "localize",
    "moment_of",
    "parse_date",
    "priors",
    "read_date",
    "server_clock",
    "settle_page",
    "url_day",
    "zone",
]
