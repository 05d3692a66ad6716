"""Fast regular-expression paths for the date spellings news pages use most.

ISO 8601, RFC 822, ``23 березня 2025, 14:05`` (weekday glued or not), ``March 23, 2025``,
``23.03.2025 14:05`` and the relative forms (``2 години тому``, ``вчера в 12:30``, ``щойно``).
Everything here works on text already lower-cased and whitespace-normalised by the caller.
"""

from __future__ import annotations

import datetime as dt
import re

from crawler.dates.model import ParsedDate, Precision, known_zone
from crawler.dates.words import (
    AGO_BEFORE_RE,
    AGO_RE,
    DAY_WORD_RE,
    DAY_WORDS,
    JUST_NOW,
    LABEL_RE,
    MONTH_RE,
    MONTHS,
    ONE_WORDS,
    UNIT_RE,
    ZONE_LABELS,
    unit_of,
)

# am/pm as the languages we read write it: after the time ("3:48 pm", "3.48 p.m.", "3:48 p. m.")
# or before it ("午後3時48分", "下午3:48", "오후 3:48").
_PM_WORDS = ("午後", "下午", "오후")
_AP_BEFORE = r"(?:(?P<ap2>午前|午後|上午|下午|오전|오후)\s*)?"
_AP_AFTER = r"(?P<ap>[ap]\.?\s?m\.?(?!\w))"
_TIME = (
    r"(?:\s*(?:,|о|об|в|at|um|à|-|–|—|\||/)?\s*" + _AP_BEFORE + r"(?P<h>\d{1,2})[:.h](?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*" + _AP_AFTER + r"?(?:\s*(?P<h24>uhr|h)(?!\w))?)?"
)
_OFFSET = (
    r"(?:\s*(?:\(\s*)?(?P<tz>(?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?|z|utc|gmt|ut"
    r"|[+-]\d{2}(?::?\d{2})?|" + LABEL_RE + r")(?![\w:]))?"
)
_YEAR_WORD = r"(?:\s*(?:р\.|року|рік|г\.|года|год)(?!\w))?"

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})\.?(?:(?:t|\s+)"
    + _AP_BEFORE + r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{1,2})(?:[.,]\d+)?)?(?:\s*" + _AP_AFTER
    + r")?)?(?!\d)" + _OFFSET
)
# 2025年1月13日(月) 午後3時48分, 2025年1月13日 15:48, 2025년 6월 3일 오후 3:48
_CJK = re.compile(
    r"(?P<y>\d{4})\s*[年년]\s*(?P<mo>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）]{1,4}[)）])?(?:\s*" + _AP_BEFORE + r"(?P<h>\d{1,2})\s*[:：時时시]\s*"
    r"(?P<mi>\d{2})\s*[分분]?)?" + _OFFSET
)
_DMY_TEXT = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|-?го|-?е)?\.?\s*(?:of\s+)?(?P<mo>"
    + MONTH_RE
    + r")\.?,?\s+"
    r"(?P<y>\d{4})(?!\d)" + _YEAR_WORD + _TIME + _OFFSET
)
# A clock before the date: "14:05, 23 березня 2025", "2:05 PM EDT, Sun March 23, 2025"
# (a.m./p.m., a zone label or offset, up to two words such as a weekday or "Uhr", then the day
# and month in either order). An unknown label ("IST") leaves a wall time for the site's zone.
_TIME_FIRST = re.compile(
    r"(?<!\d)" + _AP_BEFORE + r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?:\s*" + _AP_AFTER + r")?"
    + _OFFSET
    + r"\s*,?\s*(?:[^\W\d_]+\.?,?\s*){0,2}(?:(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?\s*(?P<mo>"
    + MONTH_RE + r")|(?P<mo2>" + MONTH_RE + r")\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?)"
    + r"\.?,?\s+(?P<y>\d{4})(?!\d)"
)
_MDY_TEXT = re.compile(
    r"(?P<mo>"
    + MONTH_RE
    + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
    + _TIME
    + _OFFSET
)
# A time printed before a month-first date: "12:30 am, March 2, 2025", "3:48 PM | Mar 2, 2025"
_TIME_BEFORE = re.compile(
    _AP_BEFORE + r"(?<!\d)(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:\s*" + _AP_AFTER
    + r")?(?:\s*(?P<h24>uhr|h)(?!\w))?" + _OFFSET + r"\s*[,|/–—-]?\s*(?:[^\W\d_]+\.?,?\s*)?$")
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./])\s?(?P<b>\d{1,2})(?P=sep)\s?(?P<y>\d{4})(?!\d)"
    + _TIME + _OFFSET
)
# dd.mm.yy, read only in a date line next to the headline (elsewhere it may be a version)
_NUMERIC_SHORT = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<yy>\d{2})(?![\d.])" + _TIME + _OFFSET
)
_NUMERIC_TIME_FIRST = re.compile(
    r"(?<!\d)(?P<h>\d{1,2}):(?P<mi>\d{2})\s*,?\s*(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})"
    r"(?P=sep)(?P<y>\d{4})(?!\d)"
)
_COUNT = r"(?P<n>\d+|" + "|".join(ONE_WORDS) + r")"
_AGO = re.compile(
    r"(?<!\w)(?:" + _COUNT + r"\s+)?(?P<unit>" + UNIT_RE + r")\s+" + AGO_RE
    + r"|(?<!\w)" + AGO_BEFORE_RE + r"\s+" + _COUNT.replace("<n>", "<n2>") + r"\s+(?P<unit2>"
    + UNIT_RE + ")"
)
_DAY_WORD = re.compile(
    r"(?<!\w)(?P<word>"
    + DAY_WORD_RE
    + r")(?!\w)(?:\s*,?\s*(?:о|об|в|at|um|à)?\s*(?P<h>\d{1,2})[:.h](?P<mi>\d{2})"
    r"\s*(?P<ap>[ap]\.?m\.?)?)?"
)


