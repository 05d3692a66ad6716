"""Which IANA time zone a site prints its times in, chosen from evidence.

Evidence is an instant together with the UTC offset the site showed it with: offsets in its
JSON-LD, meta tags, ``<time datetime>``, news sitemaps and feeds; the offset a printed wall time
implies against the site's own machine-readable instant for the same event; zone names printed
next to times ("ET", "GMT"). The zone chosen agrees with all of it, DST included; ties go to the
zone the host's TLD and the page language suggest. A UTC timestamp in markup alone is *weak*
evidence: many CMSs serialise in UTC whatever zone they print in. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

from crawler.dates.model import known_zone

MAX_OFFSET = 14 * 60  # minutes
AGREEMENT = 0.8  # share of the strong evidence the chosen zone must agree with

# Tie-break order when evidence fits several zones (same offsets on the days seen): zones
# with the most news sites first in each offset group; the full tz database is the fallback.
CURATED = (
    "UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
    "Europe/Vienna", "Europe/Zurich", "Europe/Rome", "Europe/Madrid", "Europe/Amsterdam",
    "Europe/Brussels", "Europe/Warsaw", "Europe/Prague", "Europe/Stockholm", "Europe/Oslo",
    "Europe/Copenhagen", "Europe/Budapest", "Europe/Belgrade", "Europe/Kyiv", "Europe/Helsinki",
    "Europe/Bucharest", "Europe/Athens", "Europe/Sofia", "Europe/Riga", "Europe/Vilnius",
    "Europe/Tallinn", "Europe/Chisinau", "Europe/Moscow", "Europe/Minsk", "Europe/Istanbul",
    "Asia/Jerusalem", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
    "Asia/Riyadh", "Asia/Tehran", "Asia/Dubai", "Asia/Tbilisi", "Asia/Yerevan", "Asia/Baku",
    "Asia/Karachi", "Asia/Tashkent", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka",
    "Asia/Almaty", "Asia/Bangkok", "Asia/Jakarta", "Asia/Shanghai", "Asia/Hong_Kong",
    "Asia/Singapore", "Asia/Manila", "Asia/Taipei", "Asia/Tokyo", "Asia/Seoul",
    "Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney",
    "Pacific/Auckland", "America/New_York", "America/Chicago", "America/Denver",
    "America/Phoenix", "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu",
    "America/Toronto", "America/Halifax", "America/St_Johns", "America/Mexico_City",
    "America/Bogota", "America/Lima", "America/Caracas", "America/Santiago",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "Atlantic/Reykjavik",
)
# What a host's country code or a page language suggests when evidence does not decide.
TLD_ZONES = {
    "ua": "Europe/Kyiv", "ru": "Europe/Moscow", "by": "Europe/Minsk", "kz": "Asia/Almaty",
    "md": "Europe/Chisinau", "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich",
    "li": "Europe/Zurich", "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam",
    "lu": "Europe/Luxembourg", "it": "Europe/Rome", "es": "Europe/Madrid", "pt": "Europe/Lisbon",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "gr": "Europe/Athens",
    "tr": "Europe/Istanbul", "dk": "Europe/Copenhagen", "se": "Europe/Stockholm",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "ee": "Europe/Tallinn", "lv": "Europe/Riga",
    "lt": "Europe/Vilnius", "ie": "Europe/Dublin", "uk": "Europe/London", "si": "Europe/Ljubljana",
    "hr": "Europe/Zagreb", "rs": "Europe/Belgrade", "ba": "Europe/Sarajevo", "ge": "Asia/Tbilisi",
    "am": "Asia/Yerevan", "az": "Asia/Baku", "il": "Asia/Jerusalem", "in": "Asia/Kolkata",
    "pk": "Asia/Karachi", "cn": "Asia/Shanghai", "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei",
    "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "sg": "Asia/Singapore", "id": "Asia/Jakarta",
    "ph": "Asia/Manila", "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "au": "Australia/Sydney",
    "nz": "Pacific/Auckland", "za": "Africa/Johannesburg", "ng": "Africa/Lagos",
    "ke": "Africa/Nairobi", "eg": "Africa/Cairo", "br": "America/Sao_Paulo",
    "ar": "America/Argentina/Buenos_Aires", "mx": "America/Mexico_City", "co": "America/Bogota",
    "cl": "America/Santiago", "pe": "America/Lima", "ca": "America/Toronto",
    "us": "America/New_York",
}
LANGUAGE_ZONES = {
    "uk": "Europe/Kyiv", "ru": "Europe/Moscow", "be": "Europe/Minsk", "kk": "Asia/Almaty",
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "es": "Europe/Madrid",
    "pl": "Europe/Warsaw", "cs": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "el": "Europe/Athens",
    "tr": "Europe/Istanbul", "nl": "Europe/Amsterdam", "da": "Europe/Copenhagen",
    "sv": "Europe/Stockholm", "nb": "Europe/Oslo", "no": "Europe/Oslo", "fi": "Europe/Helsinki",
    "et": "Europe/Tallinn", "lv": "Europe/Riga", "lt": "Europe/Vilnius", "sl": "Europe/Ljubljana",
    "hr": "Europe/Zagreb", "sr": "Europe/Belgrade", "ka": "Asia/Tbilisi", "hy": "Asia/Yerevan",
    "he": "Asia/Jerusalem", "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "zh": "Asia/Shanghai",
    "vi": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok", "id": "Asia/Jakarta",
}


@dataclass(frozen=True)
class ZoneEvidence:
    """An instant and the UTC offsets (minutes east, ``low``..``high``) it was shown with.

    ``low == high`` for a stated or implied offset; a range when only the local day is known
    (a URL's date next to an instant). ``strong``: shown to readers, or an offset other than
    UTC; a bare UTC timestamp in markup is weak.
    """

    instant: dt.datetime
    low: int
    high: int
    strong: bool = True

    @classmethod
    def stated(cls, value: dt.datetime, *, shown: bool = False) -> ZoneEvidence | None:
        """The offset an aware value carries (weak when it is UTC in markup)."""
        offset = value.utcoffset()
        if offset is None:
            return None
        minutes = int(offset.total_seconds() // 60)
        return cls(value.astimezone(dt.UTC), minutes, minutes, strong=shown or minutes != 0)

    @classmethod
    def implied(cls, wall: dt.datetime, instant: dt.datetime) -> ZoneEvidence | None:
        """The offset a printed wall time implies against the same event's instant; None when
        the two cannot be the same moment (more than 14 h apart or not on a quarter hour)."""
        utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
        minutes = (wall.replace(second=0, microsecond=0)
                   - utc.replace(second=0, microsecond=0)).total_seconds() / 60
        if abs(minutes) > MAX_OFFSET or minutes % 15:
            return None
        return cls(instant.astimezone(dt.UTC), int(minutes), int(minutes))

    @classmethod
    def on_day(cls, instant: dt.datetime, day: dt.date) -> ZoneEvidence | None:
        """The offsets that put ``instant`` on local ``day`` (None when none can)."""
        utc = instant.astimezone(dt.UTC).replace(tzinfo=None)
        low = int((dt.datetime.combine(day, dt.time()) - utc).total_seconds() // 60)
        low, high = max(low, -MAX_OFFSET), min(low + 1439, MAX_OFFSET)
        if low > high:
            return None
        return cls(instant.astimezone(dt.UTC), low, high, strong=False)

    def fits(self, tz: dt.tzinfo) -> bool:
        """Whether zone ``tz`` shows the instant with an offset in range."""
        offset = tz.utcoffset(self.instant.astimezone(tz))
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        return self.low <= minutes <= self.high

    def to_json(self) -> list:
        """Compact form: ``[instant, low, high, strong]``."""
        return [self.instant.isoformat(), self.low, self.high, self.strong]

    @classmethod
    def from_json(cls, data: Sequence) -> ZoneEvidence:
        """The inverse of :meth:`to_json`."""
        return cls(dt.datetime.fromisoformat(data[0]), int(data[1]), int(data[2]), bool(data[3]))


@dataclass(frozen=True)
class ZoneChoice:
    """The zone chosen for a site and why: ``site`` (its evidence), ``profile``, ``tld`` or
    ``language`` (a prior), ``utc-stamps`` (only UTC timestamps were seen); ``name`` None when
    nothing is known."""

    name: str | None = None
    source: str | None = None

    @property
    def tz(self) -> dt.tzinfo | None:
        """The tzinfo, or None when no zone is known."""
        return known_zone(self.name) if self.name else None


def priors(host: str | None, languages: Iterable[str] = (),
           regions: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(zone, kind) suggestions, most specific first: the host's country code (``tld``), the
    country of the page's locale (``region``: ``en-US``; it only breaks ties between zones the
    evidence allows, a country can span several), then the languages (Ukrainian before
    Russian: bilingual sites are Ukrainian)."""
    out: list[tuple[str, str]] = []
    tld = (host or "").rstrip(".").rpartition(".")[2].lower()
    if tld in TLD_ZONES:
        out.append((TLD_ZONES[tld], "tld"))
    for region in regions:
        zone = TLD_ZONES.get(region.lower()) if region else None
        if zone and all(z != zone for z, _ in out):
            out.append((zone, "region"))
    langs = [lang.lower()[:2] for lang in languages if lang]
    langs.sort(key=lambda lang: lang != "uk")
    for lang in langs:
        if lang in LANGUAGE_ZONES and all(z != LANGUAGE_ZONES[lang] for z, _ in out):
            out.append((LANGUAGE_ZONES[lang], "language"))
    return out


@lru_cache(maxsize=1)
def _all_zones() -> tuple[str, ...]:
    skip = ("Etc/", "SystemV/", "US/", "posix", "right/", "Factory")
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith(skip))
    return tuple(dict.fromkeys((*CURATED, *names)))


