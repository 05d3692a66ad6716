"""Parsed dates and time-zone handling shared by the date parsers and the page-date finder.

A :class:`ParsedDate` is what a page *states*, before the site's zone is known: an instant when
the text carries an offset (or counts back from the server's clock, "2 години тому"), a wall-clock
time when it does not ("23.03.2025 14:05"), or a day counted back from the server's clock
("вчора о 12:30"). :meth:`ParsedDate.resolve` applies a zone; until then nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Precision = Literal["second", "minute", "hour", "day"]

# Zone names renamed in the tz database; older hosts only know the old spelling.
_ALIASES = {"Europe/Kyiv": "Europe/Kiev", "Europe/Kiev": "Europe/Kyiv"}


@dataclass(frozen=True)
class ParsedDate:
    """One parsed date and how precise it is.

    ``value`` is aware when the date fixes an instant by itself (a stated offset, or a duration
    back from the server's clock) and naive when it is a wall-clock time in the site's zone,
    not yet applied. ``days_back`` marks "вчора о 12:30": the day is that many days before the
    local day of ``reference`` (the server's clock), the time of day is ``value``'s.
    ``precision == "day"``: the text named a day but no time; :meth:`iso` prints the date alone.
    ``offset`` says how an aware value got its offset: ``"stated"`` (the text gave it),
    ``"label"`` (a zone name shown to readers: "ET", "GMT", "за київським часом") or
    ``"clock"`` (counted back from the server's clock). ``ambiguous``: a 12-hour clock printed
    without am/pm ("October 23, 2024, 3:48"), which may as well be 15:48: it is not used to
    give a markup date its time or the site its zone.
    """

    value: dt.datetime
    precision: Precision
    source: str
    days_back: int | None = None
    reference: dt.datetime | None = None
    offset: str | None = None
    ambiguous: bool = False

    @property
    def needs_zone(self) -> bool:
        """True when the site's zone decides the instant (a wall-clock time, a day word)."""
        return self.days_back is not None or (self.value.tzinfo is None
                                              and self.precision != "day")

    def resolve(self, tz: dt.tzinfo, *, keep_offset: bool = False) -> ParsedDate:
        """This date in zone ``tz``: wall-clock times are read there; instants are converted
        to it unless ``keep_offset`` (then they keep the offset the page stated)."""
        value = self.value
        if self.days_back is not None:
            assert self.reference is not None
            day = self.reference.astimezone(tz).date() - dt.timedelta(days=self.days_back)
            value = (day_start(day, tz) if self.precision == "day"
                     else localize(dt.datetime.combine(day, value.time()), tz))
            return replace(self, value=value, days_back=None, reference=None)
        if value.tzinfo is None:
            return replace(self, value=localize(value, tz))
        if keep_offset and self.offset == "stated":
            return self
        return replace(self, value=value.astimezone(tz))

    def wall(self, tz: dt.tzinfo | None = None) -> dt.datetime:
        """The naive local time: as stated, or in ``tz`` (an aware value, a day word)."""
        if self.days_back is not None:
            return self.resolve(tz or dt.UTC).value.replace(tzinfo=None)
        if self.value.tzinfo is None:
            return self.value
        return (self.value.astimezone(tz) if tz else self.value).replace(tzinfo=None)

    def local_day(self, tz: dt.tzinfo | None = None) -> dt.date:
        """The calendar day the page means (in ``tz`` for an instant when given)."""
        return self.wall(tz).date()

    def iso(self) -> str:
        """ISO 8601: ``2025-03-23T14:05:00+02:00``, or ``2025-03-23`` for a day-precision date
        (a wall-clock time not yet resolved prints without offset)."""
        if self.precision == "day":
            return self.local_day().isoformat()
        return self.value.replace(microsecond=0).isoformat()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (crosses from the page workers to the crawl process)."""
        return {"value": self.value.isoformat(), "precision": self.precision,
                "source": self.source, "days_back": self.days_back,
                "reference": self.reference.isoformat() if self.reference else None,
                "offset": self.offset, **({"ambiguous": True} if self.ambiguous else {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedDate:
        """The inverse of :meth:`to_json`."""
        ref = data.get("reference")
        return cls(dt.datetime.fromisoformat(data["value"]), data["precision"], data["source"],
                   data.get("days_back"), dt.datetime.fromisoformat(ref) if ref else None,
                   data.get("offset"), bool(data.get("ambiguous")))


@lru_cache(maxsize=512)
def zone(name: str | None) -> dt.tzinfo:
    """The tzinfo for an IANA name (``Europe/Kyiv``); UTC when unknown or empty."""
    found = known_zone(name)
    return found if found is not None else dt.UTC


@lru_cache(maxsize=512)
def known_zone(name: str | None) -> dt.tzinfo | None:
    """The tzinfo for an IANA name, None when the name is not a zone this host knows."""
    if not name:
        return None
    if name.upper() == "UTC":
        return dt.UTC
    for candidate in (name, _ALIASES.get(name)):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


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