RELATIVE_LINE = 60  # "Оновлено: вчора о 12:30, автор …": longer text is a sentence
BARE_WORD_LINE = 24  # "вчора", "щойно" without a time: the line must be little more


def _offset(token: str | None) -> tuple[dt.tzinfo | None, str | None]:
    """The zone a token names and how: ``"stated"`` (``+02:00``, ``Z``, ``GMT``, ``UTC+2``) or
    ``"label"`` (a zone name shown to readers: ``ET``, ``MSK``, ``за київським часом``)."""
    if not token:
        return None, None
    token = " ".join(token.split())
    if token in ("z", "utc", "gmt", "ut"):
        return dt.UTC, "stated"
    if token in ZONE_LABELS:
        name = ZONE_LABELS[token]
        if isinstance(name, int):
            return dt.timezone(dt.timedelta(minutes=name)), "label"
        return known_zone(name), "label"
    digits = token.removeprefix("utc").removeprefix("gmt").replace(" ", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits[1:].replace(":", "")
    hours, minutes = (int(digits[:-2] or 0), int(digits[-2:])) if len(digits) > 2 \
        else (int(digits), 0)
    if hours > 14 or minutes > 59:
        return None, None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes)), "stated"


def _meridiem(groups: dict[str, str | None]) -> str | None:
    """``"am"``/``"pm"`` when the time says which half of the day it is in."""
    word = groups.get("ap") or groups.get("ap2")
    if not word:
        return None
    if word in _PM_WORDS:
        return "pm"
    return "pm" if word.startswith("p") else "am"


def _build(m: re.Match[str], year: int, month: int, day: int, source: str,
           twelve_hour: bool = False) -> ParsedDate | None:
    """Turn matched parts into a ParsedDate (None when the parts do not form a real date):
    an instant when an offset or zone is given, else a wall-clock time. ``twelve_hour``: the
    date is written the way 12-hour-clock countries write it (``October 23, 2024``), so a time
    without am/pm, "Uhr" or a leading zero that reads 1 to 12 may be either half of the day."""
    groups = m.groupdict()
    if not 1990 <= year <= 2100:
        return None
    try:
        if groups.get("h") is None:
            return ParsedDate(dt.datetime(year, month, day), "day", source)
        hour, minute = int(groups["h"]), int(groups["mi"])
        ampm = _meridiem(groups)
        if ampm is not None and not 1 <= hour <= 12:
            ampm = None  # "15:48 pm": the hour says it already
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        second = int(groups["s"]) if groups.get("s") else 0
        naive = dt.datetime(year, month, day, hour, minute, second)
    except (ValueError, TypeError):
        return None
    precision: Precision = "second" if groups.get("s") and second else "minute"
    ambiguous = twelve_hour and ampm is None and not groups.get("h24") and 1 <= hour <= 12 \
        and not groups["h"].startswith("0")
    tz, how = _offset(groups.get("tz"))
    if tz is None:
        return ParsedDate(naive, precision, source, ambiguous=ambiguous)
    if how == "label" and not isinstance(tz, dt.timezone):  # a region: its offset that day
        value = naive.replace(tzinfo=tz, fold=0).astimezone(dt.UTC).astimezone(tz)
    else:
        value = naive.replace(tzinfo=tz)
    return ParsedDate(value, precision, source, offset=how, ambiguous=ambiguous)


