"""Many unseen sites at once, for runs of a seed list: each on its own loopback address or port,
each in its own time zone, one of them slow, plus a dead host nobody answers on.

``serve_world()`` serves the five sites of :data:`WORLD` (Kyiv, Sydney, Chicago, Kolkata, and
a Berlin site that answers 300 ms late) on 127.0.0.2-127.0.0.6, and names 127.0.0.7 as the
dead host. ``serve_many(n)`` serves ``n`` small sites (themes and zones in turn) on free
ports of 127.0.0.1, for the many-sites benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fixture_site.unseen.model import SiteSpec
from fixture_site.unseen.server import RunningSite
from fixture_site.unseen.site import UnseenSite
from fixture_site.unseen.sites import THEMES
from fixture_site.unseen.theme import Theme

# Wall times next to each zone's own clock changes (and which of a repeated hour), 2025. A site
# moved to a zone takes those of them that lie before its render moment (:func:`moved`).
EDGES: dict[str, tuple[tuple[str, int], ...]] = {
    "Europe/Kyiv": (("2025-10-26 03:30", 0), ("2025-10-26 03:45", 1),
                    ("2025-03-30 02:50", 0), ("2025-03-30 04:15", 0)),
    "Europe/Berlin": (("2025-10-26 02:20", 0), ("2025-10-26 02:35", 1),
                      ("2025-03-30 01:45", 0), ("2025-03-30 03:20", 0)),
    "America/New_York": (("2025-11-02 01:30", 0), ("2025-11-02 01:20", 1),
                         ("2025-03-09 01:40", 0), ("2025-03-09 03:15", 0)),
    "Australia/Sydney": (("2025-04-06 02:20", 0), ("2025-04-06 02:40", 1),
                         ("2025-10-05 01:50", 0), ("2025-10-05 03:10", 0)),
    "America/Chicago": (("2025-11-02 01:30", 0), ("2025-11-02 01:20", 1),
                        ("2025-03-09 01:40", 0), ("2025-03-09 03:15", 0)),
    "Asia/Kolkata": (),
    "UTC": (),
}


@dataclass(frozen=True)
class WorldSite:
    """A site of the world: a theme moved to another zone and host, maybe slow."""

    key: str
    theme: str  # a theme's spec key: wp, bitrix, drupal, ledger, wire, ghost
    zone: str
    host: str
    latency: float = 0.0


# The wire theme prints UTC/GMT clocks, so it stays in UTC; the others print their zone's own
# label, or none.
WORLD: tuple[WorldSite, ...] = (
    WorldSite("kyiv", "bitrix", "Europe/Kyiv", "127.0.0.2"),
    WorldSite("sydney", "ledger", "Australia/Sydney", "127.0.0.3"),
    WorldSite("chicago", "wp", "America/Chicago", "127.0.0.4"),
    WorldSite("kolkata", "ghost", "Asia/Kolkata", "127.0.0.5"),
    WorldSite("slow", "drupal", "Europe/Berlin", "127.0.0.6", latency=0.3),
)
DEAD_HOST = "127.0.0.7"
UTC_SITE = WorldSite("utc", "wire", "UTC", "127.0.0.8")


def variant(n: int) -> tuple[WorldSite, ...]:
    """Another pairing of themes and zones on the same hosts: :data:`WORLD`'s themes moved
    ``n`` places round its zones (over five variants every theme sits in every zone once, the
    slow host included), plus the wire theme, which prints UTC/GMT clocks, in UTC on
    127.0.0.8. ``variant(0)`` is the world's own pairing with that sixth site."""
    themes = [p.theme for p in WORLD]
    return (*(replace(p, theme=themes[(i + n) % len(themes)]) for i, p in enumerate(WORLD)),
            UTC_SITE)


def _theme(key: str) -> Theme:
    for cls in THEMES:
        if cls.spec.key == key:
            return cls()
    raise KeyError(f"no theme {key!r}")


def moved(theme: Theme, key: str, zone: str) -> SiteSpec:
    """The theme's site as another site in ``zone`` (its own key and edges)."""
    spec = theme.spec
    if zone == spec.zone_name:
        return replace(spec, key=key)
    moved_spec = replace(spec, key=key, zone_name=zone, edges=())
    return replace(moved_spec, edges=tuple(e for e in EDGES.get(zone, ()) if _fits(moved_spec, *e)))


def _fits(spec: SiteSpec, wall: str, fold: int) -> bool:
    """Whether an edge time can be one of ``spec``'s articles: published before the site's
    render moment (a later one would be an article from the future, printed "just now" by
    relative dates), and, for the second pass of a repeated hour, listed in the site's news
    sitemap, the only place that says which pass it was when the page prints a wall time."""
    moment = spec.zone.to_utc(datetime.fromisoformat(wall), fold)
    age = spec.render_at - moment
    if age < timedelta(hours=1):
        return False
    if fold:
        hours = spec.news_hours
        return hours is None or (hours > 0 and age <= timedelta(hours=hours))
    return True


def build_world_site(place: WorldSite, seed: int = 1, scale: float = 1.0) -> UnseenSite:
    theme = _theme(place.theme)
    return UnseenSite(theme, seed=seed, scale=scale, spec=moved(theme, place.key, place.zone))


@contextmanager
def serve_world(seed: int = 1, scale: float = 1.0, port: int = 0,
                places: tuple[WorldSite, ...] = WORLD) -> Iterator[list[RunningSite]]:
    """Serve the sites of ``places`` on their hosts (``port``; 0: a free one each)."""
    with ExitStack() as stack:
        yield [stack.enter_context(RunningSite(build_world_site(p, seed, scale), p.host, port,
                                               latency=p.latency)) for p in places]


MANY_ZONES = ("Europe/Kyiv", "Australia/Sydney", "America/Chicago", "Asia/Kolkata",
              "Europe/Berlin", "America/New_York")


def many_sites(n: int, seed: int = 1, scale: float = 0.2) -> list[UnseenSite]:
    """``n`` sites, themes and zones in turn (the wire theme always in UTC, as it prints its
    clock in UTC), each with its own key and seed."""
    sites = []
    for i in range(n):
        theme = THEMES[i % len(THEMES)]()
        zone = "UTC" if theme.spec.zone_name == "UTC" else MANY_ZONES[(i // len(THEMES))
                                                                      % len(MANY_ZONES)]
        sites.append(UnseenSite(theme, seed=seed + i, scale=scale,
                                spec=moved(theme, f"s{i}", zone)))
    return sites


@contextmanager
def serve_many(n: int, seed: int = 1, scale: float = 0.2,
               host: str = "127.0.0.1") -> Iterator[list[RunningSite]]:
    """Serve ``n`` small sites on free ports of ``host``, a thread each (for a few; the
    many-sites benchmark uses :mod:`fixture_site.unseen.multiserver`)."""
    with ExitStack() as stack:
        yield [stack.enter_context(RunningSite(site, host, 0))
               for site in many_sites(n, seed, scale)]
