"""Fast regular-expression paths for the date spellings news pages use most.

ISO 8601, RFC 822, ``23 березня 2025, 14:05`` (weekday glued or not), ``March 23, 2025``,
``23.03.2025 14:05`` and the relative forms (``2 години тому``, ``вчера в 12:30``, ``щойно``).
Everything here works on text already lower-cased and whitespace-normalised by the caller.
"""

from __future__ import annotations

import datetime as dt
import re

from crawler.dates.model import ParsedDate, Precision, day_start, localize, normalise
from crawler.dates.words import (
    AGO_RE,
    DAY_WORD_RE,
    DAY_WORDS,
    JUST_NOW,
    MONTH_RE,
    MONTHS,
    ONE_WORDS,
    UNIT_RE,
    unit_of,
)

_TIME = (
    r"(?:\s*(?:,|о|об|в|at|um|à|-|–|—|\||/)?\s*(?P<h>\d{1,2})[:.h](?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*(?P<ap>[ap]\.?m\.?)?(?:\s*(?:uhr|h)(?!\w))?)?"
)
_OFFSET = r"(?:\s*(?P<tz>z|utc|gmt|ut|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?"
_YEAR_WORD = r"(?:\s*(?:р\.|року|рік|г\.|года|год)(?!\w))?"

_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?:(?:t|\s+)(?P<h>\d{1,2})"
    r":(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?(?!\d)" + _OFFSET
)
_DMY_TEXT = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|-?го|-?е)?\.?\s*(?:of\s+)?(?P<mo>"
    + MONTH_RE
    + r")\.?,?\s+"
    r"(?P<y>\d{4})(?!\d)" + _YEAR_WORD + _TIME + _OFFSET
)
_TIME_FIRST = re.compile(
    r"(?<!\d)(?P<h>\d{1,2}):(?P<mi>\d{2})\s*,?\s*(?:[^\W\d_]+,?\s*)?(?P<d>\d{1,2})\s*(?P<mo>"
    + MONTH_RE
    + r")\.?,?\s+(?P<y>\d{4})(?!\d)"
)
_MDY_TEXT = re.compile(
    r"(?P<mo>"
    + MONTH_RE
    + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
    + _TIME
    + _OFFSET
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)" + _TIME
)
_NUMERIC_TIME_FIRST = re.compile(
    r"(?<!\d)(?P<h>\d{1,2}):(?P<mi>\d{2})\s*,?\s*(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})"
    r"(?P=sep)(?P<y>\d{4})(?!\d)"
)
_AGO = re.compile(
    r"(?:(?P<n>\d+|" + "|".join(ONE_WORDS) + r")\s+)?(?P<unit>" + UNIT_RE + r")\s+" + AGO_RE
)
_DAY_WORD = re.compile(
    r"(?P<word>"
    + DAY_WORD_RE
    + r")(?:\s*,?\s*(?:о|об|в|at|um)?\s*(?P<h>\d{1,2})[:.](?P<mi>\d{2}))?"
)


def _offset(token: str | None) -> dt.tzinfo | None:
    if not token:
        return None
    if token in ("z", "utc", "gmt", "ut"):
        return dt.UTC
    sign = -1 if token[0] == "-" else 1
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _build(
    m: re.Match[str], year: int, month: int, day: int, tz: dt.tzinfo, keep_offset: bool, source: str
) -> ParsedDate | None:
    """Turn matched parts into a ParsedDate (None when the parts do not form a real date)."""
    groups = m.groupdict()
    if not 1990 <= year <= 2100:
        return None
    try:
        if groups.get("h") is None:
            return ParsedDate(day_start(dt.date(year, month, day), tz), "day", source)
        hour, minute = int(groups["h"]), int(groups["mi"])
        ampm = (groups.get("ap") or "").replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        second = int(groups["s"]) if groups.get("s") else 0
        naive = dt.datetime(year, month, day, hour, minute, second)
    except (ValueError, TypeError):
        return None
    precision: Precision = "second" if groups.get("s") and second else "minute"
    offset = _offset(groups.get("tz"))
    value = normalise(
        naive.replace(tzinfo=offset) if offset else naive, tz, keep_offset=keep_offset
    )
    return ParsedDate(value, precision, source)


def parse_absolute(
    text: str, tz: dt.tzinfo, *, keep_offset: bool = False, month_first: bool = False
) -> ParsedDate | None:
    """Absolute dates with a year: ISO, RFC 822, textual and numeric forms."""
    if m := _ISO.search(text):
        return _build(m, int(m["y"]), int(m["mo"]), int(m["d"]), tz, keep_offset, "iso")
    if m := _TIME_FIRST.search(text):
        return _build(m, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), tz, keep_offset, "text")
    if m := _DMY_TEXT.search(text):
        return _build(m, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), tz, keep_offset, "text")
    if m := _MDY_TEXT.search(text):
        return _build(m, int(m["y"]), MONTHS[m["mo"]], int(m["d"]), tz, keep_offset, "text")
    if m := _NUMERIC_TIME_FIRST.search(text) or _NUMERIC.search(text):
        a, b = int(m["a"]), int(m["b"])
        if b > 12 or (month_first and m["sep"] == "/" and a <= 12):
            a, b = b, a
        return _build(m, int(m["y"]), b, a, tz, keep_offset, "numeric")
    return None


def parse_relative(text: str, tz: dt.tzinfo, reference: dt.datetime) -> ParsedDate | None:
    """Relative forms (``2 години тому``, ``вчора о 12:30``) as of ``reference``, in zone ``tz``."""
    local_ref = reference.astimezone(tz)
    if any(word in text for word in JUST_NOW):
        return ParsedDate(local_ref.replace(second=0, microsecond=0), "minute", "relative")
    if m := _AGO.search(text):
        unit = unit_of(m["unit"])
        if unit is not None:
            count = int(m["n"]) if m["n"] and m["n"].isdigit() else 1
            moment = (reference - dt.timedelta(**{unit[0]: count})).astimezone(tz)
            moment = moment.replace(second=0, microsecond=0)
            if unit[1] == "day":
                return ParsedDate(day_start(moment.date(), tz), "day", "relative")
            precision: Precision = "minute" if unit[1] == "second" else unit[1]  # type: ignore[assignment]
            return ParsedDate(moment, precision, "relative")
    if m := _DAY_WORD.search(text):
        day = local_ref.date() - dt.timedelta(days=DAY_WORDS[m["word"]])
        if m["h"] is None:
            return ParsedDate(day_start(day, tz), "day", "relative")
        try:
            naive = dt.datetime.combine(day, dt.time(int(m["h"]), int(m["mi"])))
        except ValueError:
            return None
        return ParsedDate(localize(naive, tz), "minute", "relative")
    return None