def parse_absolute(text: str, *, month_first: bool = False,
                   short_years: bool = False) -> ParsedDate | None:
    """Absolute dates with a year: ISO, RFC 822, textual and numeric forms (``dd.mm.yy``
    too with ``short_years``)."""
    if m := _ISO.search(text):
        return _build(m, int(m["y"]), int(m["mo"]), int(m["d"]), "iso")
    if m := _TIME_FIRST.search(text):
        return _build(m, int(m["y"]), MONTHS[m["mo"] or m["mo2"]], int(m["d"] or m["d2"]), "text")
    if m := _DMY_TEXT.search(text):
        return _build(m, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), "text")
    if m := _MDY_TEXT.search(text):
        if m["h"] is None and (t := _TIME_BEFORE.search(text, 0, m.start())):
            found = _build(t, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), "text", True)
            if found is not None:
                return found
        return _build(m, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), "text", twelve_hour=True)
    if m := _CJK.search(text):
        return _build(m, int(m["y"]), int(m["mo"]), int(m["d"]), "text")
    if m := _NUMERIC_TIME_FIRST.search(text) or _NUMERIC.search(text):
        a, b = int(m["a"]), int(m["b"])
        us_style = month_first and m["sep"] == "/" and a <= 12
        if b > 12 or us_style:
            a, b = b, a
        return _build(m, int(m["y"]), b, a, "numeric", twelve_hour=us_style)
    if short_years and (m := _NUMERIC_SHORT.search(text)):
        yy = int(m["yy"])
        return _build(m, 2000 + yy if yy < 70 else 1900 + yy, int(m["b"]), int(m["a"]),
                      "numeric")
    return None


def parse_relative(text: str, reference: dt.datetime) -> ParsedDate | None:
    """Relative forms as of ``reference`` (aware: the server's clock). "2 години тому" is an
    instant; "вчора о 12:30" a day counted back from the reference's local day (its zone is
    applied later, :meth:`ParsedDate.resolve`). Only date lines count: a sentence that says
    "щойно стало відомо" or "Today's word" is not a date."""
    if len(text) > RELATIVE_LINE:
        return None
    if len(text) <= BARE_WORD_LINE and any(word in text for word in JUST_NOW):
        return ParsedDate(reference.replace(second=0, microsecond=0), "minute", "relative",
                          offset="clock")
    if m := _AGO.search(text):
        unit, n = unit_of(m["unit"] or m["unit2"]), m["n"] or m["n2"]
        if unit is not None:
            count = int(n) if n and n.isdigit() else 1
            moment = (reference - dt.timedelta(**{unit[0]: count})).replace(second=0,
                                                                           microsecond=0)
            if unit[1] == "day":
                return ParsedDate(dt.datetime.combine(moment.date(), dt.time()), "day",
                                  "relative", days_back=count * (7 if unit[0] == "weeks" else 1),
                                  reference=reference)
            precision: Precision = "minute" if unit[1] == "second" else unit[1]  # type: ignore[assignment]
            return ParsedDate(moment, precision, "relative", offset="clock")
    if m := _DAY_WORD.search(text):
        back = DAY_WORDS[m["word"]]
        if m["h"] is None and len(text) > BARE_WORD_LINE:
            return None
        if m["h"] is None:
            return ParsedDate(dt.datetime(2000, 1, 1), "day", "relative", days_back=back,
                              reference=reference)
        hour = int(m["h"])
        ampm = (m["ap"] or "").replace(".", "")
        hour = hour + 12 if ampm == "pm" and hour < 12 else (0 if ampm == "am" and hour == 12
                                                           else hour)
        try:
            at = dt.datetime.combine(dt.date(2000, 1, 1), dt.time(hour, int(m["mi"])))
        except ValueError:
            return None
        return ParsedDate(at, "minute", "relative", days_back=back, reference=reference)
    return None
