"""The publication day or month an article's URL spells (``/2024/03/23/``, ``/2024-03-23-``,
``/20240323/``, ``/2024/03/``): fixed when the article was published."""

from __future__ import annotations

import datetime as dt
import re

_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$)"
    r"|/((?:19|20)\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
    r"|/((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/)")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])(?=/)")


def url_month(url: str | None) -> tuple[int, int] | None:
    """The (year, month) of publication a URL spells (``/2024/03/``), if any."""
    day = url_day(url)
    if day is not None:
        return day.year, day.month
    m = _URL_MONTH.search(url or "")
    return (int(m[1]), int(m[2])) if m else None


def url_day(url: str | None) -> dt.date | None:
    """The publication day a URL spells (``/2024/03/23/``, ``/2024-03-23-``, ``/20240323/``)."""
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    parts = [g for g in m.groups() if g is not None]
    try:
        return dt.date(*map(int, parts))
    except ValueError:
        return None
