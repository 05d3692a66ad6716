"""``parse_date``: one date string to an aware datetime in the site's zone.

Fast regex paths first (they cover the spellings news pages use); dateparser only for the rest,
and only on short strings that carry a four-digit year, so relative words are never resolved
against the wall clock instead of the fetch time.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from crawler.dates.fast import parse_absolute, parse_relative
from crawler.dates.model import ParsedDate, as_zone
from crawler.dates.words import (
    DATE_LINE_WORDS,
    DAY_WORDS,
    JUST_NOW,
    MONTHS,
    WEEKDAYS,
    ZONE_LABELS,
    unit_of,
)

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200b]+")
_YEAR = re.compile(r"(?<!\d)(?:19[9]\d|20\d\d)(?!\d)")
_HAS_TIME = re.compile(r"\d{1,2}[:.]\d{2}(?!\d)")
_DATEPARSER_LANGS = frozenset(
    {
        "uk",
        "ru",
        "en",
        "de",
        "fr",
        "es",
        "it",
        "pl",
        "pt",
        "nl",
        "cs",
        "sk",
        "be",
        "bg",
        "tr",
        "sv",
        "da",
        "fi",
        "no",
        "nb",
        "hu",
        "ro",
        "hr",
        "sr",
        "sl",
        "lt",
        "lv",
        "et",
        "el",
        "kk",
    }
)
MAX_DATE_TEXT = 300  # longer strings are not a date line
MAX_DATEPARSER_TEXT = 80


_MERIDIEM = re.compile(r"(?<!\w)([ap])\. ?m\.(?!\w)")


def normalise_text(text: str) -> str:
    """Lower-case, one space between words, typographic apostrophes and dashes unified,
    ``p.m.``/``p. m.`` written ``pm``."""
    text = _SPACES.sub(" ", text).strip().lower()
    text = text.replace("\u2019", "'").replace("\u02bc", "'")
    return _MERIDIEM.sub(r"\1m", text) if "m." in text else text


def could_be_date(text: str) -> bool:
    """Cheap pre-check: a digit, or a relative word such as ``вчора`` / ``щойно``."""
    if any(ch.isdigit() for ch in text):
        return True
    return any(word in text for word in DAY_WORDS) or any(word in text for word in JUST_NOW)


def read_date(
    text: str | None,
    *,
    languages: tuple[str, ...] | list[str] = ("uk", "ru", "en"),
    reference: dt.datetime | None = None,
    allow_dateparser: bool = True,
    short_years: bool = False,
) -> ParsedDate | None:
    """Read one date string as the page states it (no zone applied); None when it is not a
    date. ``reference`` (aware: the server's clock when it rendered the page) resolves relative
    forms; without it they are not read. ``short_years`` reads ``dd.mm.yy`` too."""
    if not text:
        return None
    norm = normalise_text(text)
    if not norm or len(norm) > MAX_DATE_TEXT or not could_be_date(norm):
        return None
    langs = tuple(languages)
    month_first = bool(langs) and langs[0] == "en"
    found = parse_absolute(norm, month_first=month_first, short_years=short_years)
    if found is None and reference is not None:
        found = parse_relative(norm, _aware(reference))
    if (
        found is None
        and allow_dateparser
        and len(norm) <= MAX_DATEPARSER_TEXT
        and _YEAR.search(norm)
    ):
        found = _with_dateparser(norm, langs)
    return found


def parse_date(
    text: str | None,
    *,
    languages: tuple[str, ...] | list[str] = ("uk", "ru", "en"),
    tz: dt.tzinfo | str | None = "UTC",
    reference: dt.datetime | None = None,
    keep_offset: bool = False,
    allow_dateparser: bool = True,
) -> ParsedDate | None:
    """:func:`read_date` resolved in zone ``tz``: wall-clock times are read in it, and
    instants are converted to it unless ``keep_offset`` (they keep the offset they state)."""
    found = read_date(text, languages=languages, reference=reference,
                      allow_dateparser=allow_dateparser)
    return found.resolve(as_zone(tz), keep_offset=keep_offset) if found else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@lru_cache(maxsize=16)
def _parser(languages: tuple[str, ...]) -> Any:
    """One cached dateparser parser per language set (building one is the slow part)."""
    from dateparser.date import DateDataParser

    langs = [lang for lang in languages if lang in _DATEPARSER_LANGS] or None
    settings = {
        "DATE_ORDER": "MDY" if langs and langs[0] == "en" else "DMY",
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PARSERS": ["custom-formats", "absolute-time"],
    }
    return DateDataParser(languages=langs, settings=settings, try_previous_locales=True)


def _with_dateparser(text: str, languages: tuple[str, ...]) -> ParsedDate | None:
    try:
        data = _parser(languages).get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    value = data.date_obj if data else None
    if value is None or not 1990 <= value.year <= 2100:
        return None
    if not _HAS_TIME.search(text):
        return ParsedDate(dt.datetime.combine(value.date(), dt.time()), "day", "dateparser")
    if value.tzinfo is not None:
        return ParsedDate(value, "minute", "dateparser", offset="stated")
    return ParsedDate(value, "minute", "dateparser")


_LETTERS = re.compile(r"[^\W\d_]+")
_ANY_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def is_date_line(text: str) -> bool:
    """Whether ``text`` is a date line and nothing more ("вчора о 12:30", "Updated June 15,
    2025 11:31 AM UTC", "неділя23 березня 2025, 14:05"): never article text."""
    if len(text) > 160:
        return False
    norm = normalise_text(text)
    if not norm or len(norm) > 80 or not could_be_date(norm):
        return False
    if read_date(norm, reference=_ANY_TIME, allow_dateparser=False, short_years=True) is None:
        return False
    rest = [w for w in _LETTERS.findall(norm)
            if w not in MONTHS and w not in WEEKDAYS and w not in DAY_WORDS
            and w not in DATE_LINE_WORDS and w not in ZONE_LABELS and unit_of(w) is None
            and not any(w in phrase for phrase in JUST_NOW)]
    return len(rest) <= 1


def server_clock(value: str | bytes | None) -> str | None:
    """An HTTP ``Date`` header (when the server rendered the page) as ISO 8601, or None when it
    is missing or unreadable; relative dates on the page count back from it."""
    from email.utils import parsedate_to_datetime

    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None or moment.year < 1995:
        return None
    return moment.isoformat()
