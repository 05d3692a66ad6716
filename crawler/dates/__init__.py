"""Dates of news pages: parsing date strings and finding a page's published/modified dates.

``parse_date`` reads one string (ISO 8601, RFC 822, Ukrainian/Russian/English printed dates,
relative forms) into an aware datetime in the site's zone; ``find_page_dates`` picks a page's
dates from its markup and says where each came from. Pure functions, no I/O.
"""

from crawler.dates.model import ParsedDate, localize, moment_of, zone
from crawler.dates.page import DateFinding, PageDates, find_page_dates
from crawler.dates.parse import parse_date

__all__ = [
    "DateFinding",
    "PageDates",
    "ParsedDate",
    "find_page_dates",
    "localize",
    "moment_of",
    "parse_date",
    "zone",
]
