"""Visible date spellings of the unseen sites: absolute formats and relative phrases in
Ukrainian, Russian, English and German, as the CMSs they imitate print them.

Every function takes an aware ``moment`` and the site's :class:`Zone`; relative phrases also
take ``now``, the server's render time (what its HTTP ``Date`` header says).
"""

from __future__ import annotations

from datetime import datetime

# The old fixture's Ukrainian/Russian words: months, weekdays, the plural rule and the
# relative-date vocabulary ("щойно", "хвилин", "тому", "вчора о"…).
from fixture_site.kyiv import _UNITS, MONTHS_GEN, WEEKDAYS, _plural
from fixture_site.unseen.zones import Zone

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
AP_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June",
    "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
)
MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)
DAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAYS_DE = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")


def glued(zone: Zone, moment: datetime, lang: str) -> str:
    """``неділя23 березня 2025, 14:05``: weekday glued to the day, as the seed page shows it."""
    t = zone.local(moment)
    day = f"{t.day} {MONTHS_GEN[lang][t.month - 1]} {t.year}"
    return f"{WEEKDAYS[lang][t.weekday()]}{day}, {t:%H:%M}"


def dotted(zone: Zone, moment: datetime, clock: bool = True, sep: str = " ") -> str:
    """``23.03.2025 14:05`` (or ``23.03.2025`` without the clock)."""
    t = zone.local(moment)
    return f"{t:%d.%m.%Y}{sep}{t:%H:%M}" if clock else f"{t:%d.%m.%Y}"


def long_day(zone: Zone, moment: datetime, lang: str) -> str:
    """``23 березня 2025`` / ``23 марта 2025``."""
    t = zone.local(moment)
    return f"{t.day} {MONTHS_GEN[lang][t.month - 1]} {t.year}"


def long_at(zone: Zone, moment: datetime, lang: str) -> str:
    """``23 березня 2025 о 14:05`` / ``23 марта 2025 в 14:05``."""
    at = "о" if lang == "uk" else "в"
    return f"{long_day(zone, moment, lang)} {at} {zone.local(moment):%H:%M}"


def clock_first(zone: Zone, moment: datetime, lang: str) -> str:
    """``14:05, 23 березня 2025`` (a WordPress ``G:i, j F Y`` date format)."""
    return f"{zone.local(moment):%H:%M}, {long_day(zone, moment, lang)}"


def _ampm(t: datetime, dotted_ap: bool) -> str:
    hour = t.hour % 12 or 12
    if dotted_ap:
        return f"{hour}:{t:%M} {'a.m.' if t.hour < 12 else 'p.m.'}"
    return f"{hour}:{t:%M} {'AM' if t.hour < 12 else 'PM'}"


# The labels AP style gives US zones whatever the season; other zones print their abbreviation.
AP_LABELS = {"America/New_York": "ET", "America/Chicago": "CT", "America/Denver": "MT",
             "America/Los_Angeles": "PT"}


def ap_style(zone: Zone, moment: datetime) -> str:
    """``March 23, 2025 2:05 p.m. ET`` (AP style: abbreviated months, dotted a.m./p.m.; the
    zone's own label: ``CT`` in Chicago, ``AEDT`` in Sydney)."""
    t = zone.local(moment)
    label = AP_LABELS.get(zone.name) or zone.abbr(moment)
    return f"{AP_MONTHS[t.month - 1]} {t.day}, {t.year} {_ampm(t, True)} {label}"


def ap_day(zone: Zone, moment: datetime) -> str:
    """``Nov. 2, 2025``."""
    t = zone.local(moment)
    return f"{AP_MONTHS[t.month - 1]} {t.day}, {t.year}"


def cable_style(zone: Zone, moment: datetime) -> str:
    """``2:05 PM EDT, Sun March 23, 2025`` (a cable-news byline)."""
    t = zone.local(moment)
    day = f"{DAYS_EN[t.weekday()]} {MONTHS_EN[t.month - 1]} {t.day}, {t.year}"
    return f"{_ampm(t, False)} {zone.abbr(moment)}, {day}"


def wire_short(zone: Zone, moment: datetime) -> str:
    """``15 Jun 2025 09:41 GMT``."""
    t = zone.local(moment)
    return f"{t.day} {MONTHS_EN[t.month - 1][:3]} {t.year} {t:%H:%M} GMT"


def wire_long(zone: Zone, moment: datetime) -> str:
    """``June 14, 2025 9:41 PM UTC``."""
    t = zone.local(moment)
    return f"{MONTHS_EN[t.month - 1]} {t.day}, {t.year} {_ampm(t, False)} UTC"


def en_day(zone: Zone, moment: datetime) -> str:
    """``June 14, 2025``."""
    t = zone.local(moment)
    return f"{MONTHS_EN[t.month - 1]} {t.day}, {t.year}"


def de_long(zone: Zone, moment: datetime, clock: bool = True) -> str:
    """``23. März 2025, 14:05 Uhr`` (or ``23. März 2025``)."""
    t = zone.local(moment)
    day = f"{t.day}. {MONTHS_DE[t.month - 1]} {t.year}"
    return f"{day}, {t:%H:%M} Uhr" if clock else day


def de_submitted(zone: Zone, moment: datetime) -> str:
    """``So., 23.03.2025 - 14:05`` (Drupal's default "submitted" date)."""
    t = zone.local(moment)
    return f"{DAYS_DE[t.weekday()]}, {t:%d.%m.%Y} - {t:%H:%M}"


_DAYS = {
    lang: (_UNITS[lang]["today"], _UNITS[lang]["yesterday"], before)
    for lang, before in (("uk", "позавчора о"), ("ru", "позавчера в"))
}
_DAYS["de"] = ("heute,", "gestern,", "vorgestern,")


def relative(zone: Zone, moment: datetime, now: datetime, lang: str, hours_up_to: int = 6) -> str:
    """How a page rendered at ``now`` says when ``moment`` was: ``5 хвилин тому``,
    ``3 години тому``, ``вчора о 14:05``, ``vor 3 Stunden``, ``2 hours ago``, ``yesterday``…
    Hours are used up to ``hours_up_to``, then today/yesterday/the day before; older moments
    get an absolute date in the language's long form."""
    secs = int((now - moment).total_seconds())
    mins, hours = secs // 60, secs // 3600
    if lang in ("uk", "ru"):
        words = _UNITS[lang]
        if mins < 1:
            return words["now"]
        if mins < 60:
            return f"{mins} {_plural(mins, *words['min'])} {words['ago']}"
        if hours < hours_up_to:
            return f"{hours} {_plural(hours, *words['hour'])} {words['ago']}"
    elif lang == "de":
        if mins < 1:
            return "gerade eben"
        if mins < 60:
            return f"vor {mins} Minute{'n' if mins != 1 else ''}"
        if hours < hours_up_to:
            return f"vor {hours} Stunde{'n' if hours != 1 else ''}"
    else:
        if mins < 1:
            return "just now"
        if mins < 60:
            return f"{mins} minute{'s' if mins != 1 else ''} ago"
        if hours < 24:
            return f"{hours} hour{'s' if hours != 1 else ''} ago"
        days = (zone.local(now).date() - zone.local(moment).date()).days
        return "yesterday" if days == 1 else f"{days} days ago"
    days = (zone.local(now).date() - zone.local(moment).date()).days
    clock = f"{zone.local(moment):%H:%M}"
    if days <= 2:
        word = _DAYS[lang][days]
        return f"{word} {clock} Uhr" if lang == "de" else f"{word} {clock}"
    return de_long(zone, moment) if lang == "de" else long_at(zone, moment, lang)

