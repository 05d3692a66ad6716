"""Parsed dates and time-zone handling shared by the date parsers and the page-date finder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Precision = Literal["second", "minute", "hour", "day"]

# Zone names renamed in the tz database; older hosts only know the old spelling.
_ALIASES = {"Europe/Kyiv": "Europe/Kiev", "Europe/Kiev": "Europe/Kyiv"}


@dataclass(frozen=True)
class ParsedDate:
    """One parsed date: an aware ``value``, how precise it is, and which parser path read it.

    ``precision == "day"`` means the text named a day but no time: the time of ``value`` is
    00:00 in the site zone only as a placeholder and :meth:`iso` prints the date alone.
    """

    value: dt.datetime
    precision: Precision
    source: str

    def iso(self) -> str:
        """ISO 8601: ``2025-03-23T14:05:00+02:00``, or ``2025-03-23`` for a day-precision date."""
        if self.precision == "day":
            return self.value.date().isoformat()
        return self.value.replace(microsecond=0).isoformat()

    def local_day(self) -> dt.date:
        """The calendar day of the value in its own offset."""
        return self.value.date()


@lru_cache(maxsize=64)
def zone(name: str | None) -> dt.tzinfo:
    """The tzinfo for an IANA name (``Europe/Kyiv``); UTC when unknown or empty."""
    if not name or name.upper() == "UTC":
        return dt.UTC
    for candidate in (name, _ALIASES.get(name)):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return dt.UTC


def as_zone(tz: dt.tzinfo | str | None) -> dt.tzinfo:
    """Accept a tzinfo or a zone name."""
    return tz if isinstance(tz, dt.tzinfo) else zone(tz)


def localize(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Wall-clock time in ``tz`` as an aware datetime, valid across DST changes.

    A time skipped by a spring-forward change (03:30 on 2025-03-30 in Kyiv) moves forward by the
    gap (04:30+03:00); a repeated autumn time takes its first occurrence (summer offset).
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(dt.UTC).astimezone(tz)


def normalise(value: dt.datetime, tz: dt.tzinfo, *, keep_offset: bool) -> dt.datetime:
    """An aware datetime in the site zone (or in its own offset when ``keep_offset``)."""
    if value.tzinfo is None:
        return localize(value, tz)
    if keep_offset:
        return value
    return value.astimezone(tz)


def day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """00:00 of ``day`` in ``tz`` (the placeholder time of a day-precision date)."""
    return localize(dt.datetime.combine(day, dt.time()), tz)


def moment_of(iso: str, tz: dt.tzinfo | str | None = None) -> dt.datetime:
    """An aware datetime for a record's ``published``/``modified`` string; a bare date (day
    precision) becomes the start of that day in ``tz`` (UTC by default), for comparisons."""
    value = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return value if value.tzinfo else localize(value, as_zone(tz))