def bucketed(ev: ZoneEvidence) -> ZoneEvidence:
    """The evidence with its instant cut to the hour: a zone agrees with both or neither
    (DST changes fall on whole hours), so evidence can be counted per hour."""
    hour = ev.instant.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    return ZoneEvidence(hour, ev.low, ev.high, ev.strong)


def _weighted(evidence: Iterable[ZoneEvidence] | Mapping[ZoneEvidence, int]
              ) -> Counter[ZoneEvidence]:
    """Evidence counted per hour and offset range: what a zone must agree with."""
    counts: Counter[ZoneEvidence] = Counter()
    if isinstance(evidence, Mapping):
        for ev, n in evidence.items():
            counts[bucketed(ev)] += n
    else:
        for ev in evidence:
            counts[bucketed(ev)] += 1
    return counts


def _agreement(names: Iterable[str], evidence: Counter[ZoneEvidence]) -> dict[str, float]:
    total = sum(evidence.values())
    out = {}
    for name in names:
        tz = known_zone(name)
        if tz is not None and total:
            out[name] = sum(n for ev, n in evidence.items() if ev.fits(tz)) / total
    return out


def _best(names: Sequence[str], evidence: Counter[ZoneEvidence]) -> tuple[list[str], float]:
    scores = _agreement(names, evidence)
    top = max(scores.values(), default=0.0)
    return [n for n in names if scores.get(n) == top], top


def choose_zone(evidence: Iterable[ZoneEvidence] | Mapping[ZoneEvidence, int], *,
                host: str | None = None, languages: Iterable[str] = (),
                regions: Iterable[str] = ()) -> ZoneChoice:
    """The zone that agrees with the strong evidence (at least :data:`AGREEMENT` of it), the
    local days, then the priors; UTC only when UTC timestamps are all there is and nothing
    suggests another zone. ``evidence`` may be counted (a mapping to counts)."""
    counts = _weighted(evidence)
    strong = Counter({ev: n for ev, n in counts.items() if ev.strong})
    days = Counter({ev: n for ev, n in counts.items() if not ev.strong and ev.low != ev.high})
    weak = [ev for ev in counts if not ev.strong and ev.low == ev.high]
    hints = priors(host, languages, regions)
    order = list(dict.fromkeys([z for z, _ in hints] + list(CURATED)))
    if strong:
        names, top = _best(order, strong)
        if top < AGREEMENT:
            names, top = _best(_all_zones(), strong)
        if top >= AGREEMENT / 2:
            if days:
                names = _best(names, days)[0]
            return ZoneChoice(names[0], "site")
    fallback = [(z, kind) for z, kind in hints if kind != "region"]
    if fallback:
        fitting = [z for z, _ in fallback if not days or _agreement([z], days).get(z) == 1.0]
        if fitting:
            return ZoneChoice(fitting[0], dict(fallback)[fitting[0]])
    if days:
        names, top = _best(order, days)
        if top == 1.0:
            return ZoneChoice(names[0], "site")
    if weak:
        return ZoneChoice("UTC", "utc-stamps")
    return ZoneChoice()
